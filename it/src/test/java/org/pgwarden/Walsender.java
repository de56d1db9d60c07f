package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;

/**
 * A physical replication connection of the test's own, streaming the test server's WAL
 * through pgjdbc's replication API: on the server, a walsender (backend_type walsender) in
 * state streaming, as pg_receivewal's would be, without a client tool of the server's major
 * version. Its application_name starts with {@link Victims#APP_PREFIX}.
 */
final class Walsender implements AutoCloseable {

    private static final Duration STREAMING_LIMIT = Duration.ofSeconds(20);
    /** Enough queued WAL to drain before the end of a broken stream shows. */
    private static final int MAX_PENDING_MESSAGES = 10_000;

    /** The walsender's pid, the one of the replication connection's backend. */
    final int pid;
    private final TestServer server;
    private final Connection connection;
    private final PGReplicationStream stream;

    private Walsender(TestServer server, Connection connection, PGReplicationStream stream,
            int pid) {
        this.server = server;
        this.connection = connection;
        this.stream = stream;
        this.pid = pid;
    }

    /** A walsender streaming from the server's current WAL position, once it streams. */
    static Walsender start(TestServer server, String name) throws SQLException {
        Connection c = connect(server, name, "true");
        try {
            PGConnection pg = c.unwrap(PGConnection.class);
            LogSequenceNumber flushed;
            // The position the server has flushed: START_REPLICATION refuses one beyond it.
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("IDENTIFY_SYSTEM")) {
                rs.next();
                flushed = LogSequenceNumber.valueOf(rs.getString("xlogpos"));
            }
            PGReplicationStream stream = pg.getReplicationAPI().replicationStream().physical()
                    .withStartPosition(flushed).start();
            Walsender walsender = new Walsender(server, c, stream, pg.getBackendPID());
            walsender.awaitStreaming();
            return walsender;
        } catch (SQLException | RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    /**
     * A replication connection to the test database as the superuser: {@code replication}
     * "true" for a physical one (a walsender that takes replication commands only),
     * "database" for a logical one (a walsender that also takes SQL).
     */
    static Connection connect(TestServer server, String name, String replication)
            throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", server.superuser);
        if (server.password != null) {
            props.setProperty("password", server.password);
        }
        props.setProperty("ApplicationName", Victims.APP_PREFIX + "-" + name);
        props.setProperty("replication", replication);
        // A walsender takes no extended query protocol, and a physical one no SET, which
        // pgjdbc sends after connecting unless told the server's version beforehand: then
        // it puts application_name and extra_float_digits in the startup packet.
        props.setProperty("preferQueryMode", "simple");
        props.setProperty("assumeMinServerVersion", "10");
        return DriverManager.getConnection("jdbc:postgresql://" + server.host + ":"
                + server.port + "/" + TestServer.DATABASE, props);
    }

    private void awaitStreaming() {
        try {
            Poll.until("the walsender " + pid + " to stream", STREAMING_LIMIT,
                    () -> "streaming".equals(state()));
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + " (state " + stateOrError() + ")"
                    + serverLogTail(), e);
        }
    }

    /**
     * Fails unless the walsender is still there and streaming, and the stream still takes
     * a status update and reads: nothing terminated or broke it.
     */
    void assertStillStreaming() throws SQLException {
        String state = state();
        assertEquals("streaming", state, "the walsender " + pid + " of the test's replication"
                + " connection " + (state == null ? "is gone" : "no longer streams")
                + serverLogTail());
        try {
            int read = 0;
            while (read++ < MAX_PENDING_MESSAGES && stream.readPending() != null) {
                // A terminated walsender's FATAL message comes after the WAL it had sent.
            }
            stream.forceUpdateStatus();
        } catch (SQLException e) {
            fail("the replication stream of the walsender " + pid + " broke: " + e, e);
        }
        assertFalse(stream.isClosed(), "the replication stream of the walsender " + pid
                + " was closed");
    }

    /** The walsender's state in pg_stat_replication, or null when it is gone. */
    private String state() throws SQLException {
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT state FROM pg_stat_replication WHERE pid = ?")) {
            ps.setInt(1, pid);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    private String stateOrError() {
        try {
            return String.valueOf(state());
        } catch (SQLException e) {
            return "unknown: " + e;
        }
    }

    private String serverLogTail() {
        return server.dataDir() == null ? ""
                : "\nserver log, last lines:\n" + ServerDir.serverLogTail(server.dataDir());
    }

    @Override
    public void close() throws SQLException {
        try {
            stream.close();
        } catch (SQLException e) {
            // The walsender is gone already; a failing test says so, not this.
        } finally {
            connection.close();
        }
    }
}
