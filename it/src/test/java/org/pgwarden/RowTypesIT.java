package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Each printer against the row type as the server knows it, with real rows: the columns the
 * core's report statements return (which warden.backend_report and warden.horizon_report
 * return as their row types, by position), the runner's CSV, JSON and table of them, and an
 * enforce() row against the audit row it wrote, column by column. Needs no PL/Java
 * (InServerRowTypesIT reads the installed types).
 */
class RowTypesIT {

    private final TestServer server = TestServer.get();
    private final List<Victim> victims = new ArrayList<>();

    @BeforeAll
    static void installSchema() throws Exception {
        TestServer.get().sql().installSchema();
    }

    @AfterEach
    void cleanUp() throws Exception {
        victims.forEach(Victim::close);
        Victims.terminateLeftovers(server);
        server.sql().execute("DELETE FROM warden.policy WHERE name = 'it_rows'");
        server.sql().execute("DROP TABLE IF EXISTS warden_it_rows_lock");
    }

    @Test
    void theReportStatementsReturnTheirRowTypesColumnsAndTheRunnerPrintsThem()
            throws Exception {
        // A snapshot held open: a row of the horizon too.
        Victim idleTx = victim("rows-report").idleInTransaction(
                "SET TRANSACTION ISOLATION LEVEL REPEATABLE READ; SELECT 1");
        checkStatement(ReportRow.TYPE, BackendReport.query(true).replace("?", "true"),
                "report");
        checkStatement(HorizonRow.TYPE, HorizonReport.query(true), "horizon");
        idleTx.assertUsable();
    }

    @Test
    void anEnforcedRowIsAuditedInEveryColumn() throws Exception {
        server.sql().execute("CREATE TABLE warden_it_rows_lock (id integer)");
        Victim holder = victim("rows-root")
                .idleInTransaction("LOCK TABLE warden_it_rows_lock IN ACCESS EXCLUSIVE MODE");
        Victim waiter = victim("rows-waiter").start("SELECT count(*) FROM warden_it_rows_lock");
        Poll.until("the waiter to wait for the lock", Duration.ofSeconds(20),
                () -> waitsForALock(waiter));
        server.sql().execute("INSERT INTO warden.policy (name, kind, threshold, grace,"
                + " application_name) VALUES ('it_rows', 'blockers', '50 milliseconds',"
                + " '1 second', '" + holder.applicationName + "')");
        waiter.awaitAge("100 milliseconds");

        Cli.Result csv = Cli.run(new HashMap<>(server.libpqEnvironment()), "enforce",
                "--format", "csv");

        assertEquals(0, csv.exitCode(), csv.toString());
        List<List<String>> records = CliIT.parseCsv(csv.out());
        List<String> header = records.get(0);
        assertEquals(ActionRow.TYPE.names(), header, csv.toString());
        List<String> row = records.stream()
                .filter(r -> r.get(0).equals(String.valueOf(holder.pid))).findFirst()
                .orElseThrow(() -> new AssertionError(csv.toString()));
        waiter.awaitSuccess();

        Map<String, String> stored = new HashMap<>();
        Map<String, String> types = new HashMap<>();
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("""
                    SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
                    FROM pg_catalog.pg_attribute AS a
                    WHERE a.attrelid = 'warden.action_log'::regclass AND a.attnum > 0
                      AND NOT a.attisdropped""")) {
                while (rs.next()) {
                    types.put(rs.getString(1), rs.getString(2));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT * FROM warden.action_log"
                    + " WHERE policy = 'it_rows' AND pid = " + holder.pid)) {
                assertTrue(rs.next(), "no audit row for the holder");
                for (String column : header) {
                    if (types.containsKey(column)) {
                        stored.put(column, rs.getString(column));
                    }
                }
                assertTrue(!rs.next(), "two audit rows for the holder");
            }
        }
        for (int i = 0; i < header.size(); i++) {
            String column = header.get(i);
            String printed = row.get(i).isEmpty() ? null : row.get(i);
            assertEquals(formatType(ActionRow.TYPE.columns().get(i).type()), types.get(column),
                    "warden.action_log." + column + ", the audit of action_row's column");
            assertNotNull(printed, column + " is empty in this test's row: " + csv);
            assertEquals(printed, stored.get(column), column + ": row and audit differ");
        }
    }

    /**
     * The columns of {@code query} as the server describes them, through a view over it,
     * against the row type's; then the runner's CSV header, JSON keys and table header.
     */
    private void checkStatement(RowType<?> type, String query, String command)
            throws Exception {
        List<String> expected = new ArrayList<>();
        for (RowColumn<?> c : type.columns()) {
            expected.add(c.sqlName() + " " + formatType(c.type()));
        }
        List<String> actual = new ArrayList<>();
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            c.setAutoCommit(false);
            st.execute("CREATE TEMPORARY VIEW it_rows AS " + query);
            try (ResultSet rs = st.executeQuery("""
                    SELECT a.attname, pg_catalog.format_type(a.atttypid, a.atttypmod)
                    FROM pg_catalog.pg_attribute AS a
                    WHERE a.attrelid = 'it_rows'::regclass AND a.attnum > 0
                    ORDER BY a.attnum""")) {
                while (rs.next()) {
                    actual.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
            c.rollback();
        }
        assertEquals(expected, actual, command + "'s statement against " + type.sqlName());

        Map<String, String> env = new HashMap<>(server.libpqEnvironment());
        Cli.Result csv = Cli.run(env, command, "--format", "csv");
        Cli.Result json = Cli.run(env, command, "--format", "json");
        Cli.Result table = Cli.run(env, command);
        assertEquals(0, csv.exitCode() + json.exitCode() + table.exitCode(), csv + "\n" + json
                + "\n" + table);
        assertEquals(type.names(), CliIT.parseCsv(csv.out()).get(0), csv.toString());
        assertTrue(json.out().startsWith("[{"), "no row: " + json);
        assertEquals(type.names(), SqlCopy.jsonKeys(json.out()), json.toString());
        assertEquals(type.shownNames(), Arrays.stream(table.out().lines().findFirst()
                .orElseThrow().split("\\|")).map(String::trim).toList(), table.toString());
    }

    /** The server's name of a column type, as format_type writes it. */
    private String formatType(SqlType type) throws SQLException {
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT pg_catalog.format_type(pg_catalog.to_regtype(?), NULL)")) {
            ps.setString(1, type.sql());
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private boolean waitsForALock(Victim v) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT cardinality(pg_blocking_pids(" + v.pid
                        + ")) > 0")) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    private Victim victim(String name) throws Exception {
        Victim v = Victim.open(server, name);
        victims.add(v);
        return v;
    }
}
