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
 * @param kind what it does
 * @param threshold its threshold (min_wait for blockers), in the server's text form
 * @param escalate for long_running: terminate what ignores the cancel
 * @param grace how long a cancel may take, in the server's text form
 * @param filter which sessions it applies to
 * @param mode whether it signals: in mode observe its would-be actions are recorded as dry
 *     runs, nothing is signalled
 */
record Policy(String name, PolicyKind kind, String threshold, boolean escalate, String grace,
        Filter filter, PolicyMode mode) {

    /* In the order of PolicyKind, which says why. */
    private static final String ENABLED = """
        SELECT name, kind, threshold::text, escalate, grace::text,
               usename, usename_like, application_name, application_name_like, datname,
               datname_like, member_of, query, mode
        FROM warden.policy
        WHERE enabled
        ORDER BY %s, name
        """.formatted(PolicyKind.order("kind"));

    /**
     * The enabled policies in the order enforce() applies them. A kind or mode this release
     * does not know (a newer release's row, or a CHECK dropped by hand) refuses the whole run
     * before its first signal: never applied as some other kind, never taken for enforce.
     */
    static List<Policy> enabled(Connection conn) throws SQLException {
        List<Policy> policies = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(ENABLED);
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String name = rs.getString("name");
                policies.add(new Policy(name, kind(conn, name, rs.getString("kind")),
                        rs.getString(3), rs.getBoolean("escalate"), rs.getString(5),
                        Filter.read(rs), mode(conn, name, rs.getString("mode"))));
            }
        }
        return policies;
    }

    /** Whether it signals nothing. */
    boolean observes() {
        return mode.observes();
    }

    private static PolicyKind kind(Connection conn, String policy, String kind)
            throws SQLException {
        PolicyKind known = PolicyKind.fromSql(kind);
        if (known == null) {
            throw ServerMessages.raise(conn, SqlState.INVALID_PARAMETER_VALUE,
                    "invalid value for column \"kind\" of policy \"" + policy + "\": "
                            + shown(kind),
                    "This release applies the kinds " + PolicyKind.names()
                            + "; nothing was signalled.");
        }
        return known;
    }

    private static PolicyMode mode(Connection conn, String policy, String mode)
            throws SQLException {
        PolicyMode known = PolicyMode.fromSql(mode);
        if (known == null) {
            throw ServerMessages.raise(conn, SqlState.INVALID_PARAMETER_VALUE,
                    "invalid value for column \"mode\" of policy \"" + policy + "\": "
                            + shown(mode),
                    "The value of \"mode\" must be " + PolicyMode.ENFORCE.sql() + " or "
                            + PolicyMode.OBSERVE.sql() + "; nothing was signalled.");
        }
        return known;
    }

    private static String shown(String value) {
        return value == null ? "NULL" : '"' + value + '"';
    }
}
