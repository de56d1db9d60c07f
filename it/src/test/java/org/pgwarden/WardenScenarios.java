package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.DryRun.DRY_RUN;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Escalation.CANCEL_ONLY;
import static org.pgwarden.WardenClient.Escalation.ESCALATE;
import static org.pgwarden.WardenClient.Idle.EXCLUDE_IDLE;
import static org.pgwarden.WardenClient.Idle.INCLUDE_IDLE;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * The rules of cancel_long_running, reap_idle_in_tx and backend_report, each observed on a
 * real server through real victim sessions. Subclasses choose the way of calling them.
 */
abstract class WardenScenarios extends ScenarioBase {

    // ---- cancel_long_running ------------------------------------------------------------

    @Test
    void cancelStopsTheQueryAndKeepsTheConnection() throws Exception {
        Victim sleeper = victim("sleeper").start("SELECT pg_sleep(60)");
        sleeper.awaitAge("100 milliseconds");

        List<ActionRow> rows = cancel("50 milliseconds", CANCEL_ONLY, "5 seconds", FOR_REAL);

        ActionRow row = rowFor(rows, sleeper);
        assertEquals(Action.CANCEL, row.action());
        assertEquals(Outcome.CANCELLED, row.outcome());
        assertEquals("SELECT pg_sleep(60)", row.queryPreview());
        assertEquals(SqlState.QUERY_CANCELED.code(), sleeper.awaitFailure());
        sleeper.assertUsable();
    }

    @Test
    void aSessionThatHonoursTheCancelIsNeverEscalated() throws Exception {
        Victim sleeper = victim("honours-cancel").start("SELECT pg_sleep(60)");
        sleeper.awaitAge("100 milliseconds");

        ActionRow row = rowFor(cancel("50 milliseconds", ESCALATE, "5 seconds", FOR_REAL), sleeper);

        assertEquals(Action.CANCEL, row.action());
        assertEquals(Outcome.CANCELLED, row.outcome());
        assertEquals(SqlState.QUERY_CANCELED.code(), sleeper.awaitFailure());
        sleeper.assertUsable();
        assertEquals(List.of("cancel"), logLinesFor(sleeper, 1));
    }

