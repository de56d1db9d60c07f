package org.pgwarden;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * What the server offers the core: whether pgwarden's tables (exemptions, policies, the
 * audit log) are installed. Without them the core still works, as a client of a server
 * where nothing could be installed: nothing is exempt and nothing is audited but in the
 * server log.
 *
 * @param tables whether sql/schema.sql is installed in this database
 */
public record Installation(boolean tables) {

    private static final String PROBE = """
        SELECT to_regclass('warden.action_log') IS NOT NULL
               AND to_regclass('warden.exemption') IS NOT NULL
               AND to_regclass('warden.policy') IS NOT NULL
        """;

    public static Installation probe(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(PROBE)) {
            rs.next();
            return new Installation(rs.getBoolean(1));
        }
    }
}
