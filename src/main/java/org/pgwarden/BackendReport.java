package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The work of {@code warden.backend_report}. */
public final class BackendReport {

    private static final String SQL = """
        WITH %s
        SELECT a.pid, a.datname, a.usename, a.application_name, host(a.client_addr),
               a.backend_type, a.state, a.wait_event_type, a.wait_event,
               a.backend_start::text,
               (clock_timestamp() - a.backend_start)::text,
               (clock_timestamp() - a.xact_start)::text,
               (clock_timestamp() - a.query_start)::text,
               (clock_timestamp() - a.state_change)::text,
               (SELECT array_to_string(waits.blockers, ',') FROM waits WHERE waits.pid = a.pid),
               %s,
               %s,
               left(a.query, 100),
               coalesce(r.rolsuper, false),
               %s,
               %s
        FROM pg_catalog.pg_stat_activity AS a
        LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = a.usesysid
        %s
        WHERE a.backend_type = 'client backend'
          AND a.pid <> pg_catalog.pg_backend_pid()
          AND (? OR a.state IS DISTINCT FROM 'idle')
        ORDER BY a.query_start NULLS LAST, a.pid
        """;

    private static final String NO_POLICY = "NULL::text, NULL::text, NULL::text, false, false";
    private static final String POLICY = "pol.name, pol.kind, pol.threshold, pol.escalate, pol.due";

    // The first enabled policy, in enforce()'s order, whose kind fits the state and whose
    // filters match: the one enforce() would apply.
    private static final String POLICY_JOIN = """
        LEFT JOIN LATERAL (
            SELECT p.name, p.kind, p.threshold::text AS threshold, p.escalate,
                   CASE p.kind
                       WHEN 'idle_in_tx' THEN a.state_change < clock_timestamp() - p.threshold
                       WHEN 'long_running' THEN a.query_start < clock_timestamp() - p.threshold
                       ELSE EXISTS (SELECT FROM waits WHERE a.pid = ANY (waits.blockers)
                                    AND waits.wait_start < clock_timestamp() - p.threshold)
                   END AS due
            FROM warden.policy AS p
            WHERE p.enabled
              AND (p.usename IS NULL OR a.usename LIKE p.usename)
              AND (p.application_name IS NULL OR a.application_name LIKE p.application_name)
              AND (p.datname IS NULL OR a.datname LIKE p.datname)
              AND CASE p.kind
                      WHEN 'idle_in_tx'
                          THEN a.state IN ('idle in transaction', 'idle in transaction (aborted)')
                      WHEN 'long_running' THEN a.state = 'active'
                      ELSE a.wait_event_type IS DISTINCT FROM 'Lock'
                          AND EXISTS (SELECT FROM waits WHERE a.pid = ANY (waits.blockers))
                  END
            ORDER BY CASE p.kind WHEN 'blockers' THEN 0 WHEN 'idle_in_tx' THEN 1 ELSE 2 END,
                     p.name
            LIMIT 1
        ) AS pol ON true""";

    private BackendReport() {
    }

    /** A row as read, before advice, with what the advice depends on besides. */
    private record Read(ReportRow row, boolean superuser, boolean signallable,
            PolicyMatch policy) {
    }

    /**
     * One row per client backend other than the caller's, idle ones only if
     * {@code includeIdle}; the longest-running query first.
     */
    public static List<ReportRow> run(Connection conn, Boolean includeIdle)
            throws SQLException {
        boolean idle = Arguments.flag(conn, "include_idle", includeIdle);
        Installation installation = Installation.probe(conn);
        String sql = SQL.formatted(ActivitySql.waits(installation), ActivitySql.BLOCKING,
                ActivitySql.exemption(installation), Privileges.SIGNALLABLE,
                installation.tables() ? POLICY : NO_POLICY,
                installation.tables() ? POLICY_JOIN : "");
        List<ReportRow> rows = new ArrayList<>();
        // pg_stat_activity is cached for the transaction: a second report in it would
        // otherwise show the first one's picture.
        Activity.clearSnapshot(conn);
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setBoolean(1, idle);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(advised(read(rs)));
                }
            }
        }
        return rows;
    }

    private static Read read(ResultSet rs) throws SQLException {
        ReportRow row = new ReportRow(rs.getInt(1), rs.getString(2), rs.getString(3),
                rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                rs.getString(8), rs.getString(9), rs.getString(10), rs.getString(11),
                rs.getString(12), rs.getString(13), rs.getString(14), pids(rs.getString(15)),
                rs.getInt(16), rs.getString(17), rs.getString(18), null);
        String policy = rs.getString(21);
        PolicyMatch match = policy == null ? null : new PolicyMatch(policy, rs.getString(22),
                rs.getString(23), rs.getBoolean(24), rs.getBoolean(25));
        return new Read(row, rs.getBoolean(19), rs.getBoolean(20), match);
    }

    private static ReportRow advised(Read r) {
        return r.row().withAdvice(Advice.of(r.row(), r.superuser(), r.signallable(),
                r.policy()));
    }

    static List<Integer> pids(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(Integer::valueOf).toList();
    }
}