    @Test
    void aSessionThatIgnoresTheCancelIsTerminatedWhenEscalating() throws Exception {
        Victim stubborn = victim("ignores-cancel").start(IGNORES_CANCEL);
        stubborn.awaitAge("100 milliseconds");

        ActionRow row = rowFor(cancel("50 milliseconds", ESCALATE, "500 milliseconds", FOR_REAL),
                stubborn);

        assertEquals(Action.TERMINATE, row.action());
        assertEquals(Outcome.TERMINATED, row.outcome());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), stubborn.awaitFailure());
        assertFalse(stubborn.backendExists());
        assertEquals(List.of("cancel", "terminate"), logLinesFor(stubborn, 2));
    }

    @Test
    void aSessionThatIgnoresTheCancelIsStillRunningWithoutEscalation() throws Exception {
        Victim stubborn = victim("ignores-cancel").start(IGNORES_CANCEL);
        stubborn.awaitAge("100 milliseconds");

        ActionRow row = rowFor(cancel("50 milliseconds", CANCEL_ONLY, "300 milliseconds", FOR_REAL),
                stubborn);

        assertEquals(Action.CANCEL, row.action());
        assertEquals(Outcome.STILL_RUNNING, row.outcome());
        assertTrue(stubborn.stillRunning());
        assertEquals("active", stubborn.stateSeen());
        assertEquals(1, swallowedCancels(stubborn), "the cancel reached it and was ignored");
        assertEquals(List.of("cancel"), logLinesFor(stubborn, 1));
    }

    @Test
    void aCallInsideATransactionSeesSessionsThatStartedAfterItsFirstLook() throws Exception {
        caller.setAutoCommit(false);
        try {
            try (Statement st = caller.createStatement();
                    ResultSet rs = st.executeQuery("SELECT count(*) FROM pg_stat_activity")) {
                rs.next();
            }
            Victim sleeper = victim("after-first-look").start("SELECT pg_sleep(60)");
            sleeper.awaitAge("100 milliseconds");

            ActionRow row = rowFor(cancel("50 milliseconds", CANCEL_ONLY, "5 seconds", FOR_REAL),
                    sleeper);

            assertEquals(Outcome.CANCELLED, row.outcome());
            assertEquals(SqlState.QUERY_CANCELED.code(), sleeper.awaitFailure());
        } finally {
            caller.rollback();
            caller.setAutoCommit(true);
        }
    }

    @Test
    void aParallelQueryThatBlocksOneSessionIsReportedAsBlockingOne() throws Exception {
        String table = table("warden_it_parallel_lock");
        server.sql().execute("INSERT INTO " + table + " VALUES (1)");
        Victim leader = victim("parallel-blocker");
        leader.execute("SET parallel_setup_cost = 0");
        leader.execute("SET " + (server.version().isAtLeast(16)
                ? "debug_parallel_query" : "force_parallel_mode") + " = on");
        // The worker scans the table, so it holds a lock on it as well as its leader.
        leader.start("SELECT count(*) FROM " + table + " WHERE pg_sleep(60) IS NOT NULL");
        Poll.until("a parallel worker", Duration.ofSeconds(20),
                () -> activityCount("backend_type = 'parallel worker' AND leader_pid = "
                        + leader.pid) >= 1);
        Victim waiter = victim("parallel-waiter")
                .start("TRUNCATE " + table);
        Poll.until("the waiter to wait for the lock", Duration.ofSeconds(20),
                () -> waitEventType(waiter).equals("Lock"));

        List<ReportRow> report = client().backendReport(caller, EXCLUDE_IDLE);

        // pg_blocking_pids names the leader once for itself and once for its worker.
        assertTrue(reportRowFor(report, waiter).blockedBy().stream()
                .allMatch(pid -> pid == leader.pid), reportRowFor(report, waiter).toString());
        ReportRow blocker = reportRowFor(report, leader);
        assertEquals(1, blocker.blocking(), blocker.toString());
        assertTrue(blocker.advice().endsWith("; blocks 1 session(s)"), blocker.advice());
    }

    @Test
    void aLockWaiterIsCancelledAtOnceAndTheReportNamesItsBlocker() throws Exception {
        String table = table("warden_it_lock");
        Victim holder = victim("lock-holder")
                .idleInTransaction("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        Victim waiter = victim("lock-waiter").start("SELECT count(*) FROM " + table);
        Poll.until("the waiter to wait for the lock", Duration.ofSeconds(20),
                () -> waitEventType(waiter).equals("Lock"));
        waiter.awaitAge("100 milliseconds");

        List<ReportRow> report = client().backendReport(caller, EXCLUDE_IDLE);
        ReportRow waiting = reportRowFor(report, waiter);
        assertEquals(List.of(holder.pid), waiting.blockedBy());
        assertTrue(waiting.advice().contains("waits for a lock held by pid " + holder.pid),
                waiting.advice());
        assertTrue(reportRowFor(report, holder).advice().endsWith("blocks 1 session(s)"),
                reportRowFor(report, holder).advice());

        List<ActionRow> rows = cancel("50 milliseconds", CANCEL_ONLY, "5 seconds", FOR_REAL);

        assertEquals(Outcome.CANCELLED, rowFor(rows, waiter).outcome());
        assertEquals(SqlState.QUERY_CANCELED.code(), waiter.awaitFailure());
        assertTrue(rows.stream().noneMatch(r -> r.pid() == holder.pid),
                "an idle-in-transaction holder has no query to cancel");
        assertEquals("idle in transaction", holder.stateSeen());
    }

    @Test
    void aDryRunCancelsNothing() throws Exception {
        Victim sleeper = victim("dry-run-sleeper").start("SELECT pg_sleep(60)");
        sleeper.awaitAge("100 milliseconds");

        ActionRow row = rowFor(cancel("50 milliseconds", ESCALATE, "1 second", DRY_RUN), sleeper);

        assertEquals(Action.CANCEL, row.action());
        assertEquals(Outcome.DRY_RUN, row.outcome());
        assertTrue(sleeper.stillRunning());
        assertEquals("active", sleeper.stateSeen());
    }

    // ---- reap_idle_in_tx ----------------------------------------------------------------

    @Test
    void reapTerminatesIdleAndAbortedTransactionsOnly() throws Exception {
        Victim idleTx = victim("idle-tx").idleInTransaction("SELECT 1");
        Victim aborted = victim("aborted-tx").abortedTransaction();
        Victim idle = victim("idle");
        Victim sleeper = victim("reap-sleeper").start("SELECT pg_sleep(60)");
        idleTx.awaitAge("100 milliseconds");
        aborted.awaitAge("100 milliseconds");

        List<ActionRow> rows = client().reapIdleInTx(caller, "50 milliseconds", FOR_REAL);

        for (Victim v : List.of(idleTx, aborted)) {
            ActionRow row = rowFor(rows, v);
            assertEquals(Action.TERMINATE, row.action());
            assertEquals(Outcome.TERMINATED, row.outcome());
            assertEquals(SqlState.ADMIN_SHUTDOWN.code(), v.nextStatementSqlState());
        }
        assertEquals("idle in transaction (aborted)", rowFor(rows, aborted).state());
        assertTrue(rows.stream().noneMatch(r -> r.pid() == idle.pid || r.pid() == sleeper.pid));
        idle.assertUsable();
        assertTrue(sleeper.stillRunning());
        assertEquals(List.of("terminate"), logLinesFor(idleTx, 1));
    }

    @Test
    void reapRespectsTheThreshold() throws Exception {
        Victim idleTx = victim("young-tx").idleInTransaction("SELECT 1");

        List<ActionRow> rows = client().reapIdleInTx(caller, "1 hour", FOR_REAL);

        assertTrue(rows.stream().noneMatch(r -> r.pid() == idleTx.pid));
        idleTx.assertUsable();
    }

    @Test
    void aDryRunReapsNothing() throws Exception {
        Victim idleTx = victim("dry-run-tx").idleInTransaction("SELECT 1");
        idleTx.awaitAge("100 milliseconds");

        ActionRow row = rowFor(client().reapIdleInTx(caller, "50 milliseconds", DRY_RUN), idleTx);

        assertEquals(Action.TERMINATE, row.action());
        assertEquals(Outcome.DRY_RUN, row.outcome());
        idleTx.conn.commit();
        idleTx.assertUsable();
    }

    @Test
    void manyIdleTransactionsAreTerminatedAndAwaitedTogether() throws Exception {
        List<Victim> idle = new ArrayList<>();
        for (int i = 0; i < 150; i++) {
            idle.add(victim("bulk-" + i).idleInTransaction("SELECT 1"));
        }
        idle.get(idle.size() - 1).awaitAge("100 milliseconds");
        // A session's first PL/Java call starts a JVM in it: keep that out of the figure.
        client().backendReport(caller, EXCLUDE_IDLE);

        long started = System.nanoTime();
        List<ActionRow> rows = client().reapIdleInTx(caller, "50 milliseconds", FOR_REAL);
        long millis = (System.nanoTime() - started) / 1_000_000;

        System.out.println("[pgwarden-it] " + getClass().getSimpleName() + ": reaped "
                + rows.size() + " idle-in-transaction sessions in one call, " + millis + " ms");
        for (Victim v : idle) {
            assertEquals(Outcome.TERMINATED, rowFor(rows, v).outcome());
            assertEquals(SqlState.ADMIN_SHUTDOWN.code(), v.nextStatementSqlState());
        }
    }

    // ---- rules for both -----------------------------------------------------------------

    @Test
    void onlyClientBackendsOtherThanTheCallerAreEverSignalled() throws Exception {
        // A streaming walsender is active with a query (START_REPLICATION) as old as the
        // stream: the threshold of a microsecond takes it in, were it a client backend.
        try (Walsender walsender = Walsender.start(server, "rule1-walsender")) {
            Victim leader = victim("parallel-leader");
            String forceParallel = server.version().isAtLeast(16)
                    ? "debug_parallel_query" : "force_parallel_mode";
            leader.execute("SET parallel_setup_cost = 0");
            leader.execute("SET " + forceParallel + " = on");
            leader.start("SELECT pg_sleep(60)");
            Poll.until("a parallel worker", Duration.ofSeconds(20),
                    () -> activityCount("backend_type = 'parallel worker' AND leader_pid = "
                            + leader.pid) >= 1);
            Victim idleTx = victim("rule1-tx").idleInTransaction("SELECT 1");
            idleTx.awaitAge("10 milliseconds");
            Map<Integer, String> others = processes("backend_type <> 'client backend'");
            Set<Integer> clients = processes("backend_type = 'client backend'").keySet();
            int callerPid = pidOf(caller);
            assertTrue(others.getOrDefault(walsender.pid, "").startsWith("walsender"),
                    "the walsender " + walsender.pid + " is not among " + others);

            List<ActionRow> rows = new ArrayList<>(
                    cancel("1 microsecond", ESCALATE, "2 seconds", FOR_REAL));
            rows.addAll(client().reapIdleInTx(caller, "1 microsecond", FOR_REAL));

            for (ActionRow row : rows) {
                assertTrue(clients.contains(row.pid()), "signalled a non-client: " + row);
                assertTrue(row.pid() != callerPid, "signalled the caller's own backend");
            }
            assertEquals(Outcome.CANCELLED, rowFor(rows, leader).outcome());
            assertEquals(Outcome.TERMINATED, rowFor(rows, idleTx).outcome());
            walsender.assertStillStreaming();
            Map<Integer, String> after = processes("backend_type <> 'client backend'");
            others.forEach((pid, identity) -> {
                // parallel workers end with their leader's query; autovacuum workers come
                // and go on their own
                if (!identity.startsWith("parallel worker")
                        && !identity.startsWith("autovacuum worker")) {
                    assertEquals(identity, after.get(pid), "process " + pid + " was lost");
                }
            });
            try (Statement st = caller.createStatement()) {
                st.execute("SELECT 1");
            }
        }
    }

    @Test
    void aSuperusersSessionIsSkippedForAnOperatorAndTheBatchGoesOn() throws Exception {
        String operator = role("warden_it_operator");
        String app = role("warden_it_app");
        client().grantOperator(caller, operator);
        Victim superuserTx = victim("superuser-tx").idleInTransaction("SELECT 1");
        Victim otherTx = victim(app, "other-user-tx").idleInTransaction("SELECT 1");
        Victim superuserSleeper = victim("superuser-sleeper").start("SELECT pg_sleep(60)");
        Victim otherSleeper = victim(app, "other-user-sleeper").start("SELECT pg_sleep(60)");
        for (Victim v : List.of(superuserTx, otherTx, superuserSleeper, otherSleeper)) {
            v.awaitAge("100 milliseconds");
        }

        List<ActionRow> rows;
        try (Connection asOperator = server.connect(operator, PASSWORD, "pgwarden-it-op")) {
            rows = new ArrayList<>(client().reapIdleInTx(asOperator, "50 milliseconds", FOR_REAL));
            rows.addAll(client().cancelLongRunning(asOperator, "50 milliseconds", ESCALATE,
                    "5 seconds", FOR_REAL));
        }

        for (Victim v : List.of(superuserTx, superuserSleeper)) {
            assertEquals(Action.NONE, rowFor(rows, v).action());
            assertEquals(Outcome.NOT_PERMITTED, rowFor(rows, v).outcome());
        }
        superuserTx.assertUsable();
        assertTrue(superuserSleeper.stillRunning());
        assertEquals(Outcome.TERMINATED, rowFor(rows, otherTx).outcome());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), otherTx.nextStatementSqlState());
        assertEquals(Outcome.CANCELLED, rowFor(rows, otherSleeper).outcome());
        assertEquals(SqlState.QUERY_CANCELED.code(), otherSleeper.awaitFailure());
    }

    @Test
    void badInputIsRefusedWith22023AndSignalsNobody() throws Exception {
        Victim idleTx = victim("bad-input-tx").idleInTransaction("SELECT 1");
        Victim sleeper = victim("bad-input-sleeper").start("SELECT pg_sleep(60)");
        idleTx.awaitAge("100 milliseconds");
        sleeper.awaitAge("100 milliseconds");

        refused("threshold", "NULL", () -> cancel(null, CANCEL_ONLY, "5 seconds", FOR_REAL));
        refused("threshold", "\"00:00:00\"", () -> cancel("0", CANCEL_ONLY, "5 seconds", FOR_REAL));
        refused("threshold", "\"-00:05:00\"",
                () -> cancel("-5 minutes", ESCALATE, "1 s", FOR_REAL));
        refused("grace", "NULL", () -> cancel("1 ms", ESCALATE, null, FOR_REAL));
        refused("grace", "\"-00:00:01\"", () -> cancel("1 ms", ESCALATE, "-1 second", FOR_REAL));
        refused("grace", "\"00:11:00\"", () -> cancel("1 ms", ESCALATE, "11 minutes", FOR_REAL));
        refused("escalate", "NULL", () -> cancel("1 ms", null, "1 second", FOR_REAL));
        refused("dry_run", "NULL", () -> cancel("1 ms", CANCEL_ONLY, "1 second", null));
        refused("threshold", "NULL", () -> client().reapIdleInTx(caller, null, FOR_REAL));
        refused("threshold", "\"00:00:00\"", () -> client().reapIdleInTx(caller, "0", FOR_REAL));
        refused("threshold", "\"-01:00:00\"",
                () -> client().reapIdleInTx(caller, "-1 hour", FOR_REAL));
        refused("dry_run", "NULL", () -> client().reapIdleInTx(caller, "1 ms", null));
        refused("include_idle", "NULL", () -> client().backendReport(caller, null));

        assertTrue(sleeper.stillRunning());
        assertEquals("active", sleeper.stateSeen());
        idleTx.assertUsable();
        assertEquals(List.of(), logLinesFor(sleeper, 0));
    }

    // ---- backend_report -----------------------------------------------------------------

    @Test
    void theReportShowsOtherClientBackendsLongestQueryFirst() throws Exception {
        Victim idleTx = victim("report-tx").idleInTransaction("SELECT 1");
        Victim sleeper = victim("report-sleeper").start("SELECT pg_sleep(60)");
        Victim idle = victim("report-idle");
        sleeper.awaitAge("10 milliseconds");

        List<ReportRow> active = client().backendReport(caller, EXCLUDE_IDLE);

        int callerPid = pidOf(caller);
        assertTrue(active.stream().noneMatch(r -> r.pid() == callerPid));
        assertTrue(active.stream().noneMatch(r -> r.pid() == idle.pid));
        List<Integer> order = active.stream().map(ReportRow::pid)
                .filter(p -> p == idleTx.pid || p == sleeper.pid).toList();
        assertEquals(List.of(idleTx.pid, sleeper.pid), order);
        ReportRow sleeping = reportRowFor(active, sleeper);
        assertEquals("active", sleeping.state());
        assertEquals("client backend", sleeping.backendType());
        assertEquals(TestServer.DATABASE, sleeping.datname());
        assertEquals(sleeper.applicationName, sleeping.applicationName());
        assertEquals("SELECT pg_sleep(60)", sleeping.queryPreview());
        assertEquals("127.0.0.1", sleeping.clientAddr());
        for (String age : List.of(sleeping.backendAge(), sleeping.xactAge(),
                sleeping.queryAge(), sleeping.stateAge())) {
            assertNotNull(age);
        }
        assertTrue(sleeping.advice().startsWith("cancel_long_running would cancel it"),
                sleeping.advice());
        assertTrue(reportRowFor(active, idleTx).advice()
                .startsWith("reap_idle_in_tx would terminate it"));

        List<ReportRow> all = client().backendReport(caller, INCLUDE_IDLE);
        assertEquals("none: idle", reportRowFor(all, idle).advice());
        assertEquals("idle", reportRowFor(all, idle).state());
    }

    @Test
    void theQueryPreviewIsTheFirstHundredCharacters() throws Exception {
        String sql = "SELECT pg_sleep(60) /* " + "x".repeat(200) + " */";
        Victim sleeper = victim("long-query").start(sql);

        ReportRow row = reportRowFor(client().backendReport(caller, EXCLUDE_IDLE), sleeper);

        assertEquals(sql.substring(0, 100), row.queryPreview());
    }
}
