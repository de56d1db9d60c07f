package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * end_long_transactions and policies of kind long_transaction, observed on a real server
 * through real victim sessions. Subclasses choose the way of calling them; both install
 * pgwarden's tables, so exemptions and the audit log apply.
 */
abstract class LongTransactionScenarios extends ScenarioBase {

    static final String THRESHOLD = "200 milliseconds";

    @AfterEach
    void dropPolicies() throws SQLException {
        server.sql().execute("DELETE FROM warden.policy WHERE name LIKE 'it\\_%'");
    }

    List<ActionRow> endTx(String threshold, String grace, WardenClient.DryRun dryRun)
            throws SQLException {
        return client().endLongTransactions(caller, threshold, grace, dryRun);
    }

    @Test
    void aLeakedTransactionKeptBusyByShortQueriesIsEndedWhereNoStateAgeWouldEndIt()
            throws Exception {
        String threshold = "1 second";
        try (LeakedTransaction leak = LeakedTransaction.start("leaked-long-tx", "SELECT 1")) {
            leak.awaitChecks(3);
            awaitTransactionAge(leak.pid, "1.2 seconds");

            // Every 50 ms a check moves query_start and state_change: no state lasts 1 s.
            assertTrue(client().reapIdleInTx(caller, threshold, FOR_REAL).stream()
                    .noneMatch(r -> r.pid() == leak.pid));
            assertTrue(client().cancelLongRunning(caller, threshold, ESCALATE, "1 second", FOR_REAL)
                    .stream().noneMatch(r -> r.pid() == leak.pid));
            assertEquals(null, leak.failure());

            ActionRow row = rowForPid(endTx(threshold, "1 second", FOR_REAL), leak.pid);

            if (row.action() == Action.CANCEL) {
                // Caught running a check: the cancel failed its block, whose next check then
                // fails too, a statement after the cancel (see SameTransaction).
                assertEquals(Outcome.CANCELLED, row.outcome());
                assertEquals(SqlState.QUERY_CANCELED.code(), leak.awaitFailure());
            } else {
                assertEquals(Action.TERMINATE, row.action());
                assertEquals(Outcome.TERMINATED, row.outcome());
                assertEquals(SqlState.ADMIN_SHUTDOWN.code(), leak.awaitFailure());
                assertEquals(0, activityCount("pid = " + leak.pid));
            }
        }
    }

