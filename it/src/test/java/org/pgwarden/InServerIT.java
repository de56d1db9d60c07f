package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.DryRun.DRY_RUN;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Escalation.ESCALATE;
import static org.pgwarden.WardenClient.Idle.EXCLUDE_IDLE;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scenarios end to end through the warden SQL functions, running inside the server
 * through PL/Java after install/install.sh; plus grants, comments and the caller's
 * transaction. Skipped, with a line saying so, where PL/Java is not installed.
 */
class InServerIT extends WardenScenarios {

    private final SqlClient client = new SqlClient();

    @BeforeAll
    static void installPgwarden() throws Exception {
        Scripts.installInServer(TestServer.get(), "InServerIT");
    }

    @Override
    protected WardenClient client() {
        return client;
    }

    @Test
    void aRoleWithoutWardenOperatorIsRefusedWith42501() throws Exception {
        String outsider = role("warden_it_outsider");
        Victim idleTx = victim("outsider-target").idleInTransaction("SELECT 1");
        idleTx.awaitAge("100 milliseconds");

        try (Connection asOutsider = server.connect(outsider, PASSWORD, "pgwarden-it-out")) {
            for (String call : List.of(
                    "SELECT * FROM warden.reap_idle_in_tx('1 millisecond')",
                    "SELECT * FROM warden.cancel_long_running('1 millisecond', true)",
                    "SELECT * FROM warden.backend_report()",
                    "SELECT * FROM warden.horizon_report()",
                    "SELECT warden.reap_idle_in_tx_json('1 millisecond', false)")) {
                SQLException e = assertThrows(SQLException.class, () -> {
                    try (Statement st = asOutsider.createStatement()) {
                        st.executeQuery(call);
                    }
                }, call);
                assertEquals(SqlState.INSUFFICIENT_PRIVILEGE.code(), e.getSQLState(),
                        call + ": " + e.getMessage());
            }
        }
        idleTx.assertUsable();
    }

    @Test
    void aReportOrARunWithNothingToDoStartsNoJvm() throws Exception {
        Victim idleTx = victim("nothing-to-do").idleInTransaction("SELECT 1");
        idleTx.awaitAge("100 milliseconds");
        // PL/Java defines its pljava.* settings when a session first loads it.
        String loaded = "SELECT count(*) FROM pg_settings WHERE name LIKE 'pljava.%'";
        try (Connection fresh = server.connect(); Statement st = fresh.createStatement()) {
            List<ReportRow> report = client.backendReport(fresh, EXCLUDE_IDLE);
            assertTrue(report.stream().anyMatch(r -> r.pid() == idleTx.pid), report.toString());
            assertEquals(List.of(), client.reapIdleInTx(fresh, "3650 days", FOR_REAL));
            assertEquals(List.of(),
                    client.cancelLongRunning(fresh, "3650 days", ESCALATE, "5 seconds", FOR_REAL));
            assertEquals(0, count(st, loaded), "a call with nothing to do loaded PL/Java");

            List<ActionRow> due = client.reapIdleInTx(fresh, "50 milliseconds", DRY_RUN);
            assertEquals(Outcome.DRY_RUN, rowFor(due, idleTx).outcome());
            assertTrue(count(st, loaded) > 0, "the check cannot see PL/Java being loaded");
        }
        idleTx.assertUsable();
    }

    private static int count(Statement st, String query) throws SQLException {
        try (ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    @Test
    void theLogLineSurvivesTheCallersRollback() throws Exception {
        Victim idleTx = victim("rolled-back-caller").idleInTransaction("SELECT 1");
        idleTx.awaitAge("100 milliseconds");

        caller.setAutoCommit(false);
        List<ActionRow> rows = client.reapIdleInTx(caller, "50 milliseconds", FOR_REAL);
        caller.rollback();
        caller.setAutoCommit(true);

        assertEquals(Outcome.TERMINATED, rowFor(rows, idleTx).outcome());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), idleTx.nextStatementSqlState());
        assertEquals(List.of("terminate"), logLinesFor(idleTx, 1));
    }

    @Test
    void namedArgumentsAndDefaultsWork() throws Exception {
        Victim idleTx = victim("named-args-tx").idleInTransaction("SELECT 1");
        idleTx.awaitAge("100 milliseconds");
        try (Statement st = caller.createStatement()) {
            st.executeQuery("SELECT * FROM warden.backend_report()").close();
            st.executeQuery("SELECT * FROM warden.cancel_long_running('1 hour')").close();
            try (ResultSet rs = st.executeQuery("SELECT pid, action, outcome"
                    + " FROM warden.reap_idle_in_tx(threshold => '50 milliseconds',"
                    + " dry_run => true) WHERE pid = " + idleTx.pid)) {
                assertTrue(rs.next());
                assertEquals("terminate", rs.getString("action"));
                assertEquals("dry run", rs.getString("outcome"));
            }
        }
        idleTx.assertUsable();
    }

    @Test
    void everyFunctionExplainsItselfInItsComment() throws Exception {
        for (String function : List.of("warden.backend_report(boolean)",
                "warden.horizon_report()",
                "warden.cancel_long_running(interval, boolean, interval, boolean)",
                "warden.reap_idle_in_tx(interval, boolean, boolean)",
                "warden.terminate_blockers(interval, interval, boolean)",
                "warden.enforce(boolean)", "warden.purge_log(interval)")) {
            try (PreparedStatement ps = caller.prepareStatement(
                    "SELECT obj_description(?::regprocedure, 'pg_proc')")) {
                ps.setString(1, function);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertNotNull(rs.getString(1), function);
                    assertFalse(rs.getString(1).isBlank(), function);
                }
            }
        }
    }
}
