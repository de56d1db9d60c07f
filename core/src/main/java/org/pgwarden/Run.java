package org.pgwarden;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * One call of a SQL-facing function, as the audit log records it.
 *
 * @param id a UUID shared by every warden.action_log row the call writes
 * @param function the action function whose rules select and signal
 * @param policy the warden.policy row being applied, for enforce; else null
 * @param observes whether that policy only observes: its rows are dry runs that the audit
 *     log records
 */
record Run(String id, String function, String policy, boolean observes) {

    /*
     * The server makes the UUID: Java's UUID.randomUUID() first sets up SecureRandom, which
     * costs a backend's new JVM some 15 ms, and every scheduled run is a new backend.
     */
    private static final String NEW_ID = "SELECT pg_catalog.gen_random_uuid()::text";

    static Run of(Connection conn, String function) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(NEW_ID)) {
            rs.next();
            return new Run(rs.getString(1), function, null, false);
        }
    }

    Run forPolicy(String function, String policyName) {
        return new Run(id, function, policyName, observes);
    }

    /** The same call, for a policy that only observes or that enforces. */
    Run observing(boolean observing) {
        return new Run(id, function, policy, observing);
    }

    /**
     * Whether the rows of an action are audited: not on a dry run, which signals and skips
     * nothing, except the would-be actions of an observing policy, which are its point.
     */
    boolean audits(boolean dryRun) {
        return !dryRun || observes;
    }
}
