package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.postgresql.PGConnection;
import org.postgresql.fastpath.Fastpath;
import org.postgresql.fastpath.FastpathArg;

/**
 * A real client session for the functions to act on, over its own pgjdbc connection. What
 * it observes (its statement's SQLSTATE, its connection closing) is what a signal did to it.
 */
final class Victim implements AutoCloseable {

    /** A thread per blocked statement: the common pool would run only a few at once. */
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "victim");
        t.setDaemon(true);
        return t;
    });

    /** Where the victim's session is: the test cluster, or its standby. */
    @FunctionalInterface
    interface Server {
        /** A superuser's session on that server, to watch the victim in pg_stat_activity. */
        Connection connect() throws SQLException;
    }

    private final Server server;
    final Connection conn;
    final int pid;
    final String applicationName;
    private CompletableFuture<Void> running;

    private Victim(Server server, Connection conn, String applicationName)
            throws SQLException {
        this.server = server;
        this.conn = conn;
        this.applicationName = applicationName;
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            this.pid = rs.getInt(1);
        }
    }

    static Victim open(TestServer server, String name) throws SQLException {
        return open(server, server.superuser, server.password, name);
    }

    static Victim openAs(TestServer server, String applicationName) throws SQLException {
        return new Victim(server::connect, server.connect(server.superuser, server.password,
                applicationName), applicationName);
    }

    /** A victim logged in as {@code user} whose application_name is exactly {@code app}. */
    static Victim openAs(TestServer server, String user, String password, String app)
            throws SQLException {
        return new Victim(server::connect, server.connect(user, password, app), app);
    }

    static Victim open(TestServer server, String user, String password, String name)
            throws SQLException {
        String app = Victims.APP_PREFIX + "-" + name;
        return new Victim(server::connect, server.connect(user, password, app), app);
    }

    /** A superuser's session on the standby, watched in the standby's pg_stat_activity. */
    static Victim open(Standby standby, String name) throws SQLException {
        return open(standby, standby.superuser, standby.password, name);
    }

    /** A session of {@code user} on the standby (roles replicate from the primary). */
    static Victim open(Standby standby, String user, String password, String name)
            throws SQLException {
        String app = Victims.APP_PREFIX + "-" + name;
        return new Victim(standby::connect, standby.connect(user, password, app), app);
    }

    /** Runs {@code sql} and waits for it to complete. */
    Victim execute(String sql) throws SQLException {
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
        return this;
    }

    /** Opens a transaction, runs {@code sql} in it and leaves it idle in transaction. */
    Victim idleInTransaction(String sql) throws SQLException {
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
            st.execute(sql);
        }
        awaitState("idle in transaction");
        return this;
    }

    /** Leaves the session in a failed transaction: 'idle in transaction (aborted)'. */
    Victim abortedTransaction() throws SQLException {
        conn.setAutoCommit(false);
        try (Statement st = conn.createStatement()) {
            st.execute("SELECT 1/0");
            fail("division by zero did not fail");
        } catch (SQLException expected) {
            // the transaction is now aborted
        }
        awaitState("idle in transaction (aborted)");
        return this;
    }

    /** Starts {@code sql} on another thread and returns once the server shows it active. */
    Victim start(String sql) {
        running = CompletableFuture.runAsync(() -> {
            try (Statement st = conn.createStatement()) {
                st.execute(sql);
            } catch (SQLException e) {
                throw new RuntimeSqlException(e);
            }
        }, THREADS);
        awaitState("active");
        return this;
    }

    /**
     * Calls pg_sleep({@code seconds}, float8) on another thread as a fast-path function call
     * (the protocol's FunctionCall message, libpq's PQfn; pgjdbc keeps a deprecated API for
     * it), in the session's transaction if one is open, and returns once the server shows
     * the session in state 'fastpath function call'.
     */
    @SuppressWarnings("deprecation")
    Victim startFastPathSleep(double seconds) throws SQLException {
        int oid;
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT 'pg_catalog.pg_sleep(float8)'::pg_catalog.regprocedure::oid")) {
            rs.next();
            oid = rs.getInt(1);
        }
        Fastpath fastpath = conn.unwrap(PGConnection.class).getFastpathAPI();
        byte[] float8 = ByteBuffer.allocate(Double.BYTES).putDouble(seconds).array();
        running = CompletableFuture.runAsync(() -> {
            try {
                fastpath.fastpath(oid, new FastpathArg[] {new FastpathArg(float8)});
            } catch (SQLException e) {
                throw new RuntimeSqlException(e);
            }
        }, THREADS);
        awaitState("fastpath function call");
        return this;
    }

    /** Waits until pg_stat_activity shows this session in {@code state}. */
    void awaitState(String state) {
        Poll.until("pid " + pid + " to be " + state, Duration.ofSeconds(20),
                () -> state.equals(stateSeen()));
    }

    /** Waits until this session has been in its current query and state longer than age. */
    void awaitAge(String age) {
        Poll.until("pid " + pid + " to be older than " + age, Duration.ofSeconds(20), () -> {
            try (Connection c = server.connect();
                    PreparedStatement ps = c.prepareStatement("""
                        SELECT clock_timestamp() - query_start > ?::interval
                           AND clock_timestamp() - state_change > ?::interval
                        FROM pg_stat_activity WHERE pid = ?""")) {
                ps.setString(1, age);
                ps.setString(2, age);
                ps.setInt(3, pid);
                try (ResultSet rs = ps.executeQuery()) {
                    return rs.next() && rs.getBoolean(1);
                }
            }
        });
    }

    String stateSeen() throws SQLException {
        try (Connection c = server.connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT state FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    /** Whether a backend with this pid still exists. */
    boolean backendExists() throws SQLException {
        try (Connection c = server.connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) FROM pg_stat_activity WHERE pid = ?")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 1;
            }
        }
    }

    /** The SQLSTATE the statement started with {@link #start} failed with. */
    String awaitFailure() {
        try {
            running.get(30, TimeUnit.SECONDS);
            fail("the victim's statement completed instead of failing");
            return null;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeSqlException sql) {
                return sql.getCause().getSQLState();
            }
            throw new AssertionError(e);
        } catch (TimeoutException | InterruptedException e) {
            throw new AssertionError("the victim's statement is still running", e);
        }
    }

    /** Waits for the statement started with {@link #start} to complete without error. */
    void awaitSuccess() {
        try {
            running.get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new AssertionError("the victim's statement failed", e.getCause());
        } catch (TimeoutException | InterruptedException e) {
            throw new AssertionError("the victim's statement is still running", e);
        }
    }

    /** Whether the statement started with {@link #start} is still running. */
    boolean stillRunning() {
        return running != null && !running.isDone();
    }

    /** The SQLSTATE of the session's next statement, as a terminated session learns it. */
    String nextStatementSqlState() {
        SQLException e = assertThrows(SQLException.class, () -> {
            try (Statement st = conn.createStatement()) {
                st.execute("SELECT 1");
            }
        });
        return e.getSQLState();
    }

    /** Asserts the connection still works, after a rollback of whatever failed. */
    void assertUsable() throws SQLException {
        if (!conn.getAutoCommit()) {
            conn.rollback();
        }
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery("SELECT 1")) {
            rs.next();
            assertEquals(1, rs.getInt(1));
        }
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (SQLException e) {
            // already closed by the server
        }
    }

    /** Carries an SQLException out of the victim's thread. */
    static final class RuntimeSqlException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        RuntimeSqlException(SQLException cause) {
            super(cause);
        }

        @Override
        public synchronized SQLException getCause() {
            return (SQLException) super.getCause();
        }
    }
}
