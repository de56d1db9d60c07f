package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/** The work of {@code warden.enforce}. */
public final class Enforcer {

    static final String FUNCTION = "enforce";

    private Enforcer() {
    }

    /**
     * Applies every enabled policy, blockers first, then idle_in_tx, then long_running, then
     * long_transaction ({@link PolicyKind} says why), and returns all their rows. A
     * backend one policy selected is left to it by the others; one that a policy in mode
     * observe selected is not: that policy signals nothing, and its would-be actions are
     * dry-run rows that the audit log records with its name.
     * If another enforce() run holds the lock, returns no rows and says so in a NOTICE and
     * the server log: the two never act on the same backend.
     */
    public static List<ActionRow> run(Connection conn, Boolean dryRun) throws SQLException {
        return enforce(conn, dryRun).rows();
    }

    /**
     * What {@link #run} does, with what a caller that runs it again and again (the runner's
     * watch mode) reports besides the rows: the audit's run id, or the run that held the
     * lock.
     */
    public static Enforcement enforce(Connection conn, Boolean dryRun) throws SQLException {
        return OneTransaction.run(conn, () -> runInTransaction(conn, dryRun));
    }

    /**
     * What one call did.
     *
     * @param runId the run_id of its warden.action_log rows; null when it was skipped
     * @param heldBy when skipped, the pid of the backend whose enforce() run held the lock
     *     (0 if it let go meanwhile); else null
     * @param rows the result rows, none when skipped
     */
    public record Enforcement(String runId, Integer heldBy, List<ActionRow> rows) {

        public boolean skipped() {
            return heldBy != null;
        }
    }

    private static Enforcement runInTransaction(Connection conn, Boolean dryRun)
            throws SQLException {
        boolean dry = Arguments.flag(conn, "dry_run", dryRun);
        Installation installation = Installation.probe(conn);
        if (!installation.tables()) {
            throw ServerMessages.raise(conn, SqlState.UNDEFINED_TABLE,
                    "relation \"warden.policy\" does not exist",
                    "Install pgwarden with install/install.sh, or run sql/schema.sql.");
        }
        // Every policy is read before the first signal: a row the table took before its
        // trigger existed (an upgrade keeps the operator's rows) refuses the whole run.
        List<Planned> plans = new ArrayList<>();
        Duration longestWait = Duration.ZERO;
        for (Policy policy : Policy.enabled(conn)) {
            Planned plan = Planned.of(conn, policy);
            plans.add(plan);
            longestWait = longestWait.plus(plan.longestWait());
        }
        Notification notification = Preflight.check(conn, installation, dry, longestWait);
        // A dry run signals nothing: it takes no lock, so a trial never makes a real run skip.
        if (!dry && !EnforceLock.tryAcquire(conn, installation)) {
            int holder = EnforceLock.holder(conn, installation);
            String skipped = "enforce skipped: another enforce() run (pid " + holder
                    + ") is applying the policies";
            ServerMessages.notice(conn, skipped);
            ServerMessages.log(conn, List.of(skipped));
            return new Enforcement(null, holder, List.of());
        }
        return applyAll(conn, installation, plans, dry, notification);
    }

    /** Applies the policies in one run, which sends one notification for them all. */
    private static Enforcement applyAll(Connection conn, Installation installation,
            List<Planned> plans, boolean dryRun, Notification notification)
            throws SQLException {
        Run run = Run.of(conn, FUNCTION);
        Set<Integer> handled = new HashSet<>();
        List<ActionRow> rows = new ArrayList<>();
        for (Planned plan : plans) {
            List<ActionRow> applied = apply(conn, installation, run, plan, handled, dryRun);
            if (!plan.policy().observes()) {
                applied.forEach(r -> handled.add(r.pid()));
            }
            rows.addAll(applied);
        }
        return new Enforcement(run.id(), null, notification.send(conn, run, rows));
    }

    private static List<ActionRow> apply(Connection conn, Installation installation, Run run,
            Planned plan, Set<Integer> handled, boolean dryRun) throws SQLException {
        Policy policy = plan.policy();
        // An observing policy acts as a dry run whose rows are audited (Run.audits); in a
        // dry run of enforce() it writes nothing either.
        run = run.observing(policy.observes() && !dryRun);
        dryRun = dryRun || policy.observes();
        Interval threshold = plan.threshold();
        Interval grace = plan.grace();
        return switch (policy.kind()) {
            // Roots another policy handled stay, and may keep this one's roots futile.
            case BLOCKERS -> BlockerTerminator.resolve(conn, installation,
                    run.forPolicy(BlockerTerminator.FUNCTION, policy.name()), threshold, grace,
                    policy.filter(), handled, dryRun);
            case IDLE_IN_TX -> IdleTransactionReaper.act(conn, installation,
                    run.forPolicy(IdleTransactionReaper.FUNCTION, policy.name()),
                    targets(conn, installation, policy, threshold, handled), threshold, dryRun);
            case LONG_RUNNING -> LongRunningCanceller.act(conn, installation,
                    run.forPolicy(LongRunningCanceller.FUNCTION, policy.name()),
                    targets(conn, installation, policy, threshold, handled), threshold,
                    policy.escalate(), grace, dryRun);
            case LONG_TRANSACTION -> LongTransactionEnder.act(conn, installation,
                    run.forPolicy(LongTransactionEnder.FUNCTION, policy.name()),
                    targets(conn, installation, policy, threshold, handled), threshold, grace,
                    dryRun);
        };
    }

    /** The backends a policy of a kind other than blockers selects, less those handled. */
    private static List<Candidate> targets(Connection conn, Installation installation,
            Policy policy, Interval threshold, Set<Integer> handled) throws SQLException {
        List<Candidate> targets = Candidates.select(conn, installation,
                policy.kind().selection(), threshold, policy.filter(), false);
        targets.removeIf(c -> handled.contains(c.pid()));
        return targets;
    }

    /** A policy whose intervals passed {@link IntervalRule}. */
    private record Planned(Policy policy, Interval threshold, Interval grace) {

        static Planned of(Connection conn, Policy policy) throws SQLException {
            return new Planned(policy,
                    Arguments.policyInterval(conn, policy.name(), "threshold",
                            policy.threshold(), IntervalRule.Use.THRESHOLD),
                    Arguments.policyInterval(conn, policy.name(), "grace", policy.grace(),
                            IntervalRule.Use.GRACE));
        }

        /** Its waits after signals; none for a policy that only observes. */
        Duration longestWait() {
            if (policy.observes()) {
                return Duration.ZERO;
            }
            return switch (policy.kind()) {
                case BLOCKERS -> BlockerTerminator.longestWait(grace);
                case IDLE_IN_TX -> IdleTransactionReaper.longestWait();
                case LONG_RUNNING -> LongRunningCanceller.longestWait(policy.escalate(), grace);
                case LONG_TRANSACTION -> LongTransactionEnder.longestWait(grace);
            };
        }
    }
}
