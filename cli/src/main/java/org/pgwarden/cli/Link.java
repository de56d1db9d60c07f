package org.pgwarden.cli;

import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * watch's connection, which outlives a server restart or a failover: once it breaks, new
 * ones are tried with a doubling backoff, capped, and only the loss and the return are
 * logged, never each attempt.
 */
final class Link implements AutoCloseable {

    static final Duration FIRST_RETRY = Duration.ofMillis(500);
    static final Duration LONGEST_RETRY = Duration.ofSeconds(30);
    /** How long a check of a connection that seems open may take before it counts as lost. */
    private static final int VALID_SECONDS = 5;
    /**
     * How long the runner waits for any one answer of the server before it counts the
     * connection as lost: without it, a server that stops answering (a network partition, a
     * backend stopped) leaves a run waiting for ever. No statement of a run legitimately
     * takes long: the waits for signalled backends poll in steps of 20 ms (Activity.POLL),
     * enforce's lock is taken with SKIP LOCKED, and the longest a statement may block is a
     * lock wait on warden.enforce_lock or warden.action_log behind an ALTER, a TRUNCATE or a
     * VACUUM FULL of them (an upgrade): 60 s lets such a maintenance step finish, and finds
     * a dead server within a minute. The hidden system property pgwarden.socketTimeout
     * (seconds) shortens it for tests.
     */
    static final int SOCKET_TIMEOUT_SECONDS = Integer.getInteger("pgwarden.socketTimeout", 60);

    private final ConnectionSettings settings;
    private final WatchLog log;
    private final Metrics metrics;
    private final Duration cap;
    private Connection conn;
    private long lostAt;
    private long nextAttempt;
    private Duration backoff;
    private String lastError;

    /**
     * @param interval watch's interval: no retry waits longer than one, so that a server
     *     that is back is found by the next run at the latest
     */
    Link(ConnectionSettings settings, Connection first, WatchLog log, Metrics metrics,
            Duration interval) {
        this.settings = settings;
        this.conn = first;
        this.log = log;
        this.metrics = metrics;
        this.cap = interval.compareTo(LONGEST_RETRY) < 0 ? interval : LONGEST_RETRY;
        metrics.connection(true);
    }

    /**
     * The connection if it answers; else, at once, a new one if the server takes it, or null
     * while it does not.
     */
    Connection get() {
        if (conn != null && valid()) {
            return conn;
        }
        if (conn != null) {
            lost("the connection no longer answers");
        }
        attempt();
        return conn;
    }

    /** Whether the connection broke: after an error, tells a lost server from a refusal. */
    boolean broken() {
        return conn == null || !valid();
    }

    /** Records the loss of the connection, with the error that showed it. */
    void lost(String reason) {
        closeQuietly();
        lostAt = System.nanoTime();
        nextAttempt = lostAt;
        backoff = FIRST_RETRY;
        lastError = reason;
        metrics.connection(false);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("server", settings.description());
        fields.put("message", reason);
        log.event("connection_lost", fields);
    }

    /** When the next attempt to reconnect is due, on System.nanoTime's clock; MAX if none. */
    long nextAttempt() {
        return conn == null ? nextAttempt : Long.MAX_VALUE;
    }

    /** Tries to reconnect if it is time to. */
    void retryIfDue() {
        if (conn == null && System.nanoTime() - nextAttempt >= 0) {
            attempt();
        }
    }

    private void attempt() {
        try {
            conn = bounded(settings.open());
        } catch (SQLException e) {
            lastError = message(e);
            nextAttempt = System.nanoTime() + backoff.toNanos();
            backoff = backoff.multipliedBy(2).compareTo(cap) > 0 ? cap : backoff.multipliedBy(2);
            return;
        }
        metrics.connection(true);
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("server", settings.description());
        fields.put("in_recovery", inRecovery(conn));
        fields.put("down_seconds", Math.round((System.nanoTime() - lostAt) / 1e6) / 1000.0);
        log.event("connection_back", fields);
    }

    /**
     * {@code conn} with the socket timeout and TCP keepalives: a read that waits longer than
     * {@link #SOCKET_TIMEOUT_SECONDS} fails, and the connection with it.
     */
    static Connection bounded(Connection conn) throws SQLException {
        // pgjdbc sets the socket's SO_TIMEOUT at once; it runs nothing on the executor.
        conn.setNetworkTimeout(Runnable::run, SOCKET_TIMEOUT_SECONDS * 1000);
        return conn;
    }

    /**
     * Whether the server of {@code conn} is a hot standby, for the started and back lines:
     * there the audit log cannot be written. Null if it cannot tell.
     */
    static Boolean inRecovery(Connection conn) {
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_catalog.pg_is_in_recovery()")) {
            rs.next();
            return rs.getBoolean(1);
        } catch (SQLException e) {
            return null;
        }
    }

    /** The message of an error, saying so when the server stopped answering. */
    static String message(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException) {
                return "the server did not answer within " + SOCKET_TIMEOUT_SECONDS + " s ("
                        + ServerError.message(e) + ")";
            }
        }
        return ServerError.message(e);
    }

    /** The last reason a connection failed or could not be made, for a missed run's line. */
    String lastError() {
        return lastError;
    }

    private boolean valid() {
        try {
            return conn.isValid(VALID_SECONDS);
        } catch (SQLException e) {
            return false;
        }
    }

    private void closeQuietly() {
        if (conn == null) {
            return;
        }
        try {
            conn.close();
        } catch (SQLException e) {
            // it is broken already; nothing to release
        }
        conn = null;
    }

    @Override
    public void close() {
        closeQuietly();
    }
}
