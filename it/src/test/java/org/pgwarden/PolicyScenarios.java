package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.Blocking.ONLY_BLOCKING;
import static org.pgwarden.WardenClient.DryRun.DRY_RUN;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Escalation.CANCEL_ONLY;
import static org.pgwarden.WardenClient.Escalation.ESCALATE;
import static org.pgwarden.WardenClient.Idle.EXCLUDE_IDLE;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exemptions, the audit log, lock-blocker resolution and policies, each observed on a real
 * server through real victim sessions. Subclasses choose the way of calling them.
 */
abstract class PolicyScenarios extends ScenarioBase {

    @AfterEach
    void dropPolicies() throws SQLException {
        server.sql().execute("DELETE FROM warden.policy WHERE name LIKE 'it\\_%'");
    }

    // ---- exemptions ---------------------------------------------------------------------

    @Test
    void anExemptSessionSurvivesEveryFunctionUntilItsExemptionGoes() throws Exception {
        String table = table("warden_it_dump_lock");
        Victim dump = victimNamed("pg_dump")
                .idleInTransaction("LOCK TABLE " + table + " IN ACCESS SHARE MODE");
        Victim dumpQuery = victimNamed("pg_dump 2").start("SELECT pg_sleep(60)");
        Victim waiter = victim("dump-waiter").start(
                "DO $$ BEGIN LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE; END $$");
        awaitLockWait(waiter);
        waiter.awaitAge("100 milliseconds");
        dump.awaitAge("100 milliseconds");
        dumpQuery.awaitAge("100 milliseconds");
        policy("it_idle", PolicyKind.IDLE_IN_TX.sql(), "50 milliseconds", CANCEL_ONLY, "pg_dump%");

        List<ActionRow> rows = new ArrayList<>(
                client().terminateBlockers(caller, "50 milliseconds", "1 second", FOR_REAL));
        rows.addAll(reap("50 milliseconds"));
        rows.addAll(client().enforce(caller, FOR_REAL));
        ReportRow reported = reportRowFor(client().backendReport(caller, EXCLUDE_IDLE), dump);
        rows.addAll(cancel("50 milliseconds", ESCALATE, "1 second", FOR_REAL));

        for (ActionRow row : rows) {
            if (row.pid() == dump.pid || row.pid() == dumpQuery.pid) {
                assertEquals(Action.NONE, row.action(), row.toString());
                assertEquals(Outcome.EXEMPT, row.outcome(), row.toString());
                assertEquals("backup: pg_dump", row.exemption());
            }
        }
        assertEquals(3, rows.stream().filter(r -> r.pid() == dump.pid).count(), rows::toString);
        assertEquals(1, rows.stream().filter(r -> r.pid() == dumpQuery.pid).count());
        assertTrue(dumpQuery.stillRunning());
        assertEquals("idle in transaction", dump.stateSeen());
        assertEquals("backup: pg_dump", reported.exemption());
        assertTrue(reported.advice().startsWith("none: exempt (backup: pg_dump)"),
                reported.advice());
        // cancel_long_running, which knows no exemption for it, cancelled the lock waiter
        assertEquals(SqlState.QUERY_CANCELED.code(), waiter.awaitFailure());

        server.sql().execute("UPDATE warden.exemption SET application_name = 'pg_dump-off'"
                + " WHERE name = 'pg_dump'");
        try {
            ActionRow row = rowFor(reap("50 milliseconds"), dump);
            assertEquals(Outcome.TERMINATED, row.outcome());
            assertEquals(SqlState.ADMIN_SHUTDOWN.code(), dump.nextStatementSqlState());
        } finally {
            server.sql().execute("UPDATE warden.exemption SET application_name = NULL"
                    + " WHERE name = 'pg_dump'");
        }
    }

