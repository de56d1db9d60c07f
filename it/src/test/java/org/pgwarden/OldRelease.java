package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.function.Executable;

/**
 * warden.exemption and warden.policy as the release before the matching language made them
 * (usename, application_name and datname read as LIKE patterns), rows an operator may have
 * written then, and the check that an upgrade keeps what each row matches.
 */
final class OldRelease {

    /** The tables as the release before the matching language made them, with its defaults. */
    static final String TABLES = """
        CREATE SCHEMA warden;
        CREATE TABLE warden.exemption (
            name text PRIMARY KEY,
            usename text,
            application_name text,
            datname text,
            client_addr cidr,
            note text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            created_by name NOT NULL DEFAULT current_user
        );
        INSERT INTO warden.exemption (name, application_name, note) VALUES
            ('pg_dump', 'pg_dump%', 'backup: pg_dump'),
            ('patroni', 'Patroni%', 'high availability: Patroni');
        CREATE TABLE warden.policy (
            name text PRIMARY KEY,
            kind text NOT NULL CHECK (kind IN ('idle_in_tx', 'long_running', 'blockers')),
            threshold interval NOT NULL CHECK (threshold > interval '0'),
            escalate boolean NOT NULL DEFAULT false,
            grace interval NOT NULL DEFAULT '5 seconds'
                CHECK (grace >= interval '0' AND grace <= interval '10 minutes'),
            usename text,
            application_name text,
            datname text,
            enabled boolean NOT NULL DEFAULT true,
            note text
        );
        """;

    /** Rows an operator may have written under the LIKE reading, with every kind of value. */
    static final String ROWS = """
        INSERT INTO warden.exemption (name, usename, application_name, datname, client_addr,
                                      note) VALUES
            ('role_pattern', 'etl_%', NULL, NULL, NULL, 'etl'),
            ('role_plain', 'alice', NULL, NULL, NULL, 'alice'),
            ('role_backslash', E'back\\\\slash', NULL, NULL, NULL, 'escaped s'),
            ('app_and_db', NULL, 'report', 'app_db', NULL, 'reports in app_db'),
            ('network', NULL, NULL, NULL, '10.0.0.0/8', 'office'),
            ('everything', NULL, NULL, NULL, NULL, 'all of it');
        INSERT INTO warden.policy (name, kind, threshold, usename, application_name, datname)
        VALUES ('p_role', 'idle_in_tx', '1 minute', 'etl_%', NULL, NULL),
               ('p_app', 'long_running', '1 hour', NULL, 'web', 'app_db'),
               ('p_backslash', 'idle_in_tx', '1 minute', NULL, E'a\\\\_b', NULL),
               ('p_all', 'blockers', '1 minute', NULL, NULL, NULL);
        """;

    /** The old matching, as the release before wrote it, for exemptions (e) and policies (p). */
    static final String MATCH = """
        (%1$s.usename IS NULL OR a.usename LIKE %1$s.usename)
        AND (%1$s.application_name IS NULL OR a.application_name LIKE %1$s.application_name)
        AND (%1$s.datname IS NULL OR a.datname LIKE %1$s.datname)""";

    /** Sessions to match, each a near miss or a hit of some row above. */
    private static final String SESSIONS = """
        (SELECT s.*, 0::oid AS usesysid, NULL::text AS query, NULL::text AS state,
                NULL::integer AS pid FROM (VALUES
                ('etl_1'::name, 'x', 'postgres'::name, NULL::inet),
                ('etlx1', 'x', 'postgres', NULL),
                ('etl_', 'pg_dump 15', 'postgres', NULL),
                ('alice', 'pgXdump', 'app_db', '10.1.1.1'),
                ('alicex', 'Patroni', 'appxdb', '192.168.0.1'),
                ('backslash', 'report', 'app_db', NULL),
                (E'back\\\\slash', 'report', 'appxdb', NULL),
                ('bob', 'web', 'app_db', NULL),
                ('bob', 'web', 'appxdb', NULL),
                ('bob', 'a_b', 'postgres', NULL),
                ('bob', 'axb', 'postgres', NULL),
                ('bob', E'a\\\\_b', 'postgres', NULL),
                ('bob', '', 'postgres', NULL))
            AS s (usename, application_name, datname, client_addr)) AS a""";

    private OldRelease() {
    }

    /**
     * Runs {@code upgrade} on a database holding {@link #TABLES} and {@link #ROWS} and asserts
     * that every row matches the same sessions under the new language as under the old, and
     * that the rows matching on what the client chose say so.
     */
    static void assertUpgradeKeepsMatches(Statement st, Executable upgrade) throws Throwable {
        List<String> exempt = exemptions(st, MATCH.formatted("e")
                + " AND (e.client_addr IS NULL OR a.client_addr <<= e.client_addr)");
        List<String> selected = policies(st, MATCH.formatted("p"));
        // the LIKE reading, as it was: wildcards and escapes in every column, so that
        // etl_% took etlx1 too, and the upgrade must keep it so
        assertTrue(exempt.contains("role_pattern: etlx1/x/postgres/-"), exempt::toString);
        assertTrue(exempt.contains("role_backslash: backslash/report/app_db/-"));
        assertTrue(exempt.contains("pg_dump: alice/pgXdump/app_db/10.1.1.1"));
        assertTrue(exempt.contains("everything: bob//postgres/-"));
        assertTrue(selected.contains("p_backslash: bob/a_b/postgres/-"), selected::toString);
        assertFalse(selected.contains("p_backslash: bob/axb/postgres/-"));

        upgrade.execute();

        assertEquals(exempt, exemptions(st, SessionMatch.condition("e", true)));
        assertEquals(selected, policies(st, SessionMatch.condition("p", false)));
        assertEquals(List.of("all of it; application_name chosen by the client",
                "backup: pg_dump; application_name chosen by the client", "office",
                "reports in app_db; application_name and datname chosen by the client"),
                column(st, "SELECT " + SessionMatch.shown("e") + " FROM warden.exemption"
                        + " AS e WHERE e.name IN ('everything', 'pg_dump', 'network',"
                        + " 'app_and_db') ORDER BY 1"));
        // what this release adds: query patterns, observe mode and the one default row
        // that rests on the query
        assertEquals(List.of("p_all enforce", "p_app enforce", "p_backslash enforce",
                "p_role enforce"), column(st, "SELECT name || ' ' || mode"
                        + " FROM warden.policy WHERE query IS NULL ORDER BY name"));
        assertEquals(List.of("concurrent_index_builds"), column(st, "SELECT name"
                + " FROM warden.exemption WHERE query = warden.concurrent_index_builds()"));
    }

    /** "exemption: session" for every pair that matches under {@code condition}. */
    static List<String> exemptions(Statement st, String condition) throws SQLException {
        return matches(st, "warden.exemption", "e", condition);
    }

    /** "policy: session" for every pair that matches under {@code condition}. */
    static List<String> policies(Statement st, String condition) throws SQLException {
        return matches(st, "warden.policy", "p", condition);
    }

    private static List<String> matches(Statement st, String table, String alias,
            String condition) throws SQLException {
        return column(st, ("SELECT %2$s.name || ': ' || a.usename || '/' || a.application_name"
                + " || '/' || a.datname || '/' || coalesce(host(a.client_addr), '-')"
                + " FROM %3$s CROSS JOIN %1$s AS %2$s WHERE %4$s ORDER BY 1")
                .formatted(table, alias, SESSIONS, condition));
    }

    static List<String> column(Statement st, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (ResultSet rs = st.executeQuery(sql)) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }
}
