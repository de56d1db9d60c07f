package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * One action on a list of selected backends: the signals sent to them, the row each ends
 * with (in the order they were selected) and the audit entries, one per signal and per skip.
 */
final class Batch {

    /**
     * How long to wait for a terminated backend to exit. It normally takes milliseconds; a
     * backend blocked where it cannot check for interrupts takes longer and is then reported
     * 'still running' rather than holding up the caller.
     */
    static final Duration EXIT_WAIT = Duration.ofSeconds(5);

    /** The least time a cancel has before an escalation; see {@link #escalationWait}. */
    static final Duration MIN_ESCALATION_WAIT = Duration.ofMillis(200);

    private final Connection conn;
    private final Installation installation;
    private final Run run;
    private final boolean dryRun;
    private final Signaller signaller;
    private final Map<Candidate, ActionRow> rows = new LinkedHashMap<>();
    private final List<ActionRow> audit = new ArrayList<>();

    Batch(Connection conn, Installation installation, Run run, List<Candidate> targets,
            boolean dryRun) {
        this.conn = conn;
        this.installation = installation;
        this.run = run;
        this.dryRun = dryRun;
        this.signaller = new Signaller(conn, run.function());
        for (Candidate target : targets) {
            rows.put(target, null);
        }
    }

    /**
     * Sends every target its first signal, {@code action.apply(target)}, or only records it
     * on a dry run, and returns the targets it was sent to. Exempt targets, those the caller
     * may not signal and those gone before the signal end here.
     */
    List<Candidate> signalAll(Function<Candidate, Action> action,
            Function<Candidate, String> reason) throws SQLException {
        List<Candidate> permitted = new ArrayList<>();
        for (Candidate target : rows.keySet()) {
            if (target.exemption() != null) {
                record(target, Action.NONE, Outcome.EXEMPT);
            } else if (!target.signallable()) {
                record(target, Action.NONE, Outcome.NOT_PERMITTED);
            } else if (dryRun) {
                record(target, action.apply(target), Outcome.DRY_RUN);
            } else {
                permitted.add(target);
            }
        }
        List<Candidate> sent = new ArrayList<>();
        for (Action first : List.of(Action.CANCEL, Action.TERMINATE)) {
            List<Candidate> group = permitted.stream()
                    .filter(c -> action.apply(c) == first).toList();
            sent.addAll(signaller.send(first, group, reason));
        }
        for (Candidate target : permitted) {
            if (!sent.contains(target)) {
                record(target, Action.NONE, Outcome.GONE);
            }
        }
        return sent;
    }

    /**
     * After a cancel: waits up to {@code grace} for each query to stop and, with
     * {@code escalate}, terminates the backends still running the same query and waits for
     * them to exit.
     */
    void settleCancels(List<Candidate> cancelled, Interval grace, boolean escalate)
            throws SQLException {
        settleCancels(cancelled, grace, escalate, Batch::queryStopped,
                c -> "query still running " + grace.text() + " after cancel");
    }

    /**
     * The same, where {@code done} says when a cancel has had its effect and
     * {@code stillWhy} why one that had not is terminated.
     */
    void settleCancels(List<Candidate> cancelled, Interval grace, boolean escalate,
            BiPredicate<Candidate, Activity.Seen> done, Function<Candidate, String> stillWhy)
            throws SQLException {
        settleCancels(cancelled, grace, escalate, done, stillWhy, UnaryOperator.identity());
    }

    /**
     * The same, where {@code asNow} gives the identity a target not done with must still
     * have when it is terminated, if its key changed under the cancel as {@code done} saw it
     * (a cancelled statement leaves its transaction block aborted, which PostgreSQL shows
     * with another key; see {@link Selection#LONG_TRANSACTION}).
     */
    void settleCancels(List<Candidate> cancelled, Interval grace, boolean escalate,
            BiPredicate<Candidate, Activity.Seen> done, Function<Candidate, String> stillWhy,
            UnaryOperator<Candidate> asNow) throws SQLException {
        List<Candidate> stopped = Activity.await(conn, cancelled, done,
                escalate ? escalationWait(grace) : grace.duration());
        List<Candidate> ignoring = new ArrayList<>(cancelled);
        ignoring.removeAll(stopped);
        for (Candidate c : stopped) {
            record(c, Action.CANCEL, Outcome.CANCELLED);
        }
        if (!escalate) {
            for (Candidate c : ignoring) {
                record(c, Action.CANCEL, Outcome.STILL_RUNNING);
            }
            return;
        }
        List<Candidate> current = ignoring.stream().map(asNow).toList();
        List<Candidate> sent = signaller.send(Action.TERMINATE, current, stillWhy);
        List<Candidate> terminated = new ArrayList<>();
        for (int i = 0; i < ignoring.size(); i++) {
            Candidate c = ignoring.get(i);
            if (sent.contains(current.get(i))) {
                terminated.add(c);
                audit.add(ActionRow.of(c, Action.CANCEL, Outcome.STILL_RUNNING, run.policy()));
            } else {
                // It finished that query between the last look and the terminate.
                record(c, Action.CANCEL, Outcome.CANCELLED);
            }
        }
        awaitExit(terminated);
    }

    /**
     * How long a cancel has before its escalation: the grace asked for, but never less than
     * {@link #MIN_ESCALATION_WAIT}. A cancel takes effect within milliseconds, yet a backend
     * that honours it shows its query active until then: with a shorter wait it would be
     * terminated for a query it had already given up.
     */
    static Duration escalationWait(Interval grace) {
        return grace.duration().compareTo(MIN_ESCALATION_WAIT) < 0 ? MIN_ESCALATION_WAIT
                : grace.duration();
    }

    /**
     * Waits for all of {@code terminated} together, so that a batch costs one wait, not one
     * per backend, and records each as 'terminated' or 'still running'.
     */
    void awaitExit(List<Candidate> terminated) throws SQLException {
        List<Candidate> exited = Activity.await(conn, terminated, Activity::exited, EXIT_WAIT);
        for (Candidate target : terminated) {
            Outcome outcome = exited.contains(target) ? Outcome.TERMINATED : Outcome.STILL_RUNNING;
            record(target, Action.TERMINATE, outcome);
        }
    }

    /** Writes the audit entries in the caller's transaction and returns the result rows. */
    List<ActionRow> finish() throws SQLException {
        AuditLog.write(conn, installation, run, audit);
        return new ArrayList<>(rows.values());
    }

    /**
     * Whether a cancelled query is over: the backend is no longer active in the query that
     * was selected. A backend that exited counts too; its query stopped.
     */
    static boolean queryStopped(Candidate c, Activity.Seen seen) {
        return Activity.exited(c, seen)
                || seen.queryStartMicros() != c.sinceMicros()
                || !"active".equals(seen.state());
    }

    /** Sets the target's row and audits it as {@link Run#audits} says. */
    private void record(Candidate target, Action action, Outcome outcome) {
        ActionRow row = ActionRow.of(target, action, outcome, run.policy());
        rows.put(target, row);
        if (run.audits(dryRun)) {
            audit.add(row);
        }
    }
}
