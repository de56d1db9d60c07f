package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Client sessions for the benchmark to look at and act on, each over its own pgjdbc
 * connection and all with the same application_name: some idle, some idle in a
 * transaction, some active in a long pg_sleep.
 */
final class Crowd implements AutoCloseable {

    /** A thread per sleeping statement, as a client application would have. */
    private static final ExecutorService SLEEPERS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "bench-sleeper");
        t.setDaemon(true);
        return t;
    });

    private static final String COUNT = """
        SELECT count(*) FILTER (WHERE state = 'idle'),
               count(*) FILTER (WHERE state = 'idle in transaction'),
               count(*) FILTER (WHERE state = 'active')
        FROM pg_stat_activity
        WHERE application_name = ?
        """;

    private final TestServer server;
    private final String applicationName;
    private final List<Connection> connections;

    private Crowd(TestServer server, String applicationName, List<Connection> connections) {
        this.server = server;
        this.applicationName = applicationName;
        this.connections = connections;
    }

    /** N sessions, a third idle, a third idle in transaction, a third in pg_sleep. */
    static Crowd mixed(TestServer server, String applicationName, int n) throws Exception {
        int idleInTx = n / 3;
        int active = n / 3;
        return open(server, applicationName, n - idleInTx - active, idleInTx, active);
    }

    /** K sessions idle in transaction. */
    static Crowd idleInTransaction(TestServer server, String applicationName, int k)
            throws Exception {
        return open(server, applicationName, 0, k, 0);
    }

    private static Crowd open(TestServer server, String applicationName, int idle,
            int idleInTx, int active) throws Exception {
        int n = idle + idleInTx + active;
        List<Connection> connections = Collections.synchronizedList(new ArrayList<>());
        ExecutorService connectors = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> opened = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                opened.add(connectors.submit(() -> {
                    Connection c = server.connect(server.superuser, server.password,
                            applicationName);
                    connections.add(c);
                    if (index < idleInTx) {
                        c.setAutoCommit(false);
                        run(c, "SELECT 1");
                    } else if (index < idleInTx + active) {
                        SLEEPERS.submit(() -> {
                            run(c, "SELECT pg_sleep(3600)");
                            return null;
                        });
                    }
                    return null;
                }));
            }
            for (Future<?> f : opened) {
                f.get();
            }
        } finally {
            connectors.shutdown();
        }
        Crowd crowd = new Crowd(server, applicationName, connections);
        crowd.awaitStates(idle, idleInTx, active);
        return crowd;
    }

    int size() {
        return connections.size();
    }

    /** Whether none of these sessions has a backend any more. */
    boolean gone(Connection monitor) throws SQLException {
        try (PreparedStatement ps = monitor.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
            ps.setString(1, applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1) == 0;
            }
        }
    }

    /** Terminates what is left of the sessions and waits until their backends are gone. */
    @Override
    public void close() throws SQLException {
        try (Connection c = server.connect()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE application_name = ? AND pid <> pg_backend_pid()
                    """)) {
                ps.setString(1, applicationName);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getBoolean(1);
                    }
                }
            }
            Poll.until(applicationName + " sessions to exit", Duration.ofSeconds(60),
                    () -> gone(c));
        }
        for (Connection c : connections) {
            try {
                c.close();
            } catch (SQLException e) {
                // the server closed it
            }
        }
    }

    private void awaitStates(int idle, int idleInTx, int active) {
        Poll.until(connections.size() + " " + applicationName + " sessions in their states",
                Duration.ofSeconds(60), () -> {
                    try (Connection c = server.connect();
                            PreparedStatement ps = c.prepareStatement(COUNT)) {
                        ps.setString(1, applicationName);
                        try (ResultSet rs = ps.executeQuery()) {
                            rs.next();
                            return rs.getInt(1) == idle && rs.getInt(2) == idleInTx
                                    && rs.getInt(3) == active;
                        }
                    }
                });
    }

    private static void run(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }
}
