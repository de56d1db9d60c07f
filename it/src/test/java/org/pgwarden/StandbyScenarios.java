package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.DryRun.DRY_RUN;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Escalation.CANCEL_ONLY;
import static org.pgwarden.WardenClient.Escalation.ESCALATE;
import static org.pgwarden.WardenClient.Idle.EXCLUDE_IDLE;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * pgwarden on a real streaming hot standby of the test cluster, where the functions and the
 * tables replicate from the primary and the audit log cannot be written: a call acts, returns
 * its rows and writes each signal's line to the standby's server log, which is the record.
 */
abstract class StandbyScenarios extends ScenarioBase {

    private Standby standby;
    private Connection onStandby;

    @BeforeEach
    void openStandby() throws SQLException {
        standby = Standby.get();
        standby.awaitReplay();
        onStandby = standby.connect();
    }

    @AfterEach
    void closeStandby() throws SQLException {
        onStandby.close();
    }

    @Test
    void aLongQueryOnTheStandbyIsCancelledAndRecordedInTheStandbysLog() throws Exception {
        Victim sleeper = victimOn(standby, "standby-sleeper").start("SELECT pg_sleep(60)");
        sleeper.awaitAge("100 milliseconds");

        ActionRow row = rowFor(client().cancelLongRunning(onStandby, "50 milliseconds", CANCEL_ONLY,
                "5 seconds", FOR_REAL), sleeper);

        assertEquals(Outcome.CANCELLED, row.outcome());
        assertEquals(SqlState.QUERY_CANCELED.code(), sleeper.awaitFailure());
        String line = "pgwarden: cancel pid=" + sleeper.pid + " ";
        Poll.until("the standby's log to hold: " + line, Duration.ofSeconds(10),
                () -> standby.serverLog().contains(line));
        assertEquals(0, auditRowsOnPrimary(sleeper), "an audit row for the standby's pid");
    }

    @Test
    void anIdleTransactionOnTheStandbyIsTerminated() throws Exception {
        Victim idle = victimOn(standby, "standby-idle-tx").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");

        ActionRow row = rowFor(client().reapIdleInTx(onStandby, "50 milliseconds", FOR_REAL),
                idle);

        assertEquals(Outcome.TERMINATED, row.outcome());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), idle.nextStatementSqlState());
    }

    @Test
    void aCallOnTheStandbyActsAndNotifiesNobodyWithoutAnError() throws Exception {
        Victim idle = victimOn(standby, "standby-notify").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");

        // NOTIFY is refused during recovery: a call that tried after its signal would fail.
        List<String> notices = new ArrayList<>();
        Outcome outcome;
        if (client() instanceof SqlClient) {
            // Inside the server the NOTICE goes to the client, as a warning of the statement.
            try (PreparedStatement ps = onStandby.prepareStatement("SELECT outcome"
                    + " FROM warden.reap_idle_in_tx('50 milliseconds') WHERE pid = ?")) {
                ps.setInt(1, idle.pid);
                try (ResultSet rs = ps.executeQuery()) {
                    assertTrue(rs.next(), "no row for the idle transaction");
                    outcome = Outcome.ofLabel(rs.getString(1));
                }
                for (SQLWarning w = ps.getWarnings(); w != null; w = w.getNextWarning()) {
                    notices.add(w.getMessage());
                }
            }
        } else {
            Notices.collect();
            try {
                outcome = rowFor(client().reapIdleInTx(onStandby, "50 milliseconds", FOR_REAL),
                        idle).outcome();
            } finally {
                notices.addAll(Notices.drain());
            }
        }

        assertEquals(Outcome.TERMINATED, outcome);
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), idle.nextStatementSqlState());
        assertTrue(notices.stream().anyMatch(n -> n.contains("is a hot standby")
                && n.contains("no notification is sent")), notices.toString());
    }

    @Test
    void theReportAndDryRunsWorkOnTheStandby() throws Exception {
        Victim idle = victimOn(standby, "standby-dry").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");

        List<ReportRow> report = client().backendReport(onStandby, EXCLUDE_IDLE);
        assertEquals("idle in transaction", reportRowFor(report, idle).state());
        List<ActionRow> dry = client().reapIdleInTx(onStandby, "50 milliseconds", DRY_RUN);
        assertEquals(Outcome.DRY_RUN, rowFor(dry, idle).outcome());
        assertTrue(client()
                .cancelLongRunning(onStandby, "3650 days", ESCALATE, "5 seconds", FOR_REAL)
                .isEmpty());
        idle.assertUsable();
    }

    private int auditRowsOnPrimary(Victim v) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement("SELECT count(*)"
                + " FROM warden.action_log WHERE pid = ? AND application_name = ?")) {
            ps.setInt(1, v.pid);
            ps.setString(2, v.applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }
}
