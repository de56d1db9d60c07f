package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.Idle.INCLUDE_IDLE;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * warden.horizon_report on real holders of the xmin horizon: a logical slot nobody reads, a
 * prepared transaction, a session holding an old snapshot, a standby's feedback through its
 * physical slot. Each holds a distinct xid (the tests consume xids in between), so the order
 * is observable; the advice is followed and the holder observed gone. Subclasses choose the
 * way of calling pgwarden.
 */
abstract class HorizonScenarios extends ScenarioBase {

    static final String LOGICAL_SLOT = "it_horizon_logical";

    @BeforeEach
    void needPreparedTransactions() throws SQLException {
        Assumptions.assumeTrue(Integer.parseInt(setting("max_prepared_transactions")) > 0,
                "the server allows no prepared transactions (max_prepared_transactions)");
    }

    @AfterEach
    void rollBackPreparedAndDropSlots() throws SQLException {
        List<String> commands = new ArrayList<>();
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT 'ROLLBACK PREPARED '"
                    + " || quote_literal(gid) FROM pg_prepared_xacts"
                    + " WHERE gid LIKE 'it\\_%' AND database = current_database()"
                    + " UNION ALL SELECT 'SELECT pg_drop_replication_slot('"
                    + " || quote_literal(slot_name) || ')' FROM pg_replication_slots"
                    + " WHERE slot_name LIKE 'it\\_horizon%' AND NOT active")) {
                while (rs.next()) {
                    commands.add(rs.getString(1));
                }
            }
            for (String command : commands) {
                st.execute(command);
            }
            st.execute("DELETE FROM warden.exemption WHERE name LIKE 'it\\_horizon%'");
        }
    }

    @Test
    void aLogicalSlotAnOldSnapshotAndAPreparedTransactionAreListedOldestFirst()
            throws Exception {
        Assumptions.assumeTrue("logical".equals(setting("wal_level")),
                "a logical slot needs wal_level = logical");
        // First: creating a logical slot waits for every transaction with an xid to end,
        // a prepared one included.
        execute("SELECT pg_create_logical_replication_slot('" + LOGICAL_SLOT + "', 'pgoutput')");
        consumeXids();
        String table = table("warden_it_horizon");
        Victim snapshot = victim("horizon-snapshot").idleInTransaction(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM " + table);
        Victim idle = victim("horizon-idle");
        consumeXids();
        // Prepared after the snapshot: a snapshot taken while it runs would have its xid as
        // xmin, and the two would tie.
        String gid = LockRootScenarios.literal(LockRootScenarios.NASTY_GID);
        prepare(gid);
        consumeXids();

        List<HorizonRow> rows = client().horizonReport(caller);
        List<ReportRow> report = client().backendReport(caller, INCLUDE_IDLE);

        HorizonRow slot = only(rows, r -> r.holder().endsWith("slot")
                && LOGICAL_SLOT.equals(r.name()));
        HorizonRow held = only(rows, r -> Objects.equals(r.pid(), snapshot.pid));
        HorizonRow prepared = only(rows, r -> r.holder().equals("prepared transaction")
                && LockRootScenarios.NASTY_GID.equals(r.name()));
        assertTrue(rows.indexOf(slot) < rows.indexOf(held)
                && rows.indexOf(held) < rows.indexOf(prepared), rows.toString());
        assertTrue(slot.xidAge() > held.xidAge() && held.xidAge() > prepared.xidAge(),
                rows.toString());
        for (int i = 1; i < rows.size(); i++) {
            assertTrue(rows.get(i - 1).xidAge() >= rows.get(i).xidAge(), rows.toString());
        }

        assertEquals("logical replication slot", slot.holder());
        assertEquals("catalog_xmin", slot.xidKind());
        assertEquals("inactive", slot.state());
        assertEquals("pgoutput", slot.plugin());
        assertEquals(TestServer.DATABASE, slot.datname());
        assertNull(slot.pid());
        if (server.version().isAtLeast(17)) {
            assertNotNull(slot.heldSince(), "inactive_since from PostgreSQL 17 on");
        } else {
            assertNull(slot.heldSince());
        }
        assertEquals("no consumer reads it: SELECT pg_drop_replication_slot('" + LOGICAL_SLOT
                + "') in database '" + TestServer.DATABASE + "' releases it, if nothing will"
                + " read from it again (a subscriber would need a new slot and copy)",
                slot.advice());

        assertEquals("client backend", held.holder());
        assertEquals("xmin", held.xidKind());
        assertEquals("idle in transaction", held.state());
        assertEquals(snapshot.applicationName, held.name());
        assertEquals(server.superuser, held.usename());
        assertNotNull(held.heldSince());
        assertTrue(held.advice().startsWith("reap_idle_in_tx would terminate it with a"
                + " threshold under "), held.advice());
        assertTrue(held.advice().contains(", end_long_transactions with one under "),
                held.advice());

        assertEquals("xid", prepared.xidKind());
        assertEquals("prepared", prepared.state());
        assertEquals(server.superuser, prepared.usename());
        assertEquals(TestServer.DATABASE, prepared.datname());
        assertNull(prepared.pid());
        assertNotNull(prepared.heldSince());
        assertEquals("ROLLBACK PREPARED " + gid + " (or COMMIT PREPARED " + gid
                + ") in database '" + TestServer.DATABASE + "' releases it: no pgwarden call"
                + " does", prepared.advice());

        // backend_report's xmin_age: the snapshot's age, as old as the report saw it at least.
        Integer xminAge = reportRowFor(report, snapshot).xminAge();
        assertNotNull(xminAge);
        assertTrue(xminAge >= held.xidAge(), xminAge + " < " + held.xidAge());
        assertNull(reportRowFor(report, idle).xminAge());

        // The advice, followed as written, releases each.
        execute(between(prepared.advice(), "", " (or COMMIT PREPARED"));
        execute(between(slot.advice(), "no consumer reads it: ", " in database"));
        snapshot.close();
        Poll.until("the snapshot's session to end", Duration.ofSeconds(10),
                () -> !snapshot.backendExists());
        List<HorizonRow> after = client().horizonReport(caller);
        assertTrue(after.stream().noneMatch(r -> LOGICAL_SLOT.equals(r.name())
                || LockRootScenarios.NASTY_GID.equals(r.name())
                || Objects.equals(r.pid(), snapshot.pid)), after.toString());
    }

    @Test
    void aStandbysFeedbackThroughItsPhysicalSlotIsListedWithWhatReleasesIt()
            throws Exception {
        Standby standby = Standby.get();
        standby.awaitReplay();
        // A snapshot on the standby keeps the xmin its feedback sends from moving on.
        victimOn(standby, "horizon-standby-snapshot").idleInTransaction(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT 1");
        consumeXids();

        // hot_standby_feedback reaches the slot every wal_receiver_status_interval (10 s).
        List<HorizonRow> seen = new ArrayList<>();
        Poll.until("the standby's slot to hold an xmin 3 xids old", Duration.ofSeconds(30),
                () -> {
                    seen.clear();
                    client().horizonReport(caller).stream()
                            .filter(r -> Standby.SLOT.equals(r.name())
                                    && "xmin".equals(r.xidKind()) && r.xidAge() >= 3)
                            .forEach(seen::add);
                    return !seen.isEmpty();
                });

        HorizonRow slot = seen.get(0);
        assertEquals("physical replication slot", slot.holder());
        assertEquals("active", slot.state());
        assertNull(slot.datname());
        assertNull(slot.plugin());
        assertNotNull(slot.pid());
        assertEquals("hot_standby_feedback of the standby streaming through it (pid "
                + slot.pid() + "): end the long queries on that standby, or turn"
                + " hot_standby_feedback off there", slot.advice());
        assertEquals(1, activityCount("pid = " + slot.pid() + " AND backend_type = 'walsender'"));
    }

    @Test
    void anOperatorSeesOtherRolesHolders() throws Exception {
        String operator = role("warden_it_horizon_op");
        try (Connection admin = server.connect()) {
            client().grantOperator(admin, operator);
        }
        String table = table("warden_it_horizon_op");
        Victim snapshot = victim("horizon-op-snapshot").idleInTransaction(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM " + table);
        consumeXids();
        prepare("'it_horizon_op'");

        List<HorizonRow> rows;
        try (Connection asOperator = server.connect(operator, PASSWORD, "horizon-operator")) {
            rows = client().horizonReport(asOperator);
        }

        HorizonRow held = only(rows, r -> Objects.equals(r.pid(), snapshot.pid));
        assertEquals("xmin", held.xidKind());
        assertTrue(held.advice().startsWith("reap_idle_in_tx"), held.advice());
        HorizonRow prepared = only(rows, r -> "it_horizon_op".equals(r.name()));
        assertTrue(rows.indexOf(held) < rows.indexOf(prepared), rows.toString());
    }

    @Test
    void anExemptHolderIsAdvisedATerminateThatChecksItsBackendStart() throws Exception {
        String table = table("warden_it_horizon_exempt");
        Victim snapshot = victim("horizon-exempt").idleInTransaction(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM " + table);
        try (PreparedStatement ps = caller.prepareStatement("INSERT INTO warden.exemption"
                + " (name, application_name, note) VALUES ('it_horizon_exempt', ?, 'it')")) {
            ps.setString(1, snapshot.applicationName);
            ps.executeUpdate();
        }
        String started = server.sql().queryString("SELECT to_char(backend_start AT TIME ZONE 'UTC',"
                + " 'YYYY-MM-DD HH24:MI:SS.US') FROM pg_stat_activity WHERE pid = "
                + snapshot.pid);

        HorizonRow held = only(client().horizonReport(caller),
                r -> Objects.equals(r.pid(), snapshot.pid));

        String terminate = "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                + " WHERE pid = " + snapshot.pid + " AND backend_start = '" + started + "+00'";
        assertTrue(held.advice().startsWith("none by pgwarden: exempt ("), held.advice());
        assertTrue(held.advice().endsWith("); " + terminate + " would release it, and ends no"
                + " later backend given its pid"), held.advice());
        // Another backend_start, as a later backend given the same pid would have: no signal.
        assertEquals(List.of(), signalled(terminate.replace(started, "2000-01-01 00:00:00")));
        // The advice, followed as written, ends the holder.
        assertEquals(List.of(true), signalled(terminate));
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), snapshot.nextStatementSqlState());
    }

    @Test
    void aFastPathCallHoldingASnapshotIsAdvisedEndLongTransactions() throws Exception {
        String table = table("warden_it_horizon_fastpath");
        Victim fastPath = victim("horizon-fastpath").idleInTransaction(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT count(*) FROM " + table);
        fastPath.startFastPathSleep(60);

        HorizonRow held = only(client().horizonReport(caller),
                r -> Objects.equals(r.pid(), fastPath.pid));

        assertEquals("fastpath function call", held.state());
        assertTrue(held.advice().startsWith("end_long_transactions would cancel, then terminate"
                + " it with a threshold under "), held.advice());
    }

    // ---- helpers ------------------------------------------------------------------------

    /** A prepared transaction that holds an xid and no lock on any table. */
    private void prepare(String gidLiteral) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute("BEGIN");
            st.execute("SELECT txid_current()");
            st.execute("PREPARE TRANSACTION " + gidLiteral);
        }
    }

    /** Three transactions that each take an xid: later holders get younger ones. */
    private void consumeXids() throws SQLException {
        for (int i = 0; i < 3; i++) {
            execute("SELECT txid_current()");
        }
    }

    /** What each row of {@code select}'s pg_terminate_backend returned. */
    private List<Boolean> signalled(String select) throws SQLException {
        List<Boolean> results = new ArrayList<>();
        try (Statement st = caller.createStatement(); ResultSet rs = st.executeQuery(select)) {
            while (rs.next()) {
                results.add(rs.getBoolean(1));
            }
        }
        return results;
    }

    private void execute(String sql) throws SQLException {
        try (Statement st = caller.createStatement()) {
            st.execute(sql);
        }
    }

    private String setting(String name) throws SQLException {
        try (Statement st = caller.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('" + name + "')")) {
            rs.next();
            return rs.getString(1);
        }
    }

    private static HorizonRow only(List<HorizonRow> rows, Predicate<HorizonRow> which) {
        List<HorizonRow> matching = rows.stream().filter(which).toList();
        assertEquals(1, matching.size(), "matching rows in " + rows);
        return matching.get(0);
    }

    /** The text of {@code s} after {@code from} and before {@code to}. */
    private static String between(String s, String from, String to) {
        int start = s.indexOf(from) + from.length();
        return s.substring(start, s.indexOf(to, start));
    }
}
