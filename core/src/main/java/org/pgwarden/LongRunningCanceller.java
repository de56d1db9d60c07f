package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
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
    public static List<ActionRow> run(Connection conn, String threshold, Boolean escalate,
            String grace, Boolean dryRun) throws SQLException {
        return OneTransaction.run(conn, () -> {
            boolean escalating = Arguments.flag(conn, "escalate", escalate);
            boolean dry = Arguments.flag(conn, "dry_run", dryRun);
            Interval limit = Arguments.threshold(conn, "threshold", threshold);
            Interval wait = Arguments.grace(conn, "grace", grace);
            Installation installation = Installation.probe(conn);
            Notification notification = Preflight.check(conn, installation, dry,
                    longestWait(escalating, wait));
            List<Candidate> targets = Candidates.select(conn, installation,
                    Selection.LONG_RUNNING, limit, Filter.NONE, false);
            Run run = Run.of(conn, FUNCTION);
            return notification.send(conn, run,
                    act(conn, installation, run, targets, limit, escalating, wait, dry));
        });
    }

    /** The longest the call waits after its signals: grace, then the terminated's exit. */
    static Duration longestWait(boolean escalate, Interval grace) {
        return escalate ? Batch.escalationWait(grace).plus(Batch.EXIT_WAIT) : grace.duration();
    }

    /** Acts on targets already selected; see {@link #run}. */
    static List<ActionRow> act(Connection conn, Installation installation, Run run,
            List<Candidate> targets, Interval threshold, boolean escalate, Interval grace,
            boolean dryRun) throws SQLException {
        Batch batch = new Batch(conn, installation, run, targets, dryRun);
        List<Candidate> cancelled = batch.signalAll(c -> Action.CANCEL,
                c -> "query running for " + c.age() + ", threshold " + threshold.text());
        batch.settleCancels(cancelled, grace, escalate);
        return batch.finish();
    }
}
