package org.pgwarden;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
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
final class Candidates {

    private static final String COLUMNS = """
        a.pid, %s, %s,
        pg_catalog.textsend(a.usename::text), pg_catalog.textsend(a.application_name),
        pg_catalog.textsend(a.datname::text), host(a.client_addr),
        a.backend_start::text, a.state, (clock_timestamp() - %s)::text,
        pg_catalog.textsend(left(a.query, 100)),
        %s,
        %s""";

    private Candidates() {
    }

    /**
     * Client backends other than the caller's own and other pgwarden calls in progress
     * ({@link Preflight#MARK_CALL}) that match {@code selection}, have been
     * in it longer than {@code threshold} and match {@code filter}; with
     * {@code onlyBlocking}, only those that hold a lock another backend waits for. Oldest
     * first.
     */
    public static List<Candidate> select(Connection conn, Installation installation,
            Selection selection, Interval threshold, Filter filter, boolean onlyBlocking)
            throws SQLException {
        String since = selection.since();
        String sql = """
            WITH %s,
            calls AS MATERIALIZED (
                SELECT l.pid FROM pg_catalog.pg_locks AS l
                WHERE l.locktype = 'relation' AND l.granted AND l.pid IS NOT NULL
                  AND l.relation = pg_catalog.to_regclass('warden.enforce_lock')
            )
            SELECT %s, NULL::integer, NULL::text
            FROM pg_catalog.pg_stat_activity AS a
            LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = a.usesysid
            WHERE a.backend_type = 'client backend'
              AND a.pid <> pg_catalog.pg_backend_pid()
              AND a.pid NOT IN (SELECT calls.pid FROM calls)
              AND %s
              AND %s
              AND (NOT ? OR EXISTS (SELECT FROM waits WHERE a.pid = ANY (waits.blockers)))
            ORDER BY %s, a.pid
            """.formatted(ActivitySql.waits("pg_catalog.pg_stat_activity"),
                columns(installation, Selection.micros(since), since),
                selection.due("?::interval").replace("\n", "\n              "),
                filter.condition(), since);
        Activity.clearSnapshot(conn);
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, threshold.sql());
            int next = filter.bind(ps, 2);
            ps.setBoolean(next, onlyBlocking);
            return read(ps, selection);
        }
    }

    /**
     * Every root of lock waits: a backend or prepared transaction that holds a lock some
     * backend waits for, directly or through other waiters, while waiting for none itself,
     * with every pid waiting behind it; the most blocking first. A prepared transaction comes
     * as pid 0 in state 'prepared'. Each says whether some backend behind it has waited
     * longer than {@code minWait} and whether it matches {@code filter}: what decides to act
     * on one depends on the others (see {@link RootPlan}). Non-client backends (autovacuum,
     * walsenders) and the caller's own session come too, to be reported. A cycle has no
     * root: the deadlock detector resolves it. A root that exited before it was read is not
     * one any more.
     */
    static List<LockRoot> lockRoots(Connection conn, Installation installation,
            Interval minWait, Filter filter) throws SQLException {
        String age = "CASE WHEN " + Selection.LONG_RUNNING.inState("a.state")
                + " THEN a.query_start ELSE a.state_change END";
        // The graph's nodes: a backend by its pid; a prepared transaction by minus its xid,
        // or 0 when it could not be told which one.
        String sql = """
            WITH RECURSIVE %s,
            %s,
            edges (waiter, node) AS (
                SELECT w.pid, b.pid::bigint
                FROM waits AS w, pg_catalog.unnest(w.blockers) AS b (pid)
                WHERE b.pid <> 0
                   OR NOT EXISTS (SELECT FROM prepared_blockers AS p WHERE p.waiter = w.pid)
              UNION
                SELECT p.waiter, -(p.xid::text::bigint)
                FROM prepared_blockers AS p
            ),
            chain (waiter, long_wait, node) AS (
                SELECT w.pid, w.wait_start < clock_timestamp() - ?::interval, e.node
                FROM waits AS w JOIN edges AS e ON e.waiter = w.pid
              UNION
                SELECT c.waiter, c.long_wait, e.node
                FROM chain AS c JOIN edges AS e ON e.waiter = c.node
            ),
            roots AS (
                SELECT c.node, array_agg(DISTINCT c.waiter ORDER BY c.waiter) AS waiting,
                       coalesce(bool_or(c.long_wait), false) AS due
                FROM chain AS c
                WHERE c.node NOT IN (SELECT pid FROM waits)
                GROUP BY c.node
            ),
            prepared AS (
                SELECT DISTINCT -(p.xid::text::bigint) AS node, p.gid_literal, p.owner,
                       p.database, p.prepared
                FROM prepared_blockers AS p
            ),
            root_activity AS (
                SELECT roots.node, a.pid, a.usesysid, a.usename, a.application_name,
                       a.datname, a.client_addr, a.backend_start, a.xact_start,
                       a.query_start, a.state_change, a.state, a.backend_type, a.query,
                       NULL::text AS gid_literal
                FROM roots JOIN pg_catalog.pg_stat_activity AS a ON a.pid = roots.node
              UNION ALL
                SELECT roots.node, 0, o.oid, p.owner, NULL, p.database, NULL, NULL,
                       p.prepared, p.prepared, p.prepared, 'prepared', NULL, NULL,
                       p.gid_literal
                FROM roots JOIN prepared AS p ON p.node = roots.node
                LEFT JOIN pg_catalog.pg_roles AS o ON o.rolname = p.owner
              UNION ALL
                SELECT roots.node, 0, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
                       'prepared', NULL, NULL, NULL
                FROM roots
                WHERE roots.node = 0
            )
            SELECT %s, cardinality(roots.waiting), array_to_string(roots.waiting, ','),
                   a.node, a.backend_type, pg_catalog.textsend(a.gid_literal), roots.due,
                   coalesce(%s, false), a.pid = pg_catalog.pg_backend_pid()
            FROM roots
            JOIN root_activity AS a ON a.node = roots.node
            LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = a.usesysid
            ORDER BY cardinality(roots.waiting) DESC, a.pid, a.node
            """.formatted(ActivitySql.waits("pg_catalog.pg_stat_activity"),
                PreparedBlockers.cte(),
                columns(installation, Selection.micros(Selection.LOCK_ROOT.since()), age),
                "(" + filter.condition() + ")");
        Activity.clearSnapshot(conn);
        List<LockRoot> roots = new ArrayList<>();
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, minWait.sql());
            filter.bind(ps, 2);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    roots.add(new LockRoot(candidate(rs, Selection.LOCK_ROOT), rs.getLong(16),
                            rs.getString(17), lenient(rs.getBytes(18)), rs.getBoolean(19),
                            rs.getBoolean(20), rs.getBoolean(21)));
                }
            }
        }
        return roots;
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
                candidates.add(candidate(rs, selection));
            }
        }
        return candidates;
    }

    /** The candidate in the current row of COLUMNS and the two lock-wait columns. */
    private static Candidate candidate(ResultSet rs, Selection selection) throws SQLException {
        String state = rs.getString(9);
        int blocked = rs.getInt(14);
        Integer blockedCount = rs.wasNull() ? null : blocked;
        String waiting = rs.getString(15);
        return new Candidate(rs.getInt(1), rs.getLong(2), rs.getLong(3),
                selection != null ? selection : Selection.forState(state),
                lenient(rs.getBytes(4)), lenient(rs.getBytes(5)), lenient(rs.getBytes(6)),
                rs.getString(7),
                rs.getString(8), state, rs.getString(10), lenient(rs.getBytes(11)),
                rs.getBoolean(12), rs.getString(13), blockedCount,
                waiting == null ? null : pids(waiting));
    }

    /*
     * What a client chose (role, application, database and prepared transaction names, the
     * query's first characters) as bytes, decoded here with a replacement character for what
     * is not UTF-8: a SQL_ASCII database takes any bytes, pg_stat_activity and the shared
     * catalogs pass them on unchecked, and PL/Java's strict decoding of such a text column
     * would fail the whole call. textsend gives the bytes as they are stored when the client
     * encoding is the database's (pgjdbc's UTF8), as in every pgwarden home.
     */
    static String lenient(byte[] bytes) {
        if (bytes == null) {
            return null;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPLACE)
                    .onUnmappableCharacter(CodingErrorAction.REPLACE)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw new IllegalStateException("a replacing decoder reported " + e, e);
        }
    }

    /** The pids of a comma-separated list, which PL/Java reads faster than an array. */
    static List<Integer> pids(String commaSeparated) {
        if (commaSeparated.isEmpty()) {
            return List.of();
        }
        return Arrays.stream(commaSeparated.split(",")).map(Integer::valueOf).toList();
    }
}
