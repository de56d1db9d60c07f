package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiPredicate;

/** Watches signalled backends in pg_stat_activity until they react or time runs out. */
final class Activity {

    /** How often a wait looks again: short next to any grace a DBA would choose. */
    static final Duration POLL = Duration.ofMillis(20);

    private static final String CLEAR_SNAPSHOT = "SELECT pg_catalog.pg_stat_clear_snapshot()";
    private static final String SLEEP = "SELECT pg_catalog.pg_sleep(?)";
    // Whether it blocks: pg_blocking_pids once per lock waiter and look (a subquery in the
    // select list would run again for every backend), none when nobody waits.
    private static final String LOOK = """
        WITH blockers AS MATERIALIZED (
            SELECT DISTINCT pg_catalog.unnest(pg_catalog.pg_blocking_pids(w.pid)) AS pid
            FROM pg_catalog.pg_stat_activity AS w
            WHERE %s
        )
        SELECT a.pid, %s, %s, %s, a.state, %s, b.pid IS NOT NULL, %s
        FROM pg_catalog.pg_stat_activity AS a
        LEFT JOIN blockers AS b ON b.pid = a.pid
        WHERE a.backend_type = 'client backend'
        """.formatted(Selection.waitsForLock("w"), Selection.micros("a.backend_start"), Selection.micros("a.query_start"),
            Selection.micros("a.state_change"),
            Selection.micros(Selection.LOCK_ROOT.since()),
            Selection.micros(Selection.LONG_TRANSACTION.since()));

    /**
     * A client backend as one look saw it.
     *
     * @param transactionMicros what {@link Selection#LOCK_ROOT} measures: its transaction
     * @param blocking whether some backend waits for a lock it holds
     * @param longTransactionMicros what {@link Selection#LONG_TRANSACTION} measures, 0 for
     *     none
     */
    record Seen(long backendStartMicros, long queryStartMicros, long stateChangeMicros,
            String state, long transactionMicros, boolean blocking,
            long longTransactionMicros) {
    }

    private Activity() {
    }

    /**
     * Polls until {@code done} holds for every one of {@code waiting} or {@code limit} has
     * passed, and returns those for which it held. The sleep is pg_sleep, not Thread.sleep,
     * so that a cancel of the caller's own query interrupts the wait. {@code done} receives
     * null when no client backend has that pid any more.
     */
    static List<Candidate> await(Connection conn, List<Candidate> waiting,
            BiPredicate<Candidate, Seen> done, Duration limit) throws SQLException {
        List<Candidate> pending = new ArrayList<>(waiting);
        List<Candidate> finished = new ArrayList<>();
        if (pending.isEmpty()) {
            return finished;
        }
        long deadline = System.nanoTime() + limit.toNanos();
        try (Statement look = conn.createStatement();
                PreparedStatement sleep = conn.prepareStatement(SLEEP)) {
            while (true) {
                Map<Integer, Seen> seen = look(conn, look);
                pending.removeIf(c -> {
                    boolean isDone = done.test(c, seen.get(c.pid()));
                    if (isDone) {
                        finished.add(c);
                    }
                    return isDone;
                });
                long remaining = deadline - System.nanoTime();
                if (pending.isEmpty() || remaining <= 0) {
                    return finished;
                }
                sleep.setDouble(1, Math.min(remaining, POLL.toNanos()) / 1e9);
                try (ResultSet rs = sleep.executeQuery()) {
                    rs.next();
                }
            }
        }
    }

    /** Whether a backend seen by a look is no longer the process that was selected. */
    static boolean exited(Candidate c, Seen seen) {
        return seen == null || seen.backendStartMicros() != c.backendStartMicros();
    }

    static void clearSnapshot(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery(CLEAR_SNAPSHOT)) {
            rs.next();
        }
    }

    private static Map<Integer, Seen> look(Connection conn, Statement look)
            throws SQLException {
        clearSnapshot(conn);
        Map<Integer, Seen> seen = new HashMap<>();
        try (ResultSet rs = look.executeQuery(LOOK)) {
            while (rs.next()) {
                seen.put(rs.getInt(1),
                        new Seen(rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5),
                                rs.getLong(6), rs.getBoolean(7), rs.getLong(8)));
            }
        }
        return seen;
    }
}
