package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The work of {@code warden.backend_report}. */
public final class BackendReport {

    // pg_blocking_pids takes the lock manager's partition locks: call it only for backends
    // that wait for a heavyweight lock, the only waits it reports blockers for (besides
    // SERIALIZABLE DEFERRABLE snapshots).
    private static final String SQL = """
        SELECT a.pid, a.datname, a.usename, a.application_name, host(a.client_addr),
               a.backend_type, a.state, a.wait_event_type, a.wait_event,
               a.backend_start::text,
               (clock_timestamp() - a.backend_start)::text,
               (clock_timestamp() - a.xact_start)::text,
               (clock_timestamp() - a.query_start)::text,
               (clock_timestamp() - a.state_change)::text,
               CASE WHEN a.wait_event_type = 'Lock'
                   THEN array_to_string(pg_catalog.pg_blocking_pids(a.pid), ',')
               END,
               left(a.query, 100),
               coalesce(r.rolsuper, false),
               %s
        FROM pg_catalog.pg_stat_activity AS a
        LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = a.usesysid
        WHERE a.backend_type = 'client backend'
          AND a.pid <> pg_catalog.pg_backend_pid()
          AND (? OR a.state IS DISTINCT FROM 'idle')
        ORDER BY a.query_start NULLS LAST, a.pid
        """.formatted(Privileges.SIGNALLABLE);

    private BackendReport() {
    }

    /** A row as read, before advice, with what the advice depends on besides. */
    private record Read(ReportRow row, boolean superuser, boolean signallable) {
    }

    /**
     * One row per client backend other than the caller's, idle ones only if
     * {@code includeIdle}; the longest-running query first.
     */
    public static List<ReportRow> run(Connection conn, boolean includeIdle)
            throws SQLException {
        List<Read> read = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(SQL)) {
            ps.setBoolean(1, includeIdle);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    ReportRow row = new ReportRow(rs.getInt(1), rs.getString(2),
                            rs.getString(3), rs.getString(4), rs.getString(5), rs.getString(6),
                            rs.getString(7), rs.getString(8), rs.getString(9),
                            rs.getString(10), rs.getString(11), rs.getString(12),
                            rs.getString(13), rs.getString(14), pids(rs.getString(15)),
                            rs.getString(16), null);
                    read.add(new Read(row, rs.getBoolean(17), rs.getBoolean(18)));
                }
            }
        }
        return advised(read);
    }

    private static List<ReportRow> advised(List<Read> read) {
        Map<Integer, Integer> blocking = new HashMap<>();
        for (Read r : read) {
            for (int pid : r.row().blockedBy()) {
                blocking.merge(pid, 1, Integer::sum);
            }
        }
        List<ReportRow> advised = new ArrayList<>(read.size());
        for (Read r : read) {
            ReportRow row = r.row();
            advised.add(row.withAdvice(Advice.of(row.state(), r.superuser(), r.signallable(),
                    row.queryAge(), row.stateAge(), row.blockedBy(),
                    blocking.getOrDefault(row.pid(), 0))));
        }
        return advised;
    }

    static List<Integer> pids(String commaSeparated) {
        if (commaSeparated == null || commaSeparated.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(Integer::valueOf).toList();
    }
}
