package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Escalation.ESCALATE;
import static org.pgwarden.WardenClient.Idle.INCLUDE_IDLE;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One cluster, one configuration: pgwarden installed in the test database is its home, and
 * a second database of the cluster can neither take a second installation nor make calls
 * that would ignore the home's exemptions and policies.
 */
class HomeDatabaseIT extends ScenarioBase {

    private static final String OTHER = "pgwarden_test_other";

    @BeforeAll
    static void installSchema() throws Exception {
        TestServer.get().sql().installSchema();
    }

    @BeforeEach
    void createOther() throws SQLException {
        dropOther();
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute("CREATE DATABASE " + OTHER);
        }
    }

    @AfterEach
    void dropOther() throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + OTHER + " WITH (FORCE)");
        }
    }

    @Override
    protected WardenClient client() {
        return new CoreClient();
    }

    @Test
    void aSecondInstallationInTheClusterIsRefusedAndLeavesNothing() throws Exception {
        String schema = Files.readString(Path.of(System.getProperty("pgwarden.basedir", "."),
                "sql", "schema.sql"));
        try (Connection other = connectOther(); Statement st = other.createStatement()) {
            SQLException e = assertThrows(SQLException.class, () -> st.execute(schema));
            assertEquals(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE.code(), e.getSQLState(),
                    e.getMessage());
            assertTrue(e.getMessage().contains("pgwarden is already installed in database "
                    + TestServer.DATABASE + " of this cluster"), e.getMessage());
            try (ResultSet rs = st.executeQuery(
                    "SELECT to_regnamespace('warden') IS NOT NULL")) {
                rs.next();
                assertFalse(rs.getBoolean(1), "schema warden was left in " + OTHER);
            }
        }
    }

    @Test
    void callsFromAnotherDatabaseAreRefusedAndSignalNobody() throws Exception {
        Victim idle = victim("home-elsewhere").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");
        CoreClient core = new CoreClient();
        try (Connection other = connectOther()) {
            for (ThrowingCall call : new ThrowingCall[] {
                    () -> core.reapIdleInTx(other, "50 milliseconds", FOR_REAL),
                    () -> core.cancelLongRunning(other, "50 milliseconds", ESCALATE, "1 second",
                            FOR_REAL),
                    () -> core.terminateBlockers(other, "50 milliseconds", "1 second", FOR_REAL),
                    () -> core.backendReport(other, INCLUDE_IDLE),
                    () -> core.horizonReport(other)}) {
                SQLException e = assertThrows(SQLException.class, call::run);
                assertEquals(SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE.code(),
                        e.getSQLState(), e.getMessage());
                assertTrue(e.getMessage().contains(
                        "pgwarden's home in this cluster is database " + TestServer.DATABASE),
                        e.getMessage());
            }
        }
        idle.assertUsable();
    }

    /** A call that may throw, run for its error. */
    private interface ThrowingCall {
        Object run() throws Exception;
    }

    private Connection connectOther() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", server.superuser);
        if (server.password != null) {
            props.setProperty("password", server.password);
        }
        props.setProperty("ApplicationName", "pgwarden-test-other");
        return DriverManager.getConnection(
                "jdbc:postgresql://" + server.host + ":" + server.port + "/" + OTHER, props);
    }
}