    @Test
    void aDryRunHoldsOffNoRealRun() throws Exception {
        // A DBA trials a policy with a dry-run watcher beside pg_cron's real runs.
        policy("it_dry_lock", PolicyKind.IDLE_IN_TX.sql(), "50 milliseconds", CANCEL_ONLY,
                Victims.APP_PREFIX + "-dry-lock%");
        Victim idle = victim("dry-lock").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");
        try (Connection trial = server.connect()) {
            trial.setAutoCommit(false);
            assertEquals(Outcome.DRY_RUN, rowFor(client().enforce(trial, DRY_RUN), idle).outcome());

            // The trial's transaction is still open: a dry run signals nothing, and must not
            // keep the lock that makes a real run skip.
            ActionRow real = rowFor(client().enforce(caller, FOR_REAL), idle);

            assertEquals(Outcome.TERMINATED, real.outcome());
            trial.rollback();
        }
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), idle.nextStatementSqlState());
    }

    @Test
    void operatorsMayReadTheExemptionsAndPoliciesButNotChangeThem() throws Exception {
        String operator = role("warden_it_reader");
        client().grantOperator(caller, operator);
        try (Connection asOperator = server.connect(operator, PASSWORD, "pgwarden-it-read");
                Statement st = asOperator.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT count(*) FROM warden.exemption"
                    + " WHERE name = 'pg_dump'")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
            st.executeQuery("SELECT count(*) FROM warden.policy").close();
            for (String change : List.of(
                    "DELETE FROM warden.exemption",
                    "INSERT INTO warden.exemption (name, note) VALUES ('it_mine', 'x')",
                    "INSERT INTO warden.policy (name, kind, threshold)"
                            + " VALUES ('it_mine', 'idle_in_tx', '1 minute')",
                    "DELETE FROM warden.action_log")) {
                SQLException e = assertThrows(SQLException.class, () -> st.execute(change));
                assertEquals(SqlState.INSUFFICIENT_PRIVILEGE.code(), e.getSQLState(), change);
            }
        }
    }

    // ---- the audit log ------------------------------------------------------------------

    @Test
    void theAuditLogAgreesOneToOneWithWhatTheVictimsSaw() throws Exception {
        String operator = role("warden_it_auditor");
        String app = role("warden_it_audited");
        server.sql().execute("DELETE FROM warden.action_log WHERE caller = '" + operator + "'");
        client().grantOperator(caller, operator);
        Victim superuserTx = victim("audit-superuser-tx").idleInTransaction("SELECT 1");
        Victim otherTx = victim(app, "audit-other-tx").idleInTransaction("SELECT 1");
        Victim stubborn = victim(app, "audit-stubborn").start(IGNORES_CANCEL);
        Victim dump = victimNamed("pg_dump").idleInTransaction("SELECT 1");
        for (Victim v : List.of(superuserTx, otherTx, stubborn, dump)) {
            v.awaitAge("100 milliseconds");
        }
        client().reapIdleInTx(caller, "50 milliseconds", DRY_RUN);

        try (Connection asOperator = server.connect(operator, PASSWORD, "pgwarden-it-audit")) {
            client().reapIdleInTx(asOperator, "50 milliseconds", FOR_REAL);
            client().cancelLongRunning(asOperator, "50 milliseconds", ESCALATE, "300 milliseconds",
                    FOR_REAL);
        }

        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), otherTx.nextStatementSqlState());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), stubborn.awaitFailure());
        superuserTx.assertUsable();
        dump.assertUsable();
        assertEquals(List.of("none/skipped: not permitted"), audit(superuserTx));
        assertEquals(List.of("terminate/terminated"), audit(otherTx));
        assertEquals(List.of("cancel/still running", "terminate/terminated"), audit(stubborn));
        assertEquals(List.of("none/skipped: exempt (backup: pg_dump)"), audit(dump));
        assertEquals(0, scalar("SELECT count(*) FROM warden.action_log WHERE caller = '"
                + server.superuser + "' AND pid IN (" + superuserTx.pid + ", " + otherTx.pid
                + ", " + dump.pid + ")"), "a dry run signals and skips nothing");
        assertEquals(List.of("terminate"), logLinesFor(otherTx, 1));
        assertEquals(List.of("cancel", "terminate"), logLinesFor(stubborn, 2));
        assertEquals(2, scalar("""
                SELECT count(DISTINCT run_id) FROM warden.action_log
                WHERE caller = 'warden_it_auditor'"""), "one run id per call");
        assertEquals(5, scalar("""
                SELECT count(*) FROM warden.action_log WHERE caller = 'warden_it_auditor'"""));
    }

    @Test
    void purgeLogTrimsTheAuditLogByAgeForItsOwnerOnly() throws Exception {
        server.sql().execute("""
                INSERT INTO warden.action_log (logged_at, run_id, function, pid, action,
                    outcome, application_name)
                SELECT clock_timestamp() - age, gen_random_uuid(), 'test', 1, 'none', 'gone',
                    'it-purge'
                FROM (VALUES (interval '3 days'), (interval '2 days'), (interval '1 hour'))
                    AS ages (age)""");
        String operator = role("warden_it_purger");
        client().grantOperator(caller, operator);

        try (Statement st = caller.createStatement();
                ResultSet rs = st.executeQuery("SELECT warden.purge_log('1 day')")) {
            rs.next();
            assertTrue(rs.getLong(1) >= 2);
        }
        assertEquals(1, scalar("SELECT count(*) FROM warden.action_log"
                + " WHERE application_name = 'it-purge'"));
        refused("older_than", "NULL", () -> purgeLog(caller, null));
        refused("older_than", "\"-1 days\"", () -> purgeLog(caller, "-1 day"));
        try (Connection asOperator = server.connect(operator, PASSWORD, "pgwarden-it-purge")) {
            SQLException e = assertThrows(SQLException.class,
                    () -> purgeLog(asOperator, "1 second"));
            assertEquals(SqlState.INSUFFICIENT_PRIVILEGE.code(), e.getSQLState());
        }
        server.sql().execute("DELETE FROM warden.action_log WHERE application_name = 'it-purge'");
    }

    // ---- lock blockers ------------------------------------------------------------------

    @Test
    void terminateBlockersActsOnTheRootOfAChainAlone() throws Exception {
        String first = table("warden_it_chain_a");
        String second = table("warden_it_chain_b");
        Victim a = victim("chain-a")
                .idleInTransaction("LOCK TABLE " + first + " IN ACCESS EXCLUSIVE MODE");
        Victim b = victim("chain-b").start("DO $$ BEGIN"
                + " LOCK TABLE " + second + " IN ACCESS EXCLUSIVE MODE;"
                + " LOCK TABLE " + first + " IN ACCESS EXCLUSIVE MODE; END $$");
        awaitLockWait(b);
        Victim c = victim("chain-c").start("SELECT count(*) FROM " + second);
        awaitLockWait(c);
        c.awaitAge("100 milliseconds");

        List<ActionRow> rows = client().terminateBlockers(caller, "50 milliseconds",
                "1 second", FOR_REAL);

        ActionRow root = rowFor(rows, a);
        assertEquals(Action.TERMINATE, root.action());
        assertEquals(Outcome.TERMINATED, root.outcome());
        assertEquals(2, root.blockedCount());
        assertEquals(List.of(Math.min(b.pid, c.pid), Math.max(b.pid, c.pid)),
                root.waitingPids());
        assertTrue(rows.stream().noneMatch(r -> r.pid() == b.pid || r.pid() == c.pid));
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), a.nextStatementSqlState());
        b.awaitSuccess();
        c.awaitSuccess();
        assertEquals(List.of("terminate/terminated"), audit(a));
        assertEquals(List.of(), logLinesFor(b, 0));
    }

    @Test
    void anActiveRootThatIgnoresTheCancelIsTerminated() throws Exception {
        String table = table("warden_it_active_root");
        Victim root = victim("active-root").start("DO $$ BEGIN"
                + " LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE;"
                + " LOOP BEGIN PERFORM pg_sleep(0.05);"
                + " EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; END $$");
        Poll.until("the root to hold its lock", Duration.ofSeconds(20), () -> scalar(
                "SELECT count(*) FROM pg_locks WHERE granted AND relation = '" + table
                        + "'::regclass AND pid = " + root.pid) == 1);
        Victim waiter = victim("active-root-waiter").start("SELECT count(*) FROM " + table);
        awaitLockWait(waiter);
        waiter.awaitAge("100 milliseconds");

        ActionRow row = rowFor(client().terminateBlockers(caller, "50 milliseconds",
                "300 milliseconds", FOR_REAL), root);

        assertEquals(Action.TERMINATE, row.action());
        assertEquals(Outcome.TERMINATED, row.outcome());
        assertEquals(List.of(waiter.pid), row.waitingPids());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), root.awaitFailure());
        waiter.awaitSuccess();
        assertEquals(List.of("cancel/still running", "terminate/terminated"), audit(root));
    }

    @Test
    void terminateBlockersWaitsForMinWaitAndADryRunSignalsNothing() throws Exception {
        String table = table("warden_it_young_wait");
        Victim holder = victim("young-holder")
                .idleInTransaction("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        Victim waiter = victim("young-waiter").start("SELECT count(*) FROM " + table);
        awaitLockWait(waiter);
        waiter.awaitAge("100 milliseconds");

        assertTrue(client().terminateBlockers(caller, "1 hour", "1 second", FOR_REAL).stream()
                .noneMatch(r -> r.pid() == holder.pid));
        ActionRow dry = rowFor(client().terminateBlockers(caller, "50 milliseconds",
                "1 second", DRY_RUN), holder);

        assertEquals(Action.TERMINATE, dry.action());
        assertEquals(Outcome.DRY_RUN, dry.outcome());
        assertEquals("idle in transaction", holder.stateSeen());
        assertEquals("Lock", waitEventType(waiter));
    }

    @Test
    void reapOnlyBlockingSparesIdleTransactionsThatBlockNobody() throws Exception {
        String table = table("warden_it_only_blocking");
        Victim holder = victim("blocking-tx")
                .idleInTransaction("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        Victim harmless = victim("harmless-tx").idleInTransaction("SELECT 1");
        Victim waiter = victim("blocked-waiter").start("SELECT count(*) FROM " + table);
        awaitLockWait(waiter);
        harmless.awaitAge("100 milliseconds");

        List<ActionRow> rows =
                client().reapIdleInTx(caller, "50 milliseconds", FOR_REAL, ONLY_BLOCKING);

        assertEquals(Outcome.TERMINATED, rowFor(rows, holder).outcome());
        assertTrue(rows.stream().noneMatch(r -> r.pid() == harmless.pid));
        waiter.awaitSuccess();
        harmless.assertUsable();
    }

    // ---- policies -----------------------------------------------------------------------

    @Test
    void enforceAppliesEachEnabledPolicyAsItWouldAlone() throws Exception {
        String table = table("warden_it_enforce");
        policy("it_roots", PolicyKind.BLOCKERS.sql(), "50 milliseconds", CANCEL_ONLY,
                Victims.APP_PREFIX + "-enf-%");
        policy("it_idle", PolicyKind.IDLE_IN_TX.sql(), "50 milliseconds", CANCEL_ONLY,
                Victims.APP_PREFIX + "-enf-%");
        policy("it_slow", PolicyKind.LONG_RUNNING.sql(), "50 milliseconds", CANCEL_ONLY,
                Victims.APP_PREFIX + "-enf-sleeper");
        policy("it_off", PolicyKind.IDLE_IN_TX.sql(), "1 millisecond", CANCEL_ONLY, "%");
        server.sql().execute("UPDATE warden.policy SET enabled = false WHERE name = 'it_off'");
        Victim root = victim("enf-root")
                .idleInTransaction("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        Victim waiter = victim("enf-waiter").start("SELECT count(*) FROM " + table);
        Victim idleTx = victim("enf-idle").idleInTransaction("SELECT 1");
        Victim sleeper = victim("enf-sleeper").start("SELECT pg_sleep(60)");
        Victim bystander = victim("bystander-tx").idleInTransaction("SELECT 1");
        awaitLockWait(waiter);
        for (Victim v : List.of(waiter, idleTx, sleeper, bystander)) {
            v.awaitAge("100 milliseconds");
        }

        List<ActionRow> rows = client().enforce(caller, FOR_REAL);

        assertEquals("it_roots", rowFor(rows, root).policy());
        assertEquals(Outcome.TERMINATED, rowFor(rows, root).outcome());
        assertEquals(1, rowFor(rows, root).blockedCount());
        assertEquals("it_idle", rowFor(rows, idleTx).policy());
        assertEquals(Outcome.TERMINATED, rowFor(rows, idleTx).outcome());
        assertEquals("it_slow", rowFor(rows, sleeper).policy());
        assertEquals(Outcome.CANCELLED, rowFor(rows, sleeper).outcome());
        assertTrue(rows.stream().noneMatch(r -> r.pid() == waiter.pid
                || r.pid() == bystander.pid));
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), root.nextStatementSqlState());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), idleTx.nextStatementSqlState());
        assertEquals(SqlState.QUERY_CANCELED.code(), sleeper.awaitFailure());
        sleeper.assertUsable();
        waiter.awaitSuccess();
        bystander.assertUsable();
        assertEquals(1, scalar("SELECT count(DISTINCT run_id) FROM warden.action_log"
                + " WHERE policy IN ('it_roots', 'it_idle', 'it_slow')"
                + " AND pid IN (" + root.pid + ", " + idleTx.pid + ", " + sleeper.pid + ")"));
    }

    @Test
    void twoOverlappingEnforceRunsNeverSignalOneBackendTwice() throws Exception {
        policy("it_slow", PolicyKind.LONG_RUNNING.sql(), "50 milliseconds", CANCEL_ONLY,
                Victims.APP_PREFIX + "-enf-stubborn");
        server.sql().execute("UPDATE warden.policy SET grace = '3 seconds' WHERE name = 'it_slow'");
        Victim stubborn = victim("enf-stubborn").start(IGNORES_CANCEL);
        stubborn.awaitAge("100 milliseconds");

        List<ActionRow> second;
        CompletableFuture<List<ActionRow>> first;
        try (Connection other = server.connect()) {
            int firstPid = pidOf(other);
            first = CompletableFuture.supplyAsync(() -> {
                try {
                    return client().enforce(other, FOR_REAL);
                } catch (SQLException e) {
                    throw new Victim.RuntimeSqlException(e);
                }
            });
            Poll.until("the first enforce() to hold its lock", Duration.ofSeconds(20),
                    () -> scalar("SELECT count(*) FROM warden.enforce_lock AS e"
                            + " JOIN pg_locks AS l ON l.locktype = 'transactionid'"
                            + " AND l.transactionid = e.xmax AND l.granted"
                            + " AND l.pid = " + firstPid) == 1);

            second = client().enforce(caller, FOR_REAL);

            assertEquals(Outcome.STILL_RUNNING,
                    rowFor(first.get(30, TimeUnit.SECONDS), stubborn).outcome());
            assertTrue(serverLogContains("pgwarden: enforce skipped: another enforce() run"
                    + " (pid " + firstPid + ") is applying the policies"));
        }
        assertEquals(List.of(), second);
        assertEquals(List.of("cancel/still running"), audit(stubborn));
        assertEquals(List.of("cancel"), logLinesFor(stubborn, 1));
    }

    @Test
    void theReportShowsBlockingExemptionsAndWhatThePoliciesWouldDo() throws Exception {
        String table = table("warden_it_report_policy");
        policy("it_idle", PolicyKind.IDLE_IN_TX.sql(), "1 hour", CANCEL_ONLY,
                Victims.APP_PREFIX + "-report-%");
        Victim holder = victim("report-holder")
                .idleInTransaction("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        Victim waiter = victim("report-waiter").start("SELECT count(*) FROM " + table);
        Victim dump = victimNamed("pg_dump").idleInTransaction("SELECT 1");
        awaitLockWait(waiter);

        List<ReportRow> report = client().backendReport(caller, EXCLUDE_IDLE);

        ReportRow held = reportRowFor(report, holder);
        assertEquals(1, held.blocking());
        assertEquals("enforce() policy 'it_idle' would terminate it once idle in transaction"
                + " longer than 01:00:00; blocks 1 session(s)", held.advice());
        assertEquals(List.of(holder.pid), reportRowFor(report, waiter).blockedBy());
        assertEquals("backup: pg_dump", reportRowFor(report, dump).exemption());
        assertEquals("none: exempt (backup: pg_dump)", reportRowFor(report, dump).advice());
    }

    @Test
    void badInputToTheNewFunctionsIsRefusedWith22023AndSignalsNobody() throws Exception {
        String table = table("warden_it_bad_input");
        Victim holder = victim("bad-holder")
                .idleInTransaction("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        Victim waiter = victim("bad-waiter").start("SELECT count(*) FROM " + table);
        awaitLockWait(waiter);
        waiter.awaitAge("100 milliseconds");
        WardenClient c = client();

        refused("min_wait", "NULL", () -> c.terminateBlockers(caller, null, "1 s", FOR_REAL));
        refused("min_wait", "\"00:00:00\"",
                () -> c.terminateBlockers(caller, "0", "1 s", FOR_REAL));
        refused("min_wait", "\"-00:00:01\"",
                () -> c.terminateBlockers(caller, "-1 second", "1 s", FOR_REAL));
        refused("grace", "NULL", () -> c.terminateBlockers(caller, "1 ms", null, FOR_REAL));
        refused("grace", "\"-00:00:01\"",
                () -> c.terminateBlockers(caller, "1 ms", "-1 second", FOR_REAL));
        refused("grace", "\"00:11:00\"",
                () -> c.terminateBlockers(caller, "1 ms", "11 minutes", FOR_REAL));
        refused("dry_run", "NULL", () -> c.terminateBlockers(caller, "1 ms", "1 s", null));
        refused("only_blocking", "NULL", () -> c.reapIdleInTx(caller, "1 ms", FOR_REAL, null));
        refused("dry_run", "NULL", () -> c.enforce(caller, null));

        assertEquals("idle in transaction", holder.stateSeen());
        assertEquals("Lock", waitEventType(waiter));
        assertEquals(List.of(), audit(holder));
    }

    // ---- helpers ------------------------------------------------------------------------

    List<ActionRow> reap(String threshold) throws SQLException {
        return client().reapIdleInTx(caller, threshold, FOR_REAL);
    }

    /**
     * Adds a policy for this test, for the sessions whose application_name is LIKE
     * {@code applicationNameLike}; every policy named it_% is deleted afterwards.
     */
    void policy(String name, String kind, String threshold, WardenClient.Escalation escalate,
            String applicationNameLike) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement("""
                INSERT INTO warden.policy (name, kind, threshold, escalate,
                    application_name_like)
                VALUES (?, ?, ?::interval, ?, ?)""")) {
            ps.setString(1, name);
            ps.setString(2, kind);
            ps.setString(3, threshold);
            ps.setBoolean(4, escalate.on());
            ps.setString(5, applicationNameLike);
            ps.executeUpdate();
        }
    }


    static long purgeLog(Connection caller, String olderThan) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement(
                "SELECT warden.purge_log(?::interval)")) {
            ps.setString(1, olderThan);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    void awaitLockWait(Victim v) {
        Poll.until("pid " + v.pid + " to wait for a lock", Duration.ofSeconds(20),
                () -> waitEventType(v).equals("Lock"));
    }

    boolean serverLogContains(String text) throws Exception {
        Poll.until("the server log to say: " + text, Duration.ofSeconds(10),
                () -> server.sql().serverLog().contains(text));
        return true;
    }
}