    @Test
    void anIdleOrFailedTransactionIsTerminatedAndAudited() throws Exception {
        Victim idleTx = victim("tx-idle").idleInTransaction("SELECT 1");
        Victim failed = victim("tx-failed").abortedTransaction();
        Victim idle = victim("tx-none");
        idleTx.awaitAge(THRESHOLD);
        failed.awaitAge(THRESHOLD);
        idle.awaitAge(THRESHOLD);

        List<ActionRow> rows = endTx(THRESHOLD, "1 second", FOR_REAL);

        assertEquals(Outcome.TERMINATED, rowFor(rows, idleTx).outcome());
        assertEquals(Action.TERMINATE, rowFor(rows, idleTx).action());
        assertEquals(Outcome.TERMINATED, rowFor(rows, failed).outcome());
        assertTrue(rows.stream().noneMatch(r -> r.pid() == idle.pid), rows.toString());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), idleTx.nextStatementSqlState());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), failed.nextStatementSqlState());
        idle.assertUsable();
        assertEquals(List.of("terminate/terminated"), audit(idleTx));
        assertEquals(List.of("end_long_transactions"), auditOf(idleTx, "function"));
        assertEquals(List.of("terminate"), logLinesFor(idleTx, 1));
    }

    @Test
    void anActiveQueryInATransactionBlockIsCancelledThenTerminatedAfterGrace()
            throws Exception {
        Victim inBlock = victim("tx-block").idleInTransaction("SELECT 1");
        inBlock.start("SELECT pg_sleep(60)");
        inBlock.awaitAge(THRESHOLD);

        ActionRow row = rowFor(endTx(THRESHOLD, "300 milliseconds", FOR_REAL), inBlock);

        assertEquals(Action.TERMINATE, row.action());
        assertEquals(Outcome.TERMINATED, row.outcome());
        // The cancel failed the block, which PostgreSQL keeps open: the terminate ended it.
        assertEquals(SqlState.QUERY_CANCELED.code(), inBlock.awaitFailure());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), inBlock.nextStatementSqlState());
        assertEquals(List.of("cancel/still running", "terminate/terminated"), audit(inBlock));
    }

    @Test
    void aFastPathCallInATransactionBlockIsCancelledThenTerminatedAfterGrace()
            throws Exception {
        String locked = table("it_tx_fastpath");
        Victim fastPath = victim("tx-fastpath")
                .idleInTransaction("LOCK TABLE " + locked + " IN ACCESS EXCLUSIVE MODE");
        fastPath.startFastPathSleep(60);
        fastPath.awaitAge(THRESHOLD);
        assertEquals("fastpath function call", fastPath.stateSeen());

        ActionRow row = rowFor(endTx(THRESHOLD, "300 milliseconds", FOR_REAL), fastPath);

        assertEquals(Action.TERMINATE, row.action());
        assertEquals(Outcome.TERMINATED, row.outcome());
        // The cancel failed the call and with it the block: the terminate ended the block.
        assertEquals(SqlState.QUERY_CANCELED.code(), fastPath.awaitFailure());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), fastPath.nextStatementSqlState());
        assertEquals(0, activityCount("pid = " + fastPath.pid));
        assertEquals(List.of("cancel/still running", "terminate/terminated"), audit(fastPath));
    }

    @Test
    void aLongTransactionPolicyEndsAFastPathCallAsEndLongTransactionsDoes() throws Exception {
        policy("it_tx_fastpath", PolicyKind.LONG_TRANSACTION.sql(), THRESHOLD);
        // Nothing else is due: in the server, enforce()'s plain SQL question alone decides
        // whether Java runs at all.
        Victim fastPath = victim("tx-policy-fastpath").idleInTransaction("SELECT 1");
        fastPath.startFastPathSleep(60);
        fastPath.awaitAge(THRESHOLD);

        ActionRow row = rowFor(client().enforce(caller, FOR_REAL), fastPath);

        assertEquals("it_tx_fastpath", row.policy());
        assertEquals(Outcome.TERMINATED, row.outcome());
        assertEquals(SqlState.QUERY_CANCELED.code(), fastPath.awaitFailure());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), fastPath.nextStatementSqlState());
        assertEquals(List.of("cancel/still running", "terminate/terminated"), audit(fastPath));
    }

    @Test
    void aLongSingleStatementIsCancelledAndItsSessionLeftAlive() throws Exception {
        Victim single = victim("tx-single").start("SELECT pg_sleep(60)");
        single.awaitAge(THRESHOLD);

        ActionRow row = rowFor(endTx(THRESHOLD, "300 milliseconds", FOR_REAL), single);

        assertEquals(Action.CANCEL, row.action());
        assertEquals(Outcome.CANCELLED, row.outcome());
        assertEquals(SqlState.QUERY_CANCELED.code(), single.awaitFailure());
        single.assertUsable();
        assertEquals(List.of("cancel/cancelled"), audit(single));
    }

    @Test
    void anExemptSessionIsSkippedAndADryRunSignalsAndRecordsNothing() throws Exception {
        Victim dump = victimNamed("pg_dump").idleInTransaction("SELECT 1");
        Victim idleTx = victim("tx-dry").idleInTransaction("SELECT 1");
        dump.awaitAge(THRESHOLD);
        idleTx.awaitAge(THRESHOLD);

        List<ActionRow> dry = endTx(THRESHOLD, "1 second", DRY_RUN);

        assertEquals(Outcome.DRY_RUN, rowFor(dry, idleTx).outcome());
        assertEquals(Action.TERMINATE, rowFor(dry, idleTx).action());
        assertEquals(Outcome.EXEMPT, rowFor(dry, dump).outcome());
        idleTx.assertUsable();
        assertEquals(List.of(), audit(idleTx));

        idleTx.idleInTransaction("SELECT 1").awaitAge(THRESHOLD);
        List<ActionRow> rows = endTx(THRESHOLD, "1 second", FOR_REAL);

        assertEquals(Outcome.EXEMPT, rowFor(rows, dump).outcome());
        assertEquals(Outcome.TERMINATED, rowFor(rows, idleTx).outcome());
        dump.assertUsable();
        assertEquals(List.of("none/skipped: exempt"), auditOf(dump,
                "action || '/' || split_part(outcome, ' (', 1)"));
    }

    @Test
    void badArgumentsAreRefusedBeforeAnySignal() throws Exception {
        Victim idleTx = victim("tx-bad").idleInTransaction("SELECT 1");
        idleTx.awaitAge(THRESHOLD);
        WardenClient c = client();

        refused("threshold", "NULL", () -> c.endLongTransactions(caller, null, "1 s", FOR_REAL));
        refused("threshold", "\"00:00:00\"",
                () -> c.endLongTransactions(caller, "0", "1 s", FOR_REAL));
        refused("grace", "NULL", () -> c.endLongTransactions(caller, "1 ms", null, FOR_REAL));
        refused("grace", "\"00:11:00\"",
                () -> c.endLongTransactions(caller, "1 ms", "11 minutes", FOR_REAL));
        refused("grace", "\"-00:00:01\"",
                () -> c.endLongTransactions(caller, "1 ms", "-1 second", FOR_REAL));
        refused("dry_run", "NULL", () -> c.endLongTransactions(caller, "1 ms", "1 s", null));

        assertEquals("idle in transaction", idleTx.stateSeen());
        idleTx.assertUsable();
        assertEquals(List.of(), audit(idleTx));
    }

    @Test
    void aLongTransactionPolicyEndsWhatTheStatePoliciesLeaveAndComesAfterThem()
            throws Exception {
        policy("it_tx", PolicyKind.LONG_TRANSACTION.sql(), THRESHOLD);
        // Longer than any pause of the leak's checks: only it_tx may take the leak.
        policy("it_idle", PolicyKind.IDLE_IN_TX.sql(), "1 second");
        policy("it_slow", PolicyKind.LONG_RUNNING.sql(), "1 hour");
        Victim idleTx = victim("tx-policy-idle").idleInTransaction("SELECT 1");
        Victim inBlock = victim("tx-policy-block").idleInTransaction("SELECT 1");
        inBlock.start("SELECT pg_sleep(60)");
        idleTx.awaitAge("1 second");
        inBlock.awaitAge(THRESHOLD);

        assertTrue(reportRowFor(client().backendReport(caller, EXCLUDE_IDLE), inBlock).advice()
                .startsWith("enforce() policy 'it_tx' would cancel it now, and terminate it if"
                        + " it stays in that transaction: its transaction is open longer than"),
                "the report's advice");
        try (LeakedTransaction leak = LeakedTransaction.start("leaked-policy", "SELECT 1")) {
            leak.awaitChecks(3);
            awaitTransactionAge(leak.pid, "400 milliseconds");

            List<ActionRow> rows = client().enforce(caller, FOR_REAL);

            // Both kinds select the idle one: the state's own policy comes first.
            assertEquals("it_idle", rowFor(rows, idleTx).policy());
            assertEquals(Outcome.TERMINATED, rowFor(rows, idleTx).outcome());
            ActionRow block = rowFor(rows, inBlock);
            assertEquals("it_tx", block.policy());
            assertEquals(Outcome.TERMINATED, block.outcome());
            assertEquals(SqlState.QUERY_CANCELED.code(), inBlock.awaitFailure());
            ActionRow leaked = rowForPid(rows, leak.pid);
            assertEquals("it_tx", leaked.policy());
            assertTrue(leaked.outcome() == Outcome.TERMINATED
                    || leaked.outcome() == Outcome.CANCELLED, leaked.toString());
            leak.awaitFailure();
            assertEquals(List.of("end_long_transactions"), auditOf(inBlock, "function")
                    .stream().distinct().toList());
            assertEquals(List.of("it_tx"), auditOf(inBlock, "policy").stream().distinct()
                    .toList());
        }
    }

    @Test
    void anUnknownKindRefusesTheWholeRunBeforeAnySignal() throws Exception {
        // What a dropped CHECK, or a newer release's row, would leave behind.
        Victim idleTx = victim("tx-unknown").idleInTransaction("SELECT 1");
        idleTx.awaitAge(THRESHOLD);
        policy("it_idle", PolicyKind.IDLE_IN_TX.sql(), THRESHOLD);
        server.sql().execute("ALTER TABLE warden.policy DROP CONSTRAINT policy_kind_check");
        try {
            server.sql().execute("INSERT INTO warden.policy (name, kind, threshold)"
                    + " VALUES ('it_future', 'future_kind', '1 ms')");

            SQLException e = assertThrows(SQLException.class,
                    () -> client().enforce(caller, FOR_REAL));

            assertEquals(SqlState.INVALID_PARAMETER_VALUE.code(), e.getSQLState());
            assertTrue(e.getMessage().contains(
                    "invalid value for column \"kind\" of policy \"it_future\": \"future_kind\""),
                    e.getMessage());
            idleTx.assertUsable();
        } finally {
            server.sql().execute("DELETE FROM warden.policy WHERE name = 'it_future'");
            server.sql().installSchema();
        }
    }

    @Test
    void anUpgradeReplacesTheOldKindCheckAndKeepsThePolicies() throws Exception {
        server.sql().execute("ALTER TABLE warden.policy DROP CONSTRAINT policy_kind_check");
        server.sql().execute("ALTER TABLE warden.policy ADD CONSTRAINT policy_kind_check"
                + " CHECK (kind IN ('idle_in_tx', 'long_running', 'blockers'))");
        policy("it_kept", PolicyKind.IDLE_IN_TX.sql(), "1 hour");
        SQLException old = assertThrows(SQLException.class,
                () -> policy("it_tx", PolicyKind.LONG_TRANSACTION.sql(), "1 hour"));
        assertEquals("23514", old.getSQLState());

        server.sql().installSchema();
        server.sql().installSchema();

        policy("it_tx", PolicyKind.LONG_TRANSACTION.sql(), "1 hour");
        assertEquals("2", server.sql().queryString(
                "SELECT count(*) FROM warden.policy WHERE name IN ('it_kept', 'it_tx')"));
    }

    // ---- helpers ------------------------------------------------------------------------

    void policy(String name, String kind, String threshold) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement("INSERT INTO warden.policy"
                + " (name, kind, threshold, grace) VALUES (?, ?, ?::interval, '1 second')")) {
            ps.setString(1, name);
            ps.setString(2, kind);
            ps.setString(3, threshold);
            ps.executeUpdate();
        }
    }

    static ActionRow rowForPid(List<ActionRow> rows, int pid) {
        List<ActionRow> matching = rows.stream().filter(r -> r.pid() == pid).toList();
        assertEquals(1, matching.size(), "rows for pid " + pid + " in " + rows);
        return matching.get(0);
    }

    /** Waits until the backend's transaction is older than {@code age}. */
    void awaitTransactionAge(int pid, String age) {
        Poll.until("the transaction of pid " + pid + " to be older than " + age,
                Duration.ofSeconds(20), () -> {
                    try (Connection c = server.connect(); PreparedStatement ps =
                            c.prepareStatement("SELECT clock_timestamp() - xact_start"
                                    + " > ?::interval FROM pg_stat_activity WHERE pid = ?")) {
                        ps.setString(1, age);
                        ps.setInt(2, pid);
                        try (ResultSet rs = ps.executeQuery()) {
                            return rs.next() && rs.getBoolean(1);
                        }
                    }
                });
    }
}
