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
 * <p>On a hot standby the tables replicate from the primary but cannot be written: the audit
 * log stays on the primary, and the standby's actions are recorded in its server log only.
 *
 * @param tables whether sql/schema.sql is installed in this database
 * @param standby whether this server is a hot standby (pg_is_in_recovery)
 */
public record Installation(boolean tables, boolean standby) {

    private static final String PROBE = """
        SELECT to_regclass('warden.action_log') IS NOT NULL
               AND to_regclass('warden.exemption') IS NOT NULL
               AND to_regclass('warden.policy') IS NOT NULL,
               pg_catalog.pg_is_in_recovery(),
               %s
        """.formatted(Home.ELSEWHERE.replace("\n", "\n       "));

    /**
     * What this database offers; refuses (55000) a call made outside pgwarden's home
     * database in this cluster ({@link Home}), before anything is selected or signalled.
     */
    public static Installation probe(Connection conn) throws SQLException {
        String home;
        Installation installation;
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(PROBE)) {
            rs.next();
            installation = new Installation(rs.getBoolean(1), rs.getBoolean(2));
            home = rs.getString(3);
        }
        if (home != null) {
            throw ServerMessages.raise(conn, SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE,
                    Home.REFUSED + home, Home.DETAIL);
        }
        return installation;
    }
}
