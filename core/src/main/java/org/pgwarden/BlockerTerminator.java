package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/** The work of {@code warden.terminate_blockers}. */
public final class BlockerTerminator {

    static final String FUNCTION = "terminate_blockers";

    private BlockerTerminator() {
    }

    /**
     * Resolves lock-wait chains at their roots, where some backend has waited longer than
     * {@code minWait}: an idle or idle-in-transaction root is terminated; an active root is
     * cancelled and, if it still blocks after {@code grace}, terminated. Waiters are never
     * signalled: once the root is gone they get their locks. A root that cannot or need not
     * be signalled (a prepared transaction, autovacuum, one whose waiters stay blocked by
     * another root that stays, ...) gets a row saying why ({@link RootPlan}).
     */
    public static List<ActionRow> run(Connection conn, String minWait, String grace,
            Boolean dryRun) throws SQLException {
        return OneTransaction.run(conn, () -> {
            boolean dry = Arguments.flag(conn, "dry_run", dryRun);
            Interval wait = Arguments.threshold(conn, "min_wait", minWait);
            Interval patience = Arguments.grace(conn, "grace", grace);
            Installation installation = Installation.probe(conn);
            Notification notification = Preflight.check(conn, installation, dry,
                    longestWait(patience));
            Run run = Run.of(conn, FUNCTION);
            return notification.send(conn, run, resolve(conn, installation, run, wait,
                    patience, Filter.NONE, Set.of(), dry));
        });
    }

    /**
     * Finds the roots matching {@code filter}, leaves those in {@code handled} (acted on by
     * another policy) alone and acts on the others; see {@link #run}.
     */
    static List<ActionRow> resolve(Connection conn, Installation installation, Run run,
            Interval minWait, Interval grace, Filter filter, Set<Integer> handled,
            boolean dryRun) throws SQLException {
        return resolve(conn, installation, run,
                Candidates.lockRoots(conn, installation, minWait, filter), minWait, grace,
                handled, dryRun);
    }

    /** Acts on roots already found; see {@link #run}. */
    static List<ActionRow> resolve(Connection conn, Installation installation, Run run,
            List<LockRoot> roots, Interval minWait, Interval grace, Set<Integer> handled,
            boolean dryRun) throws SQLException {
        RootPlan plan = RootPlan.of(roots, handled);
        List<ActionRow> skipped = plan.skipRows(run.policy());
        if (run.audits(dryRun)) {
            AuditLog.write(conn, installation, run, skipped);
        }
        List<ActionRow> acted = act(conn, installation, run, plan.toBatch(), minWait, grace,
                dryRun);
        return plan.rows(skipped, acted);
    }

    /**
     * The longest the call waits after its signals: the terminated roots' exit, the
     * cancelled ones' grace, then the exit of those terminated after it.
     */
    static Duration longestWait(Interval grace) {
        return Batch.EXIT_WAIT.plus(Batch.escalationWait(grace)).plus(Batch.EXIT_WAIT);
    }

    private static List<ActionRow> act(Connection conn, Installation installation, Run run,
            List<Candidate> roots, Interval minWait, Interval grace, boolean dryRun)
            throws SQLException {
        Batch batch = new Batch(conn, installation, run, roots, dryRun);
        List<Candidate> sent = batch.signalAll(BlockerTerminator::firstSignal,
                c -> "blocks " + c.blockedCount() + " session(s) (pid "
                        + c.waitingPids() + "), some waiting longer than "
                        + minWait.text());
        List<Candidate> cancelled = new ArrayList<>();
        List<Candidate> terminated = new ArrayList<>();
        for (Candidate c : sent) {
            (firstSignal(c) == Action.CANCEL ? cancelled : terminated).add(c);
        }
        batch.awaitExit(terminated);
        batch.settleCancels(cancelled, grace, true, BlockerTerminator::releasedItsLocks,
                c -> "still blocks " + grace.text() + " after cancel");
        return batch.finish();
    }

    /**
     * An active root has a query to cancel, which aborts its transaction and so releases
     * its locks; an idle one holds its locks until it ends, and a cancel would not reach it.
     * The state is the one the selection saw, a few milliseconds before the signal: a root
     * that went idle in between ignores the cancel and is terminated once grace is over, since
     * it still blocks; one that became active is terminated at once, a little harder than
     * needed, but it is the transaction that holds the locks.
     */
    static Action firstSignal(Candidate root) {
        return States.ACTIVE.equals(root.state()) ? Action.CANCEL : Action.TERMINATE;
    }

    /**
     * Whether a cancelled root is done with: it exited, left the transaction that held the
     * locks (an aborted transaction has released them and shows no xact_start), or blocks
     * nobody any more. Still blocking in the same transaction (the cancel arrived while it
     * was idle, or a savepoint caught it), it is terminated once grace is over.
     */
    static boolean releasedItsLocks(Candidate root, Activity.Seen seen) {
        return Activity.exited(root, seen) || seen.transactionMicros() != root.sinceMicros()
                || !seen.blocking();
    }
}
