package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The fixtures other suites build scenarios on, shown to work: a streaming hot standby of the
 * test cluster (Standby, Victim.open(standby, ...)), and pgbouncer in transaction pooling
 * mode in front of it (Pooler, LeakedTransaction).
 */
class HarnessIT {

    /** What a write on a standby fails with: read_only_sql_transaction. */
    private static final String READ_ONLY_SQL_TRANSACTION = "25006";

    private static final String ACTIVITY = """
        SELECT state, xact_start, state_change, application_name, query
        FROM pg_stat_activity WHERE pid = ?
        """;
    private static final String LOCK_HELD = """
        SELECT EXISTS (SELECT FROM pg_locks
                       WHERE pid = ? AND relation = ?::regclass
                         AND mode = 'AccessExclusiveLock' AND granted)
        """;

    private final TestServer server = TestServer.get();
    private final List<AutoCloseable> opened = new ArrayList<>();

    @AfterEach
    void closeSessions() throws Exception {
        for (AutoCloseable session : opened) {
            session.close();
        }
        Victims.terminateLeftovers(server);
    }

    @Test
    void aTableCreatedOnThePrimaryIsReplayedOnTheStandbyWhichRefusesWrites() throws Exception {
        server.sql().execute("DROP TABLE IF EXISTS harness_replicated");
        server.sql().execute("CREATE TABLE harness_replicated (id int)");
        server.sql().execute("INSERT INTO harness_replicated VALUES (1), (2)");
        Standby standby = Standby.get();

        standby.awaitReplay();

        try (Connection c = standby.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT pg_is_in_recovery(),"
                    + " (SELECT count(*) FROM harness_replicated)")) {
                rs.next();
                assertTrue(rs.getBoolean(1), "the standby is not in recovery");
                assertEquals(2, rs.getInt(2));
            }
            SQLException write = assertThrows(SQLException.class,
                    () -> st.execute("INSERT INTO harness_replicated VALUES (3)"));
            assertEquals(READ_ONLY_SQL_TRANSACTION, write.getSQLState());
        }
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT state FROM pg_stat_replication WHERE application_name = ?")) {
            ps.setString(1, Standby.CLUSTER_NAME);
            try (ResultSet rs = ps.executeQuery()) {
                assertTrue(rs.next(), "the primary has no walsender for the standby");
                assertEquals("streaming", rs.getString(1));
            }
        }
        String log = standby.serverLog();
        // PostgreSQL 13 writes "read only", 14 and later "read-only".
        assertTrue(log.matches("(?s).*ready to accept read[ -]only connections.*"), log);
        assertFalse(log.contains("ready to accept connections"),
                "the standby's log holds the primary's lines:\n" + log);
    }

    @Test
    void aLongQueryOnTheStandbyIsCancelledByPgCancelBackendCalledThere() throws Exception {
        Standby standby = Standby.get();
        Victim sleeper = Victim.open(standby, "standby-sleeper");
        opened.add(sleeper);

        sleeper.start("SELECT pg_sleep(60)");
        try (Connection c = standby.connect();
                PreparedStatement ps = c.prepareStatement("SELECT pg_cancel_backend(?)")) {
            ps.setInt(1, sleeper.pid);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertTrue(rs.getBoolean(1), "pg_cancel_backend found no pid " + sleeper.pid);
            }
        }

        assertEquals(SqlState.QUERY_CANCELED.code(), sleeper.awaitFailure());
        sleeper.assertUsable();
    }

    @Test
    void aClientInATransactionThroughThePoolerKeepsItsServerBackend() throws Exception {
        Pooler pooler = Pooler.get();
        try (Connection client = pooler.connect(server.superuser, server.password,
                Victims.APP_PREFIX + "-pooled-tx")) {
            client.setAutoCommit(false);
            Set<Integer> pids = new HashSet<>();
            for (int i = 0; i < 5; i++) {
                pids.add(backendPid(client));
            }
            assertEquals(1, pids.size(), "one transaction ran on several backends: " + pids);
            int pid = pids.iterator().next();

            try (Connection c = server.connect();
                    PreparedStatement ps = c.prepareStatement(ACTIVITY)) {
                ps.setInt(1, pid);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next(), "no backend " + pid + " on the cluster");
                    assertEquals("idle in transaction", rs.getString("state"));
                    // pgbouncer passed the client's name on to the backend it linked it to.
                    assertEquals(Victims.APP_PREFIX + "-pooled-tx",
                            rs.getString("application_name"));
                }
            }
            client.rollback();
        }
    }

    @Test
    void aLeakedTransactionKeepsItsLockWhileHealthChecksMoveStateChange() throws Exception {
        server.sql().execute("DROP TABLE IF EXISTS harness_pooled");
        server.sql().execute("CREATE TABLE harness_pooled (id int)");
        LeakedTransaction leak = LeakedTransaction.start(Pooler.get(), "leaked-tx",
                "LOCK TABLE harness_pooled IN ACCESS EXCLUSIVE MODE");
        opened.add(leak);

        try (Connection c = server.connect();
                PreparedStatement activity = c.prepareStatement(ACTIVITY);
                PreparedStatement lock = c.prepareStatement(LOCK_HELD)) {
            activity.setInt(1, leak.pid);
            lock.setInt(1, leak.pid);
            lock.setString(2, "harness_pooled");
            Timestamp xactStart = null;
            Timestamp stateChange = null;
            for (int i = 0; i < 4; i++) {
                leak.awaitChecks(2);
                try (ResultSet rs = activity.executeQuery()) {
                    assertTrue(rs.next(), "the leaked transaction lost its backend " + leak.pid);
                    assertEquals(leak.applicationName, rs.getString("application_name"));
                    if (xactStart != null) {
                        assertEquals(xactStart, rs.getTimestamp("xact_start"),
                                "the transaction ended");
                        assertTrue(rs.getTimestamp("state_change").after(stateChange),
                                "state_change did not move");
                    }
                    xactStart = rs.getTimestamp("xact_start");
                    stateChange = rs.getTimestamp("state_change");
                }
                try (ResultSet rs = lock.executeQuery()) {
                    rs.next();
                    assertTrue(rs.getBoolean(1), "the leaked transaction lost its lock");
                }
            }
        }
    }

    @Test
    void terminatingALeakedTransactionsBackendEndsItsClientsSession() throws Exception {
        LeakedTransaction leak = LeakedTransaction.start(Pooler.get(), "leaked-terminated",
                "SELECT 1");
        opened.add(leak);
        leak.awaitChecks(1);

        Victims.terminate(server, List.of(leak.pid));

        // pgbouncer passes the backend's FATAL on to the client linked to it, then closes
        // the client ("server conn crashed?"): the client sees what a direct session sees.
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), leak.awaitFailure(),
                String.valueOf(leak.failure()));
    }

    private static int backendPid(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
