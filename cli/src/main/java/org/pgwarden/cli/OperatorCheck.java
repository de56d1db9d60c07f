package org.pgwarden.cli;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.pgwarden.SqlState;

/**
 * The runner's counterpart of EXECUTE on the warden functions, which only warden_operator
 * (and superusers) have: the connecting role needs the privileges that role carries.
 */
final class OperatorCheck {

    // pg_has_role(..., 'USAGE') is true for a superuser and for a member that inherits.
    private static final String SQL = """
        SELECT current_user,
               pg_catalog.pg_has_role('pg_signal_backend', 'USAGE'),
               pg_catalog.pg_has_role('pg_read_all_stats', 'USAGE')
        """;

    private OperatorCheck() {
    }

    /** Raises 42501 unless the role has pg_signal_backend's and pg_read_all_stats' rights. */
    static void check(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(SQL)) {
            rs.next();
            if (rs.getBoolean(2) && rs.getBoolean(3)) {
                return;
            }
            String role = rs.getString(1);
            throw SqlState.INSUFFICIENT_PRIVILEGE.exception("permission denied for role \""
                    + role + "\": it needs the privileges of pg_signal_backend and"
                    + " pg_read_all_stats (GRANT warden_operator TO " + role + ", or GRANT"
                    + " pg_signal_backend, pg_read_all_stats TO " + role + ")");
        }
    }
}
