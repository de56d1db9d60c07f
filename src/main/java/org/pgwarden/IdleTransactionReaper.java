package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;

/** The work of {@code warden.reap_idle_in_tx}. */
public final class IdleTransactionReaper {

    static final String FUNCTION = "reap_idle_in_tx";

    private IdleTransactionReaper() {
    }

    /**
     * Terminates client backends idle in a transaction, aborted or not, whose state has not
     * changed for more than {@code threshold}. A cancel would do nothing to them: there is
     * no query to cancel.
     */
    public static List<ActionRow> run(Connection conn, String threshold, boolean dryRun)
            throws SQLException {
        Interval limit = Arguments.threshold(conn, "threshold", threshold);
        List<Candidate> targets = Candidates.select(conn, Selection.IDLE_IN_TRANSACTION, limit);
        return act(conn, targets, limit, dryRun);
    }

    /** Acts on targets already selected; see {@link #run}. */
    public static List<ActionRow> act(Connection conn, List<Candidate> targets,
            Interval threshold, boolean dryRun) throws SQLException {
        try (Batch batch = new Batch(conn, Selection.IDLE_IN_TRANSACTION, FUNCTION, targets)) {
            List<Candidate> terminated = batch.signalAll(Action.TERMINATE, dryRun,
                    c -> c.state() + " for " + c.age() + ", threshold " + threshold.text());
            batch.awaitExit(terminated);
            return batch.rows();
        }
    }
}
