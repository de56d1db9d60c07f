package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;

/** The work of {@code warden.reap_idle_in_tx}. */
public final class IdleTransactionReaper {

    static final String FUNCTION = "reap_idle_in_tx";

    private IdleTransactionReaper() {
    }

    /** {@link #run(Connection, String, Boolean, Boolean)} for every idle transaction. */
    public static List<ActionRow> run(Connection conn, String threshold, Boolean dryRun)
            throws SQLException {
        return run(conn, threshold, dryRun, false);
    }

    /**
     * Terminates client backends idle in a transaction, aborted or not, whose state has not
     * changed for more than {@code threshold}; with {@code onlyBlocking}, only those that
     * hold a lock another backend waits for. A cancel would do nothing to them: there is no
     * query to cancel.
     */
    public static List<ActionRow> run(Connection conn, String threshold, Boolean dryRun,
            Boolean onlyBlocking) throws SQLException {
        return OneTransaction.run(conn, () -> {
            boolean dry = Arguments.flag(conn, "dry_run", dryRun);
            boolean blocking = Arguments.flag(conn, "only_blocking", onlyBlocking);
            Interval limit = Arguments.threshold(conn, "threshold", threshold);
            Installation installation = Installation.probe(conn);
            Notification notification = Preflight.check(conn, installation, dry,
                    longestWait());
            List<Candidate> targets = Candidates.select(conn, installation,
                    Selection.IDLE_IN_TRANSACTION, limit, Filter.NONE, blocking);
            Run run = Run.of(conn, FUNCTION);
            return notification.send(conn, run,
                    act(conn, installation, run, targets, limit, dry));
        });
    }

    /** The longest the call waits after its signals: for the terminated to exit. */
    static Duration longestWait() {
        return Batch.EXIT_WAIT;
    }

    /** Acts on targets already selected; see {@link #run}. */
    static List<ActionRow> act(Connection conn, Installation installation, Run run,
            List<Candidate> targets, Interval threshold, boolean dryRun) throws SQLException {
        Batch batch = new Batch(conn, installation, run, targets, dryRun);
        List<Candidate> terminated = batch.signalAll(c -> Action.TERMINATE,
                c -> c.state() + " for " + c.age() + ", threshold " + threshold.text());
        batch.awaitExit(terminated);
        return batch.finish();
    }
}
