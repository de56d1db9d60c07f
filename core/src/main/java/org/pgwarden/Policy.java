package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * One enabled row of warden.policy.
 *
 * @param name the policy's name
 * @param kind idle_in_tx, long_running, long_transaction or blockers
 * @param threshold its threshold (min_wait for blockers), in the server's text form
 * @param escalate for long_running: terminate what ignores the cancel
 * @param grace how long a cancel may take, in the server's text form
 * @param filter which sessions it applies to
 * @param observes mode observe: its would-be actions are recorded as dry runs, nothing is
 *     signalled
 */
record Policy(String name, String kind, String threshold, boolean escalate, String grace,
        Filter filter, boolean observes) {

    static final String IDLE_IN_TX = "idle_in_tx";
    static final String LONG_RUNNING = "long_running";
    static final String BLOCKERS = "blockers";
    static final String LONG_TRANSACTION = "long_transaction";
    static final String ENFORCE = "enforce";
    static final String OBSERVE = "observe";

    // Blockers first: resolving a root may end the waits the other kinds would act on.
    // long_transaction last: a backend both a state's kind and it select is left to the
    // policy of its state, the DBA's narrower choice (long_running may only cancel), and it
    // takes what those leave, transactions no state's age shows (a pool's leaked one).
    private static final String ENABLED = """
        SELECT name, kind, threshold::text, escalate, grace::text,
               usename, usename_like, application_name, application_name_like, datname,
               datname_like, member_of, query, mode
        FROM warden.policy
        WHERE enabled
        ORDER BY CASE kind WHEN 'blockers' THEN 0 WHEN 'idle_in_tx' THEN 1
                           WHEN 'long_running' THEN 2 ELSE 3 END, name
        """;

    /** The enabled policies in the order enforce() applies them. */
    static List<Policy> enabled(Connection conn) throws SQLException {
        List<Policy> policies = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(ENABLED);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                policies.add(new Policy(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getBoolean(4), rs.getString(5), Filter.read(rs),
                        observes(conn, rs.getString(1), rs.getString("mode"))));
            }
        }
        return policies;
    }

    /*
     * A mode this release does not know (the CHECK dropped by hand, a newer release's row)
     * refuses the run before its first signal: never taken for enforce.
     */
    private static boolean observes(Connection conn, String policy, String mode)
            throws SQLException {
        if (OBSERVE.equals(mode)) {
            return true;
        }
        if (ENFORCE.equals(mode)) {
            return false;
        }
        throw ServerMessages.raise(conn, SqlState.INVALID_PARAMETER_VALUE,
                "invalid value for column \"mode\" of policy \"" + policy + "\": "
                        + (mode == null ? "NULL" : '"' + mode + '"'),
                "The value of \"mode\" must be " + ENFORCE + " or " + OBSERVE
                        + "; nothing was signalled.");
    }
}
