package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.DryRun.DRY_RUN;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Idle.EXCLUDE_IDLE;

import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Policies in mode observe: they signal nothing, enforce() returns and audits their would-be
 * actions as dry runs with their names, they leave the backends to the enforcing policies,
 * and the report says that they only observe. Subclasses choose the way of calling pgwarden.
 */
abstract class ObserveModeScenarios extends ScenarioBase {

    @AfterEach
    void dropPolicies() throws SQLException {
        server.sql().execute("DELETE FROM warden.policy WHERE name LIKE 'it\\_%'");
    }

    @Test
    void anObservingPolicySignalsNothingAndAuditsItsDryRuns() throws Exception {
        policy("it_watch_idle", PolicyKind.IDLE_IN_TX.sql(), "observe", "obs-idle");
        policy("it_watch_slow", PolicyKind.LONG_RUNNING.sql(), "observe", "obs-slow");
        Victim idle = victim("obs-idle").idleInTransaction("SELECT 1");
        Victim slow = victim("obs-slow").start("SELECT pg_sleep(60)");
        idle.awaitAge("100 milliseconds");
        slow.awaitAge("100 milliseconds");

        List<ReportRow> report = client().backendReport(caller, EXCLUDE_IDLE);
        List<ActionRow> rows = client().enforce(caller, FOR_REAL);

        ActionRow idleRow = rowFor(rows, idle);
        assertEquals(Action.TERMINATE, idleRow.action());
        assertEquals(Outcome.DRY_RUN, idleRow.outcome());
        assertEquals("it_watch_idle", idleRow.policy());
        assertEquals(Action.CANCEL, rowFor(rows, slow).action());
        assertEquals(Outcome.DRY_RUN, rowFor(rows, slow).outcome());
        assertEquals("idle in transaction", idle.stateSeen());
        idle.assertUsable();
        assertTrue(slow.stillRunning());
        assertEquals(List.of("terminate/dry run"), audit(idle));
        assertEquals(List.of("it_watch_idle"), auditOf(idle, "policy"));
        assertEquals(List.of("cancel/dry run"), audit(slow));
        assertEquals("enforce() policy 'it_watch_idle' would terminate it now: idle in"
                + " transaction longer than 00:00:00.05; it only observes: enforce() signals"
                + " nothing and logs a dry run", reportRowFor(report, idle).advice());
    }

    @Test
    void aBackendAnObservingPolicySelectedIsStillActedOnByAnEnforcingOne() throws Exception {
        // By name the observing policy comes first, and would otherwise keep the backend.
        policy("it_a_watch", PolicyKind.IDLE_IN_TX.sql(), "observe", "obs-both");
        policy("it_b_arm", PolicyKind.IDLE_IN_TX.sql(), "enforce", "obs-both");
        Victim idle = victim("obs-both").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");

        List<ReportRow> report = client().backendReport(caller, EXCLUDE_IDLE);
        List<ActionRow> rows = client().enforce(caller, FOR_REAL);

        List<String> mine = rows.stream().filter(r -> r.pid() == idle.pid)
                .map(r -> r.policy() + " " + r.action().label() + "/" + r.outcomeText())
                .toList();
        assertEquals(List.of("it_a_watch terminate/dry run", "it_b_arm terminate/terminated"),
                mine);
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), idle.nextStatementSqlState());
        assertEquals(List.of("terminate/dry run", "terminate/terminated"), audit(idle));
        assertTrue(reportRowFor(report, idle).advice()
                .startsWith("enforce() policy 'it_b_arm' would terminate it now"),
                reportRowFor(report, idle).advice());
        assertTrue(!reportRowFor(report, idle).advice().contains("only observes"));
    }

    @Test
    void aDryRunOfEnforceStillAuditsNothing() throws Exception {
        policy("it_watch_dry", PolicyKind.IDLE_IN_TX.sql(), "observe", "obs-dry");
        Victim idle = victim("obs-dry").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");

        assertEquals(Outcome.DRY_RUN, rowFor(client().enforce(caller, DRY_RUN), idle).outcome());

        assertEquals(List.of(), audit(idle));
        idle.assertUsable();
    }

    @Test
    void anUnknownModeRefusesTheWholeRunBeforeAnySignal() throws Exception {
        // What a dropped CHECK, or a newer release's row, would leave behind: never taken
        // for enforce, nor for observe.
        Victim idle = victim("obs-unknown").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");
        policy("it_enforce_idle", PolicyKind.IDLE_IN_TX.sql(), "enforce", "obs-unknown");
        server.sql().execute("ALTER TABLE warden.policy DROP CONSTRAINT policy_mode_check");
        try {
            policy("it_future_mode", PolicyKind.IDLE_IN_TX.sql(), "audit-only", "obs-unknown");

            SQLException e = assertThrows(SQLException.class,
                    () -> client().enforce(caller, FOR_REAL));

            assertEquals(SqlState.INVALID_PARAMETER_VALUE.code(), e.getSQLState());
            assertTrue(e.getMessage().contains("invalid value for column \"mode\" of policy"
                    + " \"it_future_mode\": \"audit-only\""), e.getMessage());
            idle.assertUsable();
            assertEquals(List.of(), audit(idle));
        } finally {
            server.sql().execute("DELETE FROM warden.policy WHERE name = 'it_future_mode'");
            server.sql().installSchema();
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    /**
     * Adds an immediate policy in {@code mode} for the victims named {@code victim}; every
     * policy named it_% is deleted afterwards.
     */
    void policy(String name, String kind, String mode, String victim) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement("""
                INSERT INTO warden.policy (name, kind, threshold, mode, application_name)
                VALUES (?, ?, '50 milliseconds', ?, ?)""")) {
            ps.setString(1, name);
            ps.setString(2, kind);
            ps.setString(3, mode);
            ps.setString(4, Victims.APP_PREFIX + "-" + victim);
            ps.executeUpdate();
        }
    }
}
