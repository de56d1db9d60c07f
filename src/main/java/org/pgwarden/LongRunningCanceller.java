package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/** The work of {@code warden.cancel_long_running}. */
public final class LongRunningCanceller {

    static final String FUNCTION = "cancel_long_running";

    private LongRunningCanceller() {
    }

    /**
     * Cancels the queries of active client backends that started more than
     * {@code threshold} ago, waits up to {@code grace} for them to stop and, with
     * {@code escalate}, terminates those still running the same query.
     */
    public static List<ActionRow> run(Connection conn, String threshold, boolean escalate,
            String grace, boolean dryRun) throws SQLException {
        Interval limit = Arguments.threshold(conn, "threshold", threshold);
        Interval wait = Arguments.grace(conn, "grace", grace);
        List<Candidate> targets = Candidates.select(conn, Selection.LONG_RUNNING, limit);
        return act(conn, targets, limit, escalate, wait, dryRun);
    }

    /** Acts on targets already selected; see {@link #run}. */
    public static List<ActionRow> act(Connection conn, List<Candidate> targets,
            Interval threshold, boolean escalate, Interval grace, boolean dryRun)
            throws SQLException {
        try (Batch batch = new Batch(conn, Selection.LONG_RUNNING, FUNCTION, targets)) {
            List<Candidate> cancelled = batch.signalAll(Action.CANCEL, dryRun,
                    c -> "query running for " + c.age() + ", threshold " + threshold.text());
            List<Candidate> stopped = Activity.await(conn, cancelled,
                    LongRunningCanceller::stopped, grace.duration());
            List<Candidate> ignoring = new ArrayList<>(cancelled);
            ignoring.removeAll(stopped);
            for (Candidate c : stopped) {
                batch.record(c, Action.CANCEL, Outcome.CANCELLED);
            }
            if (!escalate) {
                for (Candidate c : ignoring) {
                    batch.record(c, Action.CANCEL, Outcome.STILL_RUNNING);
                }
                return batch.rows();
            }
            List<Candidate> terminated = batch.signal(Action.TERMINATE, ignoring,
                    c -> "query still running " + grace.text() + " after cancel");
            for (Candidate c : ignoring) {
                if (!terminated.contains(c)) {
                    // It finished that query between the last look and the terminate.
                    batch.record(c, Action.CANCEL, Outcome.CANCELLED);
                }
            }
            batch.awaitExit(terminated);
            return batch.rows();
        }
    }

    /**
     * Whether the cancelled query is over: the backend is no longer active in the query that
     * was selected. A backend that exited counts too; its query stopped.
     */
    static boolean stopped(Candidate c, Activity.Seen seen) {
        return Activity.exited(c, seen)
                || seen.queryStartMicros() != c.sinceMicros()
                || !"active".equals(seen.state());
    }
}
