package org.pgwarden;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A connection pool that keeps using a leaked transaction: a client through pgbouncer opens
 * a transaction, takes a lock, and then runs a short health check ({@code SELECT 1}) every
 * {@link #INTERVAL} inside that same transaction until closed. Its server backend stays in
 * the transaction, holding the lock (xact_start does not move), and shows 'idle in
 * transaction' between checks, but its state_change moves with every check: an idle age
 * measured from state_change never grows.
 */
final class LeakedTransaction implements AutoCloseable {

    static final Duration INTERVAL = Duration.ofMillis(50);

    private final Connection conn;
    /** The pid of the server backend the transaction holds, as the cluster sees it. */
    final int pid;
    final String applicationName;
    private final ScheduledExecutorService checker;
    private final AtomicLong checks = new AtomicLong();
    private final AtomicReference<SQLException> failure = new AtomicReference<>();

    private LeakedTransaction(Connection conn, int pid, String applicationName) {
        this.conn = conn;
        this.pid = pid;
        this.applicationName = applicationName;
        this.checker = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "leaked-transaction-" + pid);
            t.setDaemon(true);
            return t;
        });
    }

    /**
     * A superuser's client through {@code pooler}, named {@code pgwarden-victim-name} (so
     * Victims.terminateLeftovers finds its backend), that runs {@code lockSql} in a new
     * transaction and starts its health checks.
     */
    static LeakedTransaction start(Pooler pooler, String name, String lockSql)
            throws SQLException {
        return start(pooler, TestServer.get().superuser, TestServer.get().password, name,
                lockSql);
    }

    /** The same, as {@code user}. */
    static LeakedTransaction start(Pooler pooler, String user, String password, String name,
            String lockSql) throws SQLException {
        String app = Victims.APP_PREFIX + "-" + name;
        return start(pooler.connect(user, password, app), app, lockSql);
    }

    /** The same, a superuser's client connected straight to the server, no pool between. */
    static LeakedTransaction start(String name, String lockSql) throws SQLException {
        TestServer server = TestServer.get();
        String app = Victims.APP_PREFIX + "-" + name;
        return start(server.connect(server.superuser, server.password, app), app, lockSql);
    }

    private static LeakedTransaction start(Connection conn, String app, String lockSql)
            throws SQLException {
        try {
            conn.setAutoCommit(false);
            int pid;
            try (Statement st = conn.createStatement()) {
                st.execute(lockSql);
                // In the transaction, so the backend that runs it is the one that stays.
                try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                    rs.next();
                    pid = rs.getInt(1);
                }
            }
            LeakedTransaction leak = new LeakedTransaction(conn, pid, app);
            leak.checker.scheduleWithFixedDelay(leak::check, INTERVAL.toMillis(),
                    INTERVAL.toMillis(), TimeUnit.MILLISECONDS);
            return leak;
        } catch (SQLException e) {
            conn.close();
            throw e;
        }
    }

    private void check() {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
            checks.incrementAndGet();
        } catch (SQLException e) {
            failure.set(e);
            // An exception ends a fixed-delay schedule: the client gives up with its session.
            throw new IllegalStateException(e);
        }
    }

    /** How many health checks have completed so far. */
    long checks() {
        return checks.get();
    }

    /** Waits until {@code n} more health checks have completed. */
    void awaitChecks(int n) {
        long target = checks.get() + n;
        Poll.until(n + " more health checks of pid " + pid, Duration.ofSeconds(20),
                () -> checks.get() >= target || failure.get() != null);
        if (failure.get() != null) {
            throw new AssertionError("the health checks failed", failure.get());
        }
    }

    /** The SQLSTATE the health checks stopped with (its backend was terminated, say). */
    String awaitFailure() {
        Poll.until("the health checks of pid " + pid + " to fail", Duration.ofSeconds(20),
                () -> failure.get() != null);
        return failure.get().getSQLState();
    }

    /** The failure the health checks stopped with, or null while they go on. */
    SQLException failure() {
        return failure.get();
    }

    /** Stops the health checks, rolls the transaction back and closes the client. */
    @Override
    public void close() {
        checker.shutdown();
        try {
            checker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            conn.rollback();
        } catch (SQLException e) {
            // the session is gone already
        }
        try {
            conn.close();
        } catch (SQLException e) {
            // the session is gone already
        }
    }
}
