package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client-side runner, target/pgwarden-cli.jar, run as a separate process against the
 * test server with the PG* variables, acting on real victim sessions. It needs no PL/Java,
 * so it always runs.
 */
class CliIT {

    private static final String PASSWORD = "warden-it";

    private final TestServer server = TestServer.get();
    private final List<Victim> victims = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        victims.forEach(Victim::close);
        Victims.terminateLeftovers(server);
        server.sql().execute("DROP TABLE IF EXISTS warden_it_cli_lock");
        for (String role : roles) {
            server.sql().execute("DROP ROLE IF EXISTS " + role);
        }
    }

    @Test
    void reportShowsTheLockHolderAndItsWaiterAsAnAlignedTable() throws Exception {
        server.sql().execute("CREATE TABLE warden_it_cli_lock (id integer)");
        Victim holder = victim("cli-holder")
                .idleInTransaction("LOCK TABLE warden_it_cli_lock IN ACCESS EXCLUSIVE MODE");
        Victim waiter = victim("cli-waiter").start("SELECT count(*) FROM warden_it_cli_lock");
        Poll.until("the waiter to wait for the lock", Duration.ofSeconds(20),
                () -> !blockingPids(waiter).isEmpty());

        Cli.Result result = Cli.run(env(), "report");

        assertEquals(0, result.exitCode(), result.toString());
        List<String> lines = result.out().lines().toList();
        assertEquals(List.of("pid", "datname", "usename", "application_name", "state",
                "wait_event_type", "query_age", "state_age", "blocked_by", "query_preview",
                "advice"), cells(lines.get(0)), result.toString());
        assertTrue(lines.get(1).matches("-+(\\+-+)+"), lines.get(1));
        List<String> holderRow = tableRow(lines, holder);
        assertEquals("idle in transaction", holderRow.get(4));
        assertTrue(holderRow.get(10).endsWith("blocks 1 session(s)"), holderRow.get(10));
        List<String> waiterRow = tableRow(lines, waiter);
        assertEquals("{" + holder.pid + "}", waiterRow.get(8));
        assertEquals("SELECT count(*) FROM warden_it_cli_lock", waiterRow.get(9));
        assertTrue(lines.get(lines.size() - 1).matches("\\(\\d+ rows?\\)"), result.toString());
        assertEquals("", result.err());
        waiter.close();
        holder.assertUsable();
    }

    @Test
    void reportAsCsvAndJsonCarriesEveryColumn() throws Exception {
        Victim idleTx = victim("cli-csv-tx").idleInTransaction("SELECT 'a,\"b\"'");

        Cli.Result csv = Cli.run(env(), "report", "--format", "csv");
        Cli.Result json = Cli.run(env(), "report", "--format=json");

        assertEquals(0, csv.exitCode(), csv.toString());
        assertEquals("pid,datname,usename,application_name,client_addr,backend_type,state,"
                + "wait_event_type,wait_event,backend_start,backend_age,xact_age,xmin_age,"
                + "query_age,state_age,blocked_by,blocking,exemption,query_preview,advice",
                csv.out().lines().findFirst().orElseThrow());
        assertTrue(csv.out().contains(",\"SELECT 'a,\"\"b\"\"'\","), csv.toString());
        assertEquals(0, json.exitCode(), json.toString());
        assertTrue(json.out().startsWith("[{\"pid\":"), json.toString());
        assertTrue(json.out().contains("{\"pid\":" + idleTx.pid + ",\"datname\":\""
                + TestServer.DATABASE + "\""), json.toString());
        assertTrue(json.out().contains("\"query_preview\":\"SELECT 'a,\\\"b\\\"'\""),
                json.toString());
    }

    @Test
    void horizonListsTheSnapshotBeforeTheYoungerPreparedTransaction() throws Exception {
        server.sql().execute("CREATE TABLE warden_it_cli_lock (id integer)");
        Victim snapshot = victim("cli-horizon").idleInTransaction("SET TRANSACTION ISOLATION"
                + " LEVEL REPEATABLE READ; SELECT count(*) FROM warden_it_cli_lock");
        server.sql().execute("SELECT txid_current()");
        String gid = "it_cli 'horizon', x";
        String gidLiteral = "'it_cli ''horizon'', x'";
        try (var c = server.connect(); var st = c.createStatement()) {
            st.execute("BEGIN");
            st.execute("SELECT txid_current()");
            st.execute("PREPARE TRANSACTION " + gidLiteral);
        }
        try {
            Cli.Result table = Cli.run(env(), "horizon");
            Cli.Result csv = Cli.run(env(), "horizon", "--format", "csv");
            Cli.Result json = Cli.run(env(), "horizon", "--format=json");

            assertEquals(0, table.exitCode(), table.toString());
            List<String> lines = table.out().lines().toList();
            assertEquals(List.of("holder", "pid", "name", "datname", "state", "xid_kind",
                    "xid_age", "held_for", "advice"), cells(lines.get(0)), table.toString());
            assertEquals("", table.err());
            assertEquals(0, csv.exitCode(), csv.toString());
            List<List<String>> records = parseCsv(csv.out());
            assertEquals(List.of("holder", "pid", "name", "usename", "datname", "state",
                    "plugin", "xid", "xid_kind", "xid_age", "held_since", "held_for", "advice"),
                    records.get(0));
            List<String> names = records.stream().map(r -> r.get(2)).toList();
            int held = records.stream().map(r -> r.get(1)).toList()
                    .indexOf(String.valueOf(snapshot.pid));
            int prepared = names.indexOf(gid);
            assertTrue(held > 0 && prepared > held, csv.toString());
            assertEquals(List.of("client backend", "xmin", "idle in transaction"),
                    List.of(records.get(held).get(0), records.get(held).get(8),
                            records.get(held).get(5)));
            assertEquals("ROLLBACK PREPARED " + gidLiteral + " (or COMMIT PREPARED "
                    + gidLiteral + ") in database '" + TestServer.DATABASE + "' releases it:"
                    + " no pgwarden call does", records.get(prepared).get(12));
            assertEquals(0, json.exitCode(), json.toString());
            assertTrue(json.out().contains("{\"holder\":\"prepared transaction\",\"pid\":null,"
                    + "\"name\":\"" + gid + "\","), json.toString());
        } finally {
            server.sql().execute("ROLLBACK PREPARED " + gidLiteral);
        }
    }

    @Test
    void horizonAdviceCopiedFromTheTableCsvOrJsonNamesTheSamePreparedTransaction()
            throws Exception {
        // A tab, and the same text with the tab's escape typed in: shown with a backslash
        // doubled, a literal with escapes would name the other one.
        List<String> gids = List.of("it_cli blocker\t", "it_cli blocker\\u0009",
                "it_cli 'q' \"dq\" a,b;c", "it_cli nl\n cr\r rtl\u202egnp zw\u200b end",
                "it_cli tag\udb40\udc41 vs\ufe0f nbsp\u00a0", "it_cli !#&*/<>@^_|~\t\\ !!");
        for (String gid : gids) {
            try (var c = server.connect(); var st = c.createStatement()) {
                String literal = quote(c, gid);
                st.execute("BEGIN");
                st.execute("SELECT txid_current()");
                st.execute("PREPARE TRANSACTION " + literal);
            }
        }
        try {
            for (String format : List.of("table", "csv", "json")) {
                Cli.Result result = Cli.run(env(), "horizon", "--format", format);
                assertEquals(0, result.exitCode(), result.toString());
                List<String> pasted = rollbackLiterals(result.out());
                List<String> named = new ArrayList<>();
                for (String literal : pasted) {
                    named.add(server.sql().queryString("SELECT " + literal));
                }
                assertEquals(new java.util.HashSet<>(gids), new java.util.HashSet<>(named),
                        format + ": " + pasted);
                assertEquals(gids.size(), named.size(), format + ": " + pasted);
                for (String literal : pasted) {
                    assertFalse(literal.contains("\\"), literal);
                }
            }

            // Pasted from the table, ROLLBACK PREPARED ends the tab's and no other.
            String tab = rollbackLiterals(Cli.run(env(), "horizon").out()).stream()
                    .filter(l -> {
                        try {
                            return gids.get(0).equals(server.sql().queryString("SELECT " + l));
                        } catch (Exception e) {
                            throw new AssertionError(e);
                        }
                    }).findFirst().orElseThrow();
            server.sql().execute("ROLLBACK PREPARED " + tab);
            assertEquals(gids.size() - 1, Integer.parseInt(server.sql().queryString(
                    "SELECT count(*) FROM pg_prepared_xacts WHERE gid LIKE 'it!_cli %'"
                            + " ESCAPE '!'")));
            assertTrue(server.sql().queryBoolean("SELECT NOT EXISTS (SELECT FROM pg_prepared_xacts"
                    + " WHERE gid = E'it_cli blocker\\t')"));
        } finally {
            try (var c = server.connect(); var st = c.createStatement()) {
                List<String> left = new ArrayList<>();
                try (var rs = st.executeQuery("SELECT quote_literal(gid) FROM pg_prepared_xacts"
                        + " WHERE gid LIKE 'it!_cli %' ESCAPE '!'")) {
                    while (rs.next()) {
                        left.add(rs.getString(1));
                    }
                }
                for (String literal : left) {
                    st.execute("ROLLBACK PREPARED " + literal);
                }
            }
        }
    }

    @Test
    void reapTerminatesAnIdleTransaction() throws Exception {
        Victim idleTx = victim("cli-idle-tx").idleInTransaction("SELECT 1");
        Victim idle = victim("cli-idle");
        idleTx.awaitAge("100 milliseconds");

        Cli.Result result = Cli.run(env(), "reap", "--threshold", "50 milliseconds");

        assertEquals(0, result.exitCode(), result.toString());
        List<String> row = tableRow(result.out().lines().toList(), idleTx);
        assertEquals(List.of("idle in transaction", "terminate", "terminated"),
                List.of(row.get(4), row.get(6), row.get(7)), result.toString());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), idleTx.nextStatementSqlState());
        idle.assertUsable();
    }

    @Test
    void endTxTerminatesALeakedTransactionThatReapNeverSees() throws Exception {
        try (LeakedTransaction leak = LeakedTransaction.start("cli-leaked", "SELECT 1")) {
            leak.awaitChecks(3);
            Poll.until("the leaked transaction to be older than 1.2 s", Duration.ofSeconds(20),
                    () -> "t".equals(server.sql().queryString(
                            "SELECT clock_timestamp() - xact_start"
                            + " > interval '1.2 seconds' FROM pg_stat_activity"
                            + " WHERE pid = " + leak.pid)));

            Cli.Result reap = Cli.run(env(), "reap", "--threshold", "1s", "--format", "csv");
            Cli.Result result = Cli.run(env(), "end-tx", "--threshold", "1s", "--grace", "1s",
                    "--format", "csv");

            assertEquals(0, reap.exitCode(), reap.toString());
            assertFalse(csvRows(reap.out()).containsKey(leak.pid), reap.toString());
            assertEquals(0, result.exitCode(), result.toString());
            List<String> row = csvRows(result.out()).get(leak.pid);
            assertTrue(row != null, result.toString());
            // Caught running a check (rarely), it is cancelled; else terminated.
            boolean cancelled = "cancel".equals(row.get(8));
            assertEquals(cancelled ? List.of("cancel", "cancelled")
                    : List.of("terminate", "terminated"), row.subList(8, 10), row.toString());
            assertEquals(cancelled ? SqlState.QUERY_CANCELED.code()
                    : SqlState.ADMIN_SHUTDOWN.code(), leak.awaitFailure());
        }
    }

    @Test
    void cancelEscalatesOnlyForTheQueryThatIgnoresItAndShowsItsWait() throws Exception {
        Victim sleeper = victim("cli-sleeper").start("SELECT pg_sleep(60)");
        Victim stubborn = victim("cli-stubborn").start(WardenScenarios.IGNORES_CANCEL);
        sleeper.awaitAge("100 milliseconds");
        stubborn.awaitAge("100 milliseconds");

        Cli.Result result = Cli.run(env(), "cancel", "--threshold", "50 milliseconds",
                "--escalate", "--grace", "1 second", "--format", "csv");

        assertEquals(0, result.exitCode(), result.toString());
        Map<Integer, List<String>> rows = csvRows(result.out());
        assertEquals(List.of("cancel", "cancelled"), actionAndOutcome(rows, sleeper));
        assertEquals(List.of("terminate", "terminated"), actionAndOutcome(rows, stubborn));
        assertEquals(SqlState.QUERY_CANCELED.code(), sleeper.awaitFailure());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), stubborn.awaitFailure());
        sleeper.assertUsable();
        assertTrue(result.err().startsWith("pgwarden: waiting up to 1 second for cancelled"
                + " queries to stop, then terminating the rest ..."), result.toString());
    }

    @Test
    void blockersTerminatesTheLockRootAndEnforceAppliesThePolicies() throws Exception {
        server.sql().installSchema();
        server.sql().execute("CREATE TABLE warden_it_cli_lock (id integer)");
        Victim holder = victim("cli-root")
                .idleInTransaction("LOCK TABLE warden_it_cli_lock IN ACCESS EXCLUSIVE MODE");
        Victim waiter = victim("cli-root-waiter")
                .start("SELECT count(*) FROM warden_it_cli_lock");
        Victim idleTx = victim("cli-enforced-tx").idleInTransaction("SELECT 1");
        Poll.until("the waiter to wait for the lock", Duration.ofSeconds(20),
                () -> !blockingPids(waiter).isEmpty());
        waiter.awaitAge("100 milliseconds");

        Cli.Result blockers = Cli.run(env(), "blockers", "--min-wait", "50 milliseconds",
                "--format", "csv");

        assertEquals(0, blockers.exitCode(), blockers.toString());
        List<String> root = csvRows(blockers.out()).get(holder.pid);
        assertEquals(List.of("terminate", "terminated", "1", "{" + waiter.pid + "}"),
                List.of(root.get(8), root.get(9), root.get(11), root.get(12)),
                blockers.toString());
        waiter.awaitSuccess();

        server.sql().execute("INSERT INTO warden.policy (name, kind, threshold, application_name)"
                + " VALUES ('it_cli', 'idle_in_tx', '50 milliseconds', '"
                + idleTx.applicationName + "')");
        try {
            idleTx.awaitAge("100 milliseconds");
            Cli.Result enforced = Cli.run(env(), "enforce", "--format", "csv");

            assertEquals(0, enforced.exitCode(), enforced.toString());
            List<String> row = csvRows(enforced.out()).get(idleTx.pid);
            assertEquals(List.of("terminate", "terminated", "it_cli"),
                    List.of(row.get(8), row.get(9), row.get(13)), enforced.toString());
            assertEquals(SqlState.ADMIN_SHUTDOWN.code(), idleTx.nextStatementSqlState());
        } finally {
            server.sql().execute("DELETE FROM warden.policy WHERE name = 'it_cli'");
        }
    }

    @Test
    void anOperatorRoleGetsTheSameRulesAndARoleWithoutItIsRefused() throws Exception {
        String operator = role("warden_it_cli_operator");
        String outsider = role("warden_it_cli_outsider");
        // With pgwarden's tables installed the runner also writes warden.action_log, which
        // warden_operator may insert into.
        server.sql().installSchema();
        server.sql().execute("GRANT warden_operator TO " + operator);
        Victim superuserTx = victim("cli-superuser-tx").idleInTransaction("SELECT 1");
        Victim otherTx = victim(outsider, "cli-other-tx").idleInTransaction("SELECT 1");
        superuserTx.awaitAge("100 milliseconds");
        otherTx.awaitAge("100 milliseconds");

        Cli.Result asOperator = Cli.run(env(operator), "reap", "--threshold", "50ms",
                "--format", "csv");
        Cli.Result asOutsider = Cli.run(env(outsider), "report");

        assertEquals(0, asOperator.exitCode(), asOperator.toString());
        Map<Integer, List<String>> rows = csvRows(asOperator.out());
        assertEquals(List.of("none", "skipped: not permitted"),
                actionAndOutcome(rows, superuserTx));
        assertEquals(List.of("terminate", "terminated"), actionAndOutcome(rows, otherTx));
        superuserTx.assertUsable();
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), otherTx.nextStatementSqlState());

        assertEquals(4, asOutsider.exitCode(), asOutsider.toString());
        assertEquals("pgwarden: permission denied for role \"" + outsider + "\": it needs the"
                + " privileges of pg_signal_backend and pg_read_all_stats (GRANT"
                + " warden_operator TO " + outsider + ", or GRANT pg_signal_backend,"
                + " pg_read_all_stats TO " + outsider + ")\n", asOutsider.err());
        assertEquals("", asOutsider.out());
    }

    @Test
    void badArgumentsAreRefusedBeforeAnythingIsSignalled() throws Exception {
        Victim idleTx = victim("cli-bad-args-tx").idleInTransaction("SELECT 1");
        idleTx.awaitAge("100 milliseconds");

        Cli.Result negative = Cli.run(env(), "reap", "--threshold", "-5 minutes");
        Cli.Result notAnInterval = Cli.run(env(), "cancel", "--threshold", "soon");
        Cli.Result longGrace = Cli.run(env(), "cancel", "--threshold", "1s", "--grace", "1h");
        Cli.Result unknownOption = Cli.run(env(), "reap", "--threshold", "1s", "--force");
        Cli.Result unknownCommand = Cli.run(env(), "kill");
        Cli.Result missing = Cli.run(env(), "reap");

        assertRefused(negative, "pgwarden: invalid value for parameter \"threshold\":"
                + " \"-00:05:00\"\nDETAIL: The value of \"threshold\" must be greater than"
                + " zero.\n");
        assertRefused(notAnInterval, "pgwarden: invalid value for parameter \"threshold\":"
                + " \"soon\"\nDETAIL: The value of \"threshold\" must be an interval.\n");
        assertRefused(longGrace, "pgwarden: invalid value for parameter \"grace\":"
                + " \"01:00:00\"\nDETAIL: The value of \"grace\" must be at most 10"
                + " minutes.\n");
        assertRefused(unknownOption, "pgwarden: unknown option \"--force\"\n"
                + "Try \"java -jar pgwarden-cli.jar --help\".\n");
        assertRefused(unknownCommand, "pgwarden: unknown command \"kill\" (expected report,"
                + " horizon, cancel, reap, end-tx, blockers, enforce or watch)\n"
                + "Try \"java -jar pgwarden-cli.jar --help\".\n");
        assertRefused(missing, "pgwarden: option --threshold is required for reap\n"
                + "Try \"java -jar pgwarden-cli.jar --help\".\n");
        idleTx.assertUsable();
    }

    @Test
    void aServerThatIsNotThereIsAConnectionError() throws Exception {
        Map<String, String> env = env();
        env.put("PGHOST", "127.0.0.1");
        env.put("PGPORT", String.valueOf(unusedPort()));

        Cli.Result refused = Cli.run(env, "report");
        Cli.Result badUrl = Cli.run(Map.of(), "report", "--url", "postgresql://localhost/x");
        Cli.Result noDatabase = Cli.run(env(), "report", "--url", "jdbc:postgresql://"
                + server.host + ":" + server.port + "/warden_it_no_such_database");

        assertEquals(3, refused.exitCode(), refused.toString());
        assertTrue(refused.err().startsWith("pgwarden: cannot connect to 127.0.0.1:"
                + env.get("PGPORT") + " database \"" + TestServer.DATABASE + "\" as \""
                + server.superuser + "\": Connection to 127.0.0.1:" + env.get("PGPORT")
                + " refused"), refused.toString());
        assertRefused(badUrl, "pgwarden: invalid value for option --url:"
                + " \"postgresql://localhost/x\" (must start with jdbc:postgresql://)\n"
                + "Try \"java -jar pgwarden-cli.jar --help\".\n");
        assertEquals(3, noDatabase.exitCode(), noDatabase.toString());
        assertTrue(noDatabase.err().contains("database \"warden_it_no_such_database\" does"
                + " not exist"), noDatabase.toString());
    }

    @Test
    void aSearchPathSetForTheRunnersRoleRunsNoneOfItsOwnersFunctions() throws Exception {
        // A fake clock_timestamp() years ahead makes every session look ancient: the runner
        // must read pg_catalog's, whatever search_path the role or the database sets.
        String operator = role("warden_it_cli_path");
        server.sql().installSchema();
        server.sql().execute("GRANT warden_operator TO " + operator);
        server.sql().execute("DROP SCHEMA IF EXISTS warden_it_evil CASCADE");
        server.sql().execute("CREATE SCHEMA warden_it_evil");
        server.sql().execute("CREATE FUNCTION warden_it_evil.clock_timestamp() RETURNS timestamptz"
                + " LANGUAGE sql AS 'SELECT pg_catalog.now() + interval ''3000 days'''");
        server.sql().execute("GRANT USAGE ON SCHEMA warden_it_evil TO PUBLIC");
        server.sql().execute("ALTER ROLE " + operator
                + " SET search_path = warden_it_evil, pg_catalog, public");
        try {
            Victim young = victim("cli-young-tx").idleInTransaction("SELECT 1");
            young.awaitAge("100 milliseconds");

            Cli.Result reap = Cli.run(env(operator), "reap", "--threshold", "1 hour",
                    "--format", "csv");

            assertEquals(0, reap.exitCode(), reap.toString());
            assertFalse(csvRows(reap.out()).containsKey(young.pid), reap.out());
            young.assertUsable();
        } finally {
            server.sql().execute("DROP SCHEMA warden_it_evil CASCADE");
        }
    }

    @Test
    void throughPgbouncerEveryTerminationHasItsLogLineAndEnforceLeavesNoLockBehind()
            throws Exception {
        Pooler pooler = Pooler.get();
        server.sql().installSchema();
        Map<String, String> env = env();
        env.put("PGPORT", String.valueOf(pooler.port));
        for (int round = 1; round <= 3; round++) {
            Victim idle = victim("cli-pooled-" + round).idleInTransaction("SELECT 1");
            idle.awaitAge("100 milliseconds");

            Cli.Result reap = Cli.run(env, "reap", "--threshold", "50 milliseconds",
                    "--format", "csv");

            assertEquals(0, reap.exitCode(), reap.toString());
            assertEquals(List.of("terminate", "terminated"),
                    actionAndOutcome(csvRows(reap.out()), idle));
            String line = "pgwarden: terminate pid=" + idle.pid + " ";
            Poll.until("the log line for pid " + idle.pid, Duration.ofSeconds(10),
                    () -> server.sql().serverLog().contains(line));
        }
        Cli.Result enforce = Cli.run(env, "enforce", "--format", "csv");
        assertEquals(0, enforce.exitCode(), enforce.toString());
        // The runner's enforce lock ended with its transaction, not with a pooled session.
        assertFalse(server.sql().queryBoolean("SELECT count(*) > 0 FROM pg_locks"
                + " WHERE locktype = 'advisory' AND objid = 1 AND classid = 1885828964"));
    }

    // ---- helpers ------------------------------------------------------------------------

    private Map<String, String> env() {
        return new HashMap<>(server.libpqEnvironment());
    }

    private Map<String, String> env(String role) {
        Map<String, String> env = env();
        env.put("PGUSER", role);
        env.put("PGPASSWORD", PASSWORD);
        return env;
    }

    private Victim victim(String name) throws Exception {
        Victim v = Victim.open(server, name);
        victims.add(v);
        return v;
    }

    private Victim victim(String user, String name) throws Exception {
        Victim v = Victim.open(server, user, PASSWORD, name);
        victims.add(v);
        return v;
    }

    private String role(String name) throws Exception {
        server.sql().execute("DROP ROLE IF EXISTS " + name);
        server.sql().execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + PASSWORD + "'");
        roles.add(name);
        return name;
    }

    private List<Integer> blockingPids(Victim v) throws Exception {
        try (var c = server.connect(); var st = c.createStatement();
                var rs = st.executeQuery("SELECT pg_blocking_pids(" + v.pid + ")")) {
            rs.next();
            return Arrays.asList((Integer[]) rs.getArray(1).getArray());
        }
    }

    private static void assertRefused(Cli.Result result, String stderr) {
        assertEquals(2, result.exitCode(), result.toString());
        assertEquals(stderr, result.err(), result.toString());
        assertEquals("", result.out(), result.toString());
    }

    /**
     * Each text the runner printed between "ROLLBACK PREPARED " and " (or COMMIT PREPARED "
     * in horizon's advice for an it_cli gid, as a person would copy it.
     */
    private static List<String> rollbackLiterals(String printed) {
        List<String> literals = new ArrayList<>();
        String from = "ROLLBACK PREPARED ";
        for (int at = printed.indexOf(from); at >= 0; at = printed.indexOf(from, at + 1)) {
            int start = at + from.length();
            String literal = printed.substring(start,
                    printed.indexOf(" (or COMMIT PREPARED ", start));
            if (literal.contains("it_cli ")) {
                literals.add(literal);
            }
        }
        return literals;
    }

    /** {@code text} as a literal by the server's own quote_literal (an E'' one if needed). */
    private static String quote(java.sql.Connection c, String text) throws Exception {
        try (var ps = c.prepareStatement("SELECT quote_literal(?)")) {
            ps.setString(1, text);
            try (var rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    private static List<String> cells(String line) {
        return Arrays.stream(line.split("\\|", -1)).map(String::trim).toList();
    }

    private static List<String> tableRow(List<String> lines, Victim v) {
        List<List<String>> rows = lines.stream().map(CliIT::cells)
                .filter(cells -> cells.get(0).equals(String.valueOf(v.pid))).toList();
        assertEquals(1, rows.size(), "rows for pid " + v.pid + " in " + lines);
        return rows.get(0);
    }

    /** CSV rows of an action command by pid. */
    private static Map<Integer, List<String>> csvRows(String csv) {
        List<List<String>> records = parseCsv(csv);
        assertEquals(List.of("pid", "usename", "application_name", "datname", "client_addr",
                "backend_start", "state", "age", "action", "outcome", "query_preview",
                "blocked_count", "waiting_pids", "policy"),
                records.get(0));
        Map<Integer, List<String>> rows = new HashMap<>();
        for (List<String> fields : records.subList(1, records.size())) {
            rows.put(Integer.valueOf(fields.get(0)), fields);
        }
        return rows;
    }

    /** RFC 4180: a quoted field may hold commas, doubled quotes and line breaks. */
    static List<List<String>> parseCsv(String csv) {
        List<List<String>> records = new ArrayList<>();
        List<String> fields = new ArrayList<>();
        StringBuilder field = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < csv.length(); i++) {
            char c = csv.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < csv.length() && csv.charAt(i + 1) == '"') {
                    field.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    field.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                fields.add(field.toString());
                field.setLength(0);
            } else if (c == '\n') {
                fields.add(field.toString());
                field.setLength(0);
                records.add(fields);
                fields = new ArrayList<>();
            } else {
                field.append(c);
            }
        }
        return records;
    }

    private static List<String> actionAndOutcome(Map<Integer, List<String>> rows, Victim v) {
        List<String> row = rows.get(v.pid);
        assertTrue(row != null, "no row for pid " + v.pid + " in " + rows);
        return List.of(row.get(8), row.get(9));
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @Test
    void csvAndTableShowAClientsTextAsTextOnAlignedLines() throws Exception {
        // PostgreSQL keeps only printable ASCII in application_name (a CR or a Chinese
        // character becomes ? up to 15, \x0d and the like from 16): the formula survives
        // there; a role name and the query text keep everything.
        String role = "+役割\rwarden_it_cli";
        String quotedRole = '"' + role + '"';
        server.sql().execute("DROP ROLE IF EXISTS " + quotedRole);
        server.sql().execute("CREATE ROLE " + quotedRole + " LOGIN PASSWORD '" + PASSWORD + "'");
        try {
            Victim formula = Victim.openAs(server, "=HYPERLINK(\"http://x\")\r漢字");
            victims.add(formula);
            formula.idleInTransaction("SELECT '漢字テスト\r\n=1+1' AS \"ｶﾀｶﾅ\"");
            Victim named = victim(role, "cli-hostile-role").idleInTransaction("SELECT '한국어'");
            formula.awaitAge("100 milliseconds");
            named.awaitAge("100 milliseconds");

            Cli.Result table = Cli.run(env(), "report");
            Cli.Result csv = Cli.run(env(), "reap", "--threshold", "50 milliseconds",
                    "--format", "csv");

            assertEquals(0, table.exitCode(), table.toString());
            assertFalse(table.out().contains("\r"), table.toString());
            List<String> lines = table.out().lines().toList();
            List<Integer> columns = separators(lines.get(0), '|');
            assertEquals(columns, separators(lines.get(1), '+'), lines.get(1));
            for (Victim v : List.of(formula, named)) {
                String line = lines.stream().filter(l -> l.startsWith(" " + v.pid + " "))
                        .findFirst().orElseThrow(() -> new AssertionError(table));
                assertEquals(columns, separators(line, '|'), table.toString());
            }
            assertEquals("+役割\\rwarden_it_cli", tableRow(lines, named).get(2));
            assertTrue(tableRow(lines, formula).get(9).contains("漢字テスト\\r\\n=1+1"),
                    table.toString());

            assertEquals(0, csv.exitCode(), csv.toString());
            assertFalse(csv.out().contains("\r"), csv.toString());
            Map<Integer, List<String>> rows = csvRows(csv.out());
            assertTrue(rows.get(formula.pid).get(2).startsWith("'=HYPERLINK(\"http://x\")"),
                    csv.toString());
            assertTrue(rows.get(formula.pid).get(10).contains("漢字テスト\\r\\n=1+1"),
                    csv.toString());
            assertEquals("'+役割\\rwarden_it_cli", rows.get(named.pid).get(1), csv.toString());
        } finally {
            victims.forEach(Victim::close);
            Victims.terminateLeftovers(server);
            server.sql().execute("DROP ROLE IF EXISTS " + quotedRole);
        }
    }

    /**
     * The terminal columns at which a table line has its column separators (| in a row, +
     * in the rule), counting a Chinese, Japanese or Korean character as two; written apart
     * from the runner's own width function, for the characters this test uses.
     */
    private static List<Integer> separators(String line, char separator) {
        List<Integer> at = new ArrayList<>();
        int column = 0;
        for (int cp : line.codePoints().toArray()) {
            if (cp == separator) {
                at.add(column);
            }
            Character.UnicodeScript script = Character.UnicodeScript.of(cp);
            boolean halfwidth = cp >= 0xFF61 && cp <= 0xFF9F;
            column += !halfwidth && (script == Character.UnicodeScript.HAN
                    || script == Character.UnicodeScript.HIRAGANA
                    || script == Character.UnicodeScript.KATAKANA
                    || script == Character.UnicodeScript.HANGUL) ? 2 : 1;
        }
        return at;
    }
}
