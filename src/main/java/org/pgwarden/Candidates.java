package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Reads the client backends an action targets from pg_stat_activity. Ages are measured to
 * clock_timestamp(), since now() is frozen at the start of the caller's transaction; and
 * the transaction's cached pg_stat_activity snapshot is cleared first, in case the caller
 * read it earlier in the same transaction.
 */
public final class Candidates {

    private static final String COLUMNS = """
        a.pid, %s, %s,
        a.usename, a.application_name, a.datname, host(a.client_addr),
        a.backend_start::text, a.state, (clock_timestamp() - %s)::text,
        left(a.query, 100),
        %s,
        %s""";

    private Candidates() {
    }

    /**
     * Client backends other than the caller's own that match {@code selection}, have been
     * in it longer than {@code threshold} and match {@code filter}; with
     * {@code onlyBlocking}, only those that hold a lock another backend waits for. Oldest
     * first.
     */
    public static List<Candidate> select(Connection conn, Installation installation,
            Selection selection, Interval threshold, Filter filter, boolean onlyBlocking)
            throws SQLException {
        String since = selection.since();
        String sql = """
            WITH %s
            SELECT %s, NULL::integer, NULL::text
            FROM pg_catalog.pg_stat_activity AS a
            LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = a.usesysid
            WHERE a.backend_type = 'client backend'
              AND a.pid <> pg_catalog.pg_backend_pid()
              AND %s
              AND %s < clock_timestamp() - ?::interval
              AND %s
              AND (NOT ? OR EXISTS (SELECT FROM waits WHERE a.pid = ANY (waits.blockers)))
            ORDER BY %s, a.pid
            """.formatted(ActivitySql.waits("pg_catalog.pg_stat_activity"),
                columns(installation, Selection.micros(since), since),
                selection.statePredicate(), since, filter.condition(), since);
        Activity.clearSnapshot(conn);
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, threshold.sql());
            int next = filter.bind(ps, 2);
            ps.setBoolean(next, onlyBlocking);
            return read(ps, selection);
        }
    }

    /**
     * The roots of lock-wait chains: client backends that hold a lock some backend waits
     * for, directly or through other waiters, while waiting for none themselves, and behind
     * which some backend has waited longer than {@code minWait}. Each comes with every pid
     * waiting behind it; the most blocking first. A cycle has no root: the deadlock detector
     * resolves it.
     */
    public static List<Candidate> lockRoots(Connection conn, Installation installation,
            Interval minWait, Filter filter) throws SQLException {
        String since = "CASE WHEN a.state = 'active' THEN a.query_start ELSE a.state_change END";
        String sql = """
            WITH RECURSIVE %s,
            chain (waiter, long_wait, blocker) AS (
                SELECT w.pid, w.wait_start < clock_timestamp() - ?::interval, unnest(w.blockers)
                FROM waits AS w
              UNION
                SELECT c.waiter, c.long_wait, unnest(w.blockers)
                FROM chain AS c JOIN waits AS w ON w.pid = c.blocker
            ),
            roots AS (
                SELECT c.blocker AS pid, array_agg(DISTINCT c.waiter ORDER BY c.waiter) AS waiting
                FROM chain AS c
                WHERE c.blocker NOT IN (SELECT pid FROM waits)
                GROUP BY c.blocker
                HAVING bool_or(c.long_wait)
            )
            SELECT %s, cardinality(roots.waiting), array_to_string(roots.waiting, ',')
            FROM roots
            JOIN pg_catalog.pg_stat_activity AS a ON a.pid = roots.pid
            LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = a.usesysid
            WHERE a.backend_type = 'client backend'
              AND a.pid <> pg_catalog.pg_backend_pid()
              AND a.state IN ('active', 'idle', 'idle in transaction',
                              'idle in transaction (aborted)')
              AND %s
            ORDER BY cardinality(roots.waiting) DESC, a.pid
            """.formatted(ActivitySql.waits("pg_catalog.pg_stat_activity"),
                columns(installation, Selection.micros(since), since), filter.condition());
        Activity.clearSnapshot(conn);
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, minWait.sql());
            filter.bind(ps, 2);
            return read(ps, null);
        }
    }

    private static String columns(Installation installation, String sinceMicros,
            String since) {
        return COLUMNS.formatted(Selection.micros("a.backend_start"), sinceMicros, since,
                Privileges.SIGNALLABLE, ActivitySql.exemption(installation.tables()));
    }

    /** Reads candidates; a null {@code selection} means: by each backend's state. */
    private static List<Candidate> read(PreparedStatement ps, Selection selection)
            throws SQLException {
        List<Candidate> candidates = new ArrayList<>();
        try (ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                String state = rs.getString(9);
                int blocked = rs.getInt(14);
                Integer blockedCount = rs.wasNull() ? null : blocked;
                String waiting = rs.getString(15);
                candidates.add(new Candidate(rs.getInt(1), rs.getLong(2), rs.getLong(3),
                        selection != null ? selection : Selection.forState(state),
                        rs.getString(4), rs.getString(5), rs.getString(6), rs.getString(7),
                        rs.getString(8), state, rs.getString(10), rs.getString(11),
                        rs.getBoolean(12), rs.getString(13), blockedCount,
                        waiting == null ? null : pids(waiting)));
            }
        }
        return candidates;
    }

    /** The pids of a comma-separated list, which PL/Java reads faster than an array. */
    static List<Integer> pids(String commaSeparated) {
        if (commaSeparated.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(Integer::valueOf).toList();
    }
}
