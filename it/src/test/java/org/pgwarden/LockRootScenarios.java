package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.DryRun.DRY_RUN;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
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
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Lock roots that cannot or must not be signalled (prepared transactions, sessions whose
 * waiters stay blocked by such a root, non-client backends, the caller's own session) are
 * reported, never passed over in silence or signalled in vain; and a root is still the same
 * target while it keeps its transaction, however its state and query move. Observed on real
 * sessions: whether the waiter proceeds, what the root's session gets, the audit log, the
 * report's advice. Subclasses choose the way of calling pgwarden.
 */
abstract class LockRootScenarios extends ScenarioBase {

    /**
     * A prepared transaction's gid with a quote, a backslash, a tab and a right-to-left
     * override, which would show the rest of a line reversed.
     */
    static final String NASTY_GID = "it_o'brien \\ \"x\"\tend\u202egnp";

    /**
     * Opens the connection a client uses for the root of a lock wait, with this
     * application_name: directly, or through a connection pooler.
     */
    @FunctionalInterface
    interface RootConnections {
        Connection open(String applicationName) throws SQLException;
    }

    /** When the test began, by the server's clock: the audit rows it wrote come after. */
    private String started;

    @BeforeEach
    void needPreparedTransactions() throws SQLException {
        try (Statement st = caller.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting("
                        + "'max_prepared_transactions')::integer, clock_timestamp()::text")) {
            rs.next();
            started = rs.getString(2);
            Assumptions.assumeTrue(rs.getInt(1) > 0,
                    "the server allows no prepared transactions (max_prepared_transactions)");
        }
    }

    @AfterEach
    void rollBackPreparedAndDropPolicies() throws SQLException {
        List<String> rollbacks = new ArrayList<>();
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 'ROLLBACK PREPARED '"
                    + " || quote_literal(gid) FROM pg_prepared_xacts"
                    + " WHERE gid LIKE 'it\\_%' AND database = current_database()")) {
                while (rs.next()) {
                    rollbacks.add(rs.getString(1));
                }
            }
            for (String rollback : rollbacks) {
                st.execute(rollback);
            }
            st.execute("DELETE FROM warden.policy WHERE name LIKE 'it\\_%'");
        }
    }

    // ---- prepared transactions --------------------------------------------------------

    @Test
    void aPreparedTransactionAtTheRootIsNamedWithWhatEndsIt() throws Exception {
        String table = table("warden_it_prepared_root");
        prepare("INSERT INTO " + table + " VALUES (1)", literal(NASTY_GID));
        Victim waiter = victim("behind-prepared").start(lockExclusively(table));
        awaitLockWait(waiter);
        waiter.awaitAge("100 milliseconds");

        ReportRow reported = reportRowFor(client().backendReport(caller, EXCLUDE_IDLE), waiter);
        List<ActionRow> rows = client().terminateBlockers(caller, "50 milliseconds",
                "1 second", FOR_REAL);

        String gid = literal(NASTY_GID);
        assertEquals(List.of(0), reported.blockedBy());
        assertTrue(reported.advice().contains("; waits for prepared transaction " + gid
                + " (owner " + server.superuser + ", database " + TestServer.DATABASE
                + ", prepared 00:00:"), reported.advice());
        assertTrue(reported.advice().endsWith(" ago): ROLLBACK PREPARED " + gid
                + " or COMMIT PREPARED releases it"), reported.advice());
        ActionRow row = preparedRow(rows);
        assertEquals(Action.NONE, row.action());
        assertEquals(Outcome.PREPARED_TRANSACTION, row.outcome());
        assertEquals(gid, row.detail());
        assertEquals("skipped: prepared transaction " + gid
                + ", needs ROLLBACK PREPARED or COMMIT PREPARED", row.outcomeText());
        assertEquals("prepared", row.state());
        assertEquals(server.superuser, row.usename());
        assertEquals(TestServer.DATABASE, row.datname());
        assertEquals(List.of(waiter.pid), row.waitingPids());
        assertEquals(1, row.blockedCount());
        assertEquals(List.of("none/" + row.outcomeText()), audit(0, null));
        assertEquals("Lock", waitEventType(waiter));

        // The literal the row names ends the prepared transaction, and the wait with it.
        server.sql().execute("ROLLBACK PREPARED " + row.detail());
        waiter.awaitSuccess();
    }

    @Test
    void aSessionSharingItsLockWithAPreparedTransactionIsNotTerminated() throws Exception {
        String table = table("warden_it_prepared_share");
        prepare("LOCK TABLE " + table + " IN ACCESS SHARE MODE", "'it_shared'");
        Victim holder = victim("shares-with-prepared")
                .idleInTransaction("LOCK TABLE " + table + " IN ACCESS SHARE MODE");
        Victim waiter = victim("waits-for-both").start(lockExclusively(table));
        awaitLockWait(waiter);
        waiter.awaitAge("100 milliseconds");
        policy("it_roots", "50 milliseconds");

        ActionRow dry = rowFor(client().terminateBlockers(caller, "50 milliseconds",
                "1 second", DRY_RUN), holder);
        List<ActionRow> rows = client().terminateBlockers(caller, "50 milliseconds",
                "1 second", FOR_REAL);
        List<ActionRow> enforced = client().enforce(caller, FOR_REAL);

        String stays = "skipped: the waiters stay blocked by prepared transaction 'it_shared'";
        for (ActionRow row : List.of(dry, rowFor(rows, holder), rowFor(enforced, holder))) {
            assertEquals(Action.NONE, row.action(), row.toString());
            assertEquals(Outcome.WAITERS_STAY_BLOCKED, row.outcome(), row.toString());
            assertEquals(stays, row.outcomeText());
            assertEquals(List.of(waiter.pid), row.waitingPids());
        }
        assertEquals(Outcome.PREPARED_TRANSACTION, preparedRow(rows).outcome());
        assertEquals("it_roots", preparedRow(enforced).policy());
        assertEquals("it_roots", rowFor(enforced, holder).policy());
        assertEquals(List.of("none/" + stays, "none/" + stays), audit(holder));
        assertEquals("idle in transaction", holder.stateSeen());
        assertEquals("Lock", waitEventType(waiter));
        holder.assertUsable();
    }

    @Test
    void aRootThatFreesOneWaiterIsTerminatedThoughAnotherStaysBlocked() throws Exception {
        String shared = table("warden_it_free_one_shared");
        String own = table("warden_it_free_one_own");
        prepare("LOCK TABLE " + shared + " IN ACCESS SHARE MODE", "'it_free_one'");
        Victim holder = victim("frees-one").idleInTransaction("LOCK TABLE " + shared
                + " IN ACCESS SHARE MODE; LOCK TABLE " + own + " IN ACCESS EXCLUSIVE MODE");
        Victim stuck = victim("stays-stuck").start(lockExclusively(shared));
        Victim freed = victim("gets-freed").start("SELECT count(*) FROM " + own);
        awaitLockWait(stuck);
        awaitLockWait(freed);
        freed.awaitAge("100 milliseconds");

        List<ActionRow> rows = client().terminateBlockers(caller, "50 milliseconds",
                "1 second", FOR_REAL);

        ActionRow root = rowFor(rows, holder);
        assertEquals(Outcome.TERMINATED, root.outcome());
        assertEquals(List.of(Math.min(stuck.pid, freed.pid), Math.max(stuck.pid, freed.pid)),
                root.waitingPids());
        assertEquals(List.of(stuck.pid), preparedRow(rows).waitingPids());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), holder.nextStatementSqlState());
        freed.awaitSuccess();
        assertEquals("Lock", waitEventType(stuck));
    }

    // ---- when a wait began: pg_locks.waitstart exists from PostgreSQL 14 ---------------

    @Test
    void from14AWaitCountsFromWhenTheLockWaitBegan() throws Exception {
        assumeMinimumServerVersion(14, "pg_locks.waitstart");
        Victim holder = holderOfALateWait("late-wait-14");

        List<ActionRow> rows = client().terminateBlockers(caller, LATE_WAIT_MIN_WAIT,
                "1 second", FOR_REAL);

        assertTrue(rows.stream().noneMatch(r -> r.pid() == holder.pid),
                "a wait that began just now counted from its query's start: " + rows);
        assertEquals("idle in transaction", holder.stateSeen());
    }

    @Test
    void before14AWaitCountsFromItsQueryStart() throws Exception {
        assumeServerVersionBefore(14, "no pg_locks.waitstart: the query's start is the"
                + " earliest the wait can have begun");
        Victim holder = holderOfALateWait("late-wait-13");

        List<ActionRow> rows = client().terminateBlockers(caller, LATE_WAIT_MIN_WAIT,
                "1 second", FOR_REAL);

        assertEquals(Outcome.TERMINATED, rowFor(rows, holder).outcome());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), holder.nextStatementSqlState());
    }

    /** Shorter than the waiter's statement has run, much longer than its lock wait. */
    private static final String LATE_WAIT_MIN_WAIT = "3 seconds";

    /**
     * The holder of a lock whose waiter's statement ran 4 s before it began to wait for it:
     * its wait has just begun, its query is 4 s old.
     */
    private Victim holderOfALateWait(String name) throws Exception {
        String table = table("warden_it_" + name.replace('-', '_'));
        Victim holder = victim(name + "-holder").idleInTransaction(
                "LOCK TABLE " + table + " IN ACCESS SHARE MODE");
        Victim waiter = victim(name + "-waiter").start("DO $$ BEGIN PERFORM pg_sleep(4);"
                + " LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE; END $$");
        awaitLockWait(waiter);
        return holder;
    }

    // ---- roots that stay -------------------------------------------------------------

    @Test
    void aSessionSharingItsLockWithAnExemptSessionIsNotTerminated() throws Exception {
        String table = table("warden_it_exempt_share");
        Victim dump = victimNamed("pg_dump")
                .idleInTransaction("LOCK TABLE " + table + " IN ACCESS SHARE MODE");
        Victim holder = victim("shares-with-dump")
                .idleInTransaction("LOCK TABLE " + table + " IN ACCESS SHARE MODE");
        Victim waiter = victim("waits-for-dump").start(lockExclusively(table));
        awaitLockWait(waiter);
        waiter.awaitAge("100 milliseconds");

        List<ActionRow> rows = client().terminateBlockers(caller, "50 milliseconds",
                "1 second", FOR_REAL);

        assertEquals(Outcome.EXEMPT, rowFor(rows, dump).outcome());
        ActionRow row = rowFor(rows, holder);
        assertEquals(Action.NONE, row.action());
        assertEquals("skipped: the waiters stay blocked by pid " + dump.pid + " (exempt)",
                row.outcomeText());
        assertEquals(List.of("none/" + row.outcomeText()), audit(holder));
        assertEquals("idle in transaction", holder.stateSeen());
        assertEquals("Lock", waitEventType(waiter));
    }

    @Test
    void anOperatorIsToldOfASuperusersRootAndSparesTheSessionsSharingItsLock()
            throws Exception {
        String operator = role("warden_it_root_operator");
        client().grantOperator(caller, operator);
        String table = table("warden_it_superuser_share");
        server.sql().execute("GRANT ALL ON " + table + " TO " + operator);
        Victim superuser = victim("superuser-root")
                .idleInTransaction("LOCK TABLE " + table + " IN ACCESS SHARE MODE");
        Victim holder = victim(operator, "operator-root")
                .idleInTransaction("LOCK TABLE " + table + " IN ACCESS SHARE MODE");
        Victim waiter = victim("waits-for-superuser").start(lockExclusively(table));
        awaitLockWait(waiter);
        waiter.awaitAge("100 milliseconds");

        List<ActionRow> rows;
        try (Connection asOperator = server.connect(operator, PASSWORD, "pgwarden-it-op")) {
            rows = client().terminateBlockers(asOperator, "50 milliseconds", "1 second",
                    FOR_REAL);
        }

        assertEquals(Outcome.NOT_PERMITTED, rowFor(rows, superuser).outcome());
        assertEquals("skipped: the waiters stay blocked by pid " + superuser.pid
                + " (not permitted)", rowFor(rows, holder).outcomeText());
        assertEquals("idle in transaction", holder.stateSeen());
        assertEquals("Lock", waitEventType(waiter));
    }

    @Test
    void aWalsenderAtTheRootIsReportedAndNotSignalled() throws Exception {
        String table = table("warden_it_walsender_root");
        try (Connection walsender = walsender("walsender-root")) {
            walsender.setAutoCommit(false);
            try (Statement st = walsender.createStatement()) {
                st.execute("LOCK TABLE " + table + " IN ACCESS SHARE MODE");
            }
            int pid = pidOf(walsender);
            Victim waiter = victim("waits-for-walsender").start(lockExclusively(table));
            awaitLockWait(waiter);
            waiter.awaitAge("100 milliseconds");

            List<ActionRow> rows = client().terminateBlockers(caller, "50 milliseconds",
                    "1 second", FOR_REAL);

            ActionRow row = rows.stream().filter(r -> r.pid() == pid).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for pid " + pid + ": " + rows));
            assertEquals(Action.NONE, row.action());
            assertEquals("skipped: not a client backend (walsender)", row.outcomeText());
            assertEquals(List.of(waiter.pid), row.waitingPids());
            assertEquals("Lock", waitEventType(waiter));
            assertEquals(pid, pidOf(walsender), "the walsender lives on");
            walsender.rollback();
            waiter.awaitSuccess();
        }
    }

    @Test
    void theCallersOwnSessionAtTheRootIsReported() throws Exception {
        String table = table("warden_it_own_root");
        caller.setAutoCommit(false);
        try {
            try (Statement st = caller.createStatement()) {
                st.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            }
            int own = pidOf(caller);
            Victim waiter = victim("waits-for-caller").start("SELECT count(*) FROM " + table);
            awaitLockWait(waiter);
            waiter.awaitAge("100 milliseconds");

            List<ActionRow> rows = client().terminateBlockers(caller, "50 milliseconds",
                    "1 second", FOR_REAL);

            ActionRow row = rows.stream().filter(r -> r.pid() == own).findFirst()
                    .orElseThrow(() -> new AssertionError("no row for the caller: " + rows));
            assertEquals(Action.NONE, row.action());
            assertEquals(Outcome.OWN_SESSION, row.outcome());
            assertEquals(List.of(waiter.pid), row.waitingPids());
            assertEquals("Lock", waitEventType(waiter));
            caller.rollback();
            waiter.awaitSuccess();
        } finally {
            caller.rollback();
            caller.setAutoCommit(true);
        }
    }

    // ---- the identity of a root ------------------------------------------------------

    @Test
    void aLeakedTransactionThatKeepsRunningHealthChecksIsStillTheRoot() throws Exception {
        aPoolKeepsUsingALeakedTransaction(
                app -> server.connect(server.superuser, server.password, app));
    }

    @Test
    void aLeakedTransactionBehindPgbouncerIsStillTheRoot() throws Exception {
        // A real pgbouncer in transaction pooling mode: the client's transaction pins one
        // server backend, whose query_start and state_change the pool's checks keep moving.
        Pooler pooler = Pooler.get();
        aPoolKeepsUsingALeakedTransaction(
                app -> pooler.connect(server.superuser, server.password, app));
    }

    /**
     * A pool that leaked a transaction holding a lock keeps using its connection for
     * health checks: query_start and state_change move every 50 ms, the state flips between
     * active and idle in transaction, but the transaction and its lock stay. terminate_blockers
     * must still resolve the wait: the waiter proceeds and the root's session is terminated
     * (57P01), or cancelled (57014) if it was caught running a check. Several rounds, since
     * each is a race between the checks and the signal.
     */
    void aPoolKeepsUsingALeakedTransaction(RootConnections roots) throws Exception {
        String table = table("warden_it_pooled_root");
        for (int round = 1; round <= 8; round++) {
            String app = Victims.APP_PREFIX + "-pooled-root-" + round;
            try (Connection root = roots.open(app)) {
                root.setAutoCommit(false);
                try (Statement st = root.createStatement()) {
                    st.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
                }
                int pid = pidOf(root);
                HealthChecks checks = HealthChecks.start(root);
                Victim waiter = victim("pooled-waiter-" + round)
                        .start("SELECT count(*) FROM " + table);
                awaitLockWait(waiter);
                waiter.awaitAge("100 milliseconds");
                checks.awaitRuns(3);

                List<ActionRow> rows = client().terminateBlockers(caller, "50 milliseconds",
                        "1 second", FOR_REAL);

                ActionRow row = rows.stream().filter(r -> r.pid() == pid).findFirst()
                        .orElseThrow(() -> new AssertionError("no row for " + pid + rows));
                if (row.action() == Action.CANCEL) {
                    assertEquals(Outcome.CANCELLED, row.outcome(), "round " + round);
                    assertEquals(SqlState.QUERY_CANCELED.code(), checks.awaitFailure());
                } else {
                    assertEquals(Action.TERMINATE, row.action(), "round " + round);
                    assertEquals(Outcome.TERMINATED, row.outcome(), "round " + round);
                    assertEquals(SqlState.ADMIN_SHUTDOWN.code(), checks.awaitFailure());
                }
                waiter.awaitSuccess();
            }
        }
    }

    /** A client's health checks, SELECT 1 every 50 ms, until one fails. */
    static final class HealthChecks {

        private final AtomicInteger runs = new AtomicInteger();
        private CompletableFuture<String> failure;

        static HealthChecks start(Connection conn) {
            HealthChecks checks = new HealthChecks();
            checks.failure = CompletableFuture.supplyAsync(() -> {
                try (Statement st = conn.createStatement()) {
                    while (true) {
                        st.execute("SELECT 1");
                        checks.runs.incrementAndGet();
                        Thread.sleep(50);
                    }
                } catch (SQLException e) {
                    return e.getSQLState();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return null;
                }
            }, runnable -> {
                Thread t = new Thread(runnable, "health-checks");
                t.setDaemon(true);
                t.start();
            });
            return checks;
        }

        void awaitRuns(int count) {
            Poll.until(count + " health checks", Duration.ofSeconds(10),
                    () -> runs.get() >= count);
        }

        /** The SQLSTATE of the first check that failed. */
        String awaitFailure() throws Exception {
            return failure.get(30, TimeUnit.SECONDS);
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    /** Runs {@code sql} in a transaction of its own and prepares it as {@code gidLiteral}. */
    void prepare(String sql, String gidLiteral) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute("BEGIN");
            st.execute(sql);
            st.execute("PREPARE TRANSACTION " + gidLiteral);
        }
    }

    /**
     * A literal of {@code text} as the report writes it, written independently of the code
     * under test: plain, or {@code U&'...' UESCAPE '!'} with the first of the escape
     * characters that the text does not hold (else {@code !}, doubled) and each backslash,
     * double quote, control or invisible character written through it. For texts whose
     * invisible characters are ones {@link Escape} escapes.
     */
    static String literal(String text) {
        if (text.codePoints().noneMatch(LockRootScenarios::escaped)) {
            return "'" + text.replace("'", "''") + "'";
        }
        String escape = List.of("!", "#", "&", "*", "/", "<", ">", "@", "^", "_", "|", "~")
                .stream().filter(e -> !text.contains(e)).findFirst().orElse("!");
        StringBuilder out = new StringBuilder("U&'");
        text.codePoints().forEach(cp -> {
            if (escape.equals(Character.toString(cp))) {
                out.append(escape).append(escape);
            } else if (cp == '\'') {
                out.append("''");
            } else if (escaped(cp)) {
                out.append(escape).append(cp > 0xffff ? String.format("+%06X", cp)
                        : String.format("%04X", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.append("' UESCAPE '").append(escape).append('\'').toString();
    }

    /** What a literal writes through its escape character, among the texts tests use. */
    static boolean escaped(int cp) {
        return cp == '\\' || cp == '"' || Escape.escaped(cp);
    }

    static String lockExclusively(String table) {
        return "DO $$ BEGIN LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE; END $$";
    }

    static ActionRow preparedRow(List<ActionRow> rows) {
        List<ActionRow> prepared = rows.stream().filter(r -> r.pid() == 0).toList();
        assertEquals(1, prepared.size(), "rows for a prepared transaction in " + rows);
        assertNull(prepared.get(0).backendStart());
        return prepared.get(0);
    }

    void awaitLockWait(Victim v) {
        Poll.until("pid " + v.pid + " to wait for a lock", Duration.ofSeconds(20),
                () -> waitEventType(v).equals("Lock"));
    }

    void policy(String name, String minWait) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement("INSERT INTO warden.policy"
                + " (name, kind, threshold) VALUES (?, 'blockers', ?::interval)")) {
            ps.setString(1, name);
            ps.setString(2, minWait);
            ps.executeUpdate();
        }
    }

    List<String> audit(Victim v) throws SQLException {
        return audit(v.pid, v.applicationName);
    }

    /**
     * "action/outcome" of the audit rows this test wrote for a pid (and application), oldest
     * first.
     */
    List<String> audit(int pid, String applicationName) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (PreparedStatement ps = caller.prepareStatement("""
                SELECT action || '/' || outcome FROM warden.action_log
                WHERE pid = ? AND application_name IS NOT DISTINCT FROM ?
                  AND logged_at >= ?::timestamptz
                ORDER BY id""")) {
            ps.setInt(1, pid);
            ps.setString(2, applicationName);
            ps.setString(3, started);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }

    /** A walsender that takes SQL: a logical replication connection (replication=database). */
    Connection walsender(String name) throws SQLException {
        try {
            return Walsender.connect(server, name, "database");
        } catch (SQLException e) {
            return Assumptions.abort("no replication connection to the test server: " + e);
        }
    }
}
