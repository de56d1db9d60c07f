package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.DryRun.DRY_RUN;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Escalation.CANCEL_ONLY;
import static org.pgwarden.WardenClient.Escalation.ESCALATE;

import java.nio.file.Files;
import java.nio.file.Path;
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
 * Issue 9's rules A and B: one reading of every interval, and no signal without its record.
 * Each test turns a way the old code signalled wrongly or lost its record into a victim
 * that must survive, or an audit row that must be written.
 */
abstract class SafetyScenarios extends ScenarioBase {

    @AfterEach
    void dropPolicies() throws SQLException {
        server.sql().execute("DELETE FROM warden.policy WHERE name LIKE 'it\\_safety%'");
        server.sql().execute("ALTER TABLE warden.policy ENABLE TRIGGER check_intervals");
    }

    // ---- A: one meaning for every threshold, grace and interval -------------------------

    @Test
    void aThresholdThatIsPositiveOnlyByOneReadingIsRefusedAndNothingIsSignalled()
            throws Exception {
        Victim sleeper = victim("safety-young").start("SELECT pg_sleep(60)");
        sleeper.awaitAge("100 milliseconds");
        WardenClient c = client();

        // A year is 365.25 days to extract(epoch), 12 months to timestamp arithmetic.
        refused("threshold", "\"1 year -365 days -05:00:00\"",
                () -> c.cancelLongRunning(caller, "1 year -365 days -5 hours", CANCEL_ONLY,
                        "5 seconds", FOR_REAL));
        refused("threshold", "\"1 mon\"", () -> c.reapIdleInTx(caller, "1 month", FOR_REAL));
        refused("threshold", "\"1 day -01:00:00\"",
                () -> c.cancelLongRunning(caller, "1 day -1 hour", CANCEL_ONLY, "5 seconds",
                        FOR_REAL));
        refused("grace", "\"1 mon\"",
                () -> c.cancelLongRunning(caller, "1 hour", ESCALATE, "1 month", FOR_REAL));
        refused("min_wait", "\"-1 days +25:00:00\"",
                () -> c.terminateBlockers(caller, "-1 day 25 hours", "1 second", FOR_REAL));

        assertTrue(sleeper.stillRunning(), "the young query was cancelled");
        assertEquals("active", sleeper.stateSeen());
    }

    @Test
    void anAbsurdThresholdIs22023WhetherOrNotAnySessionIsDue() throws Exception {
        WardenClient c = client();
        refused("threshold", "\"100000000 years\"",
                () -> c.reapIdleInTx(caller, "100000000 years", FOR_REAL));
        refused("threshold", "\"100000000 days\"",
                () -> c.reapIdleInTx(caller, "100000000 days", FOR_REAL));

        Victim idle = victim("safety-absurd").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");
        refused("threshold", "\"100000000 years\"",
                () -> c.reapIdleInTx(caller, "100000000 years", FOR_REAL));
        refused("threshold", "\"3651 days\"", () -> c.reapIdleInTx(caller, "3651 days", FOR_REAL));
        idle.assertUsable();
    }

    @Test
    void aDayIsTwentyFourHoursAndIsAccepted() throws Exception {
        Victim idle = victim("safety-day").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");
        try (Statement st = caller.createStatement()) {
            // A zone with daylight saving time: the calendar day may be 23 or 25 hours.
            st.execute("SET TimeZone = 'America/New_York'");
        }
        assertEquals(List.of(), client().reapIdleInTx(caller, "1 day", FOR_REAL).stream()
                .filter(r -> r.pid() == idle.pid).toList());
        assertEquals(Outcome.DRY_RUN,
                rowFor(client().reapIdleInTx(caller, "0.05 seconds", DRY_RUN), idle).outcome());
        idle.assertUsable();
    }

    @Test
    void aPolicyRowIsCheckedByTheSameRuleAndNamedWhenRefused() throws Exception {
        for (String[] bad : new String[][] {
                {"threshold", "1 month", "\"1 mon\""},
                {"threshold", "1 year -365 days -5 hours", "\"1 year -365 days -05:00:00\""},
                {"threshold", "100000000 years", "\"100000000 years\""},
                {"grace", "11 minutes", "\"00:11:00\""},
                {"grace", "1 day -23 hours 59 minutes", "\"1 day -22:01:00\""}}) {
            String threshold = bad[0].equals("threshold") ? bad[1] : "1 hour";
            String grace = bad[0].equals("grace") ? bad[1] : "5 seconds";
            SQLException e = assertThrows(SQLException.class,
                    () -> policy("it_safety_bad", "long_running", threshold, grace));
            assertEquals(SqlState.INVALID_PARAMETER_VALUE.code(), e.getSQLState(),
                    e.getMessage());
            assertTrue(e.getMessage().contains("invalid value for column \"" + bad[0]
                    + "\" of policy \"it_safety_bad\": " + bad[2]), e.getMessage());
        }
        policy("it_safety_good", "idle_in_tx", "2 days 3 hours", "0");
    }

    @Test
    void aBadPolicyLeftFromBeforeTheRuleRefusesTheWholeRunBeforeAnySignal() throws Exception {
        Victim first = victim("safety-first-policy").idleInTransaction("SELECT 1");
        first.awaitAge("100 milliseconds");
        // What an upgrade keeps: a row an earlier release's CHECK accepted.
        policy("it_safety_a_reap", "idle_in_tx", "50 milliseconds", "5 seconds");
        server.sql().execute("ALTER TABLE warden.policy DISABLE TRIGGER check_intervals");
        policy("it_safety_b_long", "long_running", "1 month", "5 seconds");
        server.sql().execute("ALTER TABLE warden.policy ENABLE TRIGGER check_intervals");

        SQLException e = assertThrows(SQLException.class, () -> client().enforce(caller, FOR_REAL));

        assertEquals(SqlState.INVALID_PARAMETER_VALUE.code(), e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains(
                "invalid value for column \"threshold\" of policy \"it_safety_b_long\""),
                e.getMessage());
        first.assertUsable();
    }

    // ---- B: a signal is never sent unless its record is made ----------------------------

    @Test
    void aReadOnlyCallerIsRefusedBeforeAnySignalAndMayStillDryRun() throws Exception {
        Victim idle = victim("safety-read-only").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");
        try (Statement st = caller.createStatement()) {
            st.execute("SET default_transaction_read_only = on");
        }

        SQLException e = assertThrows(SQLException.class,
                () -> client().reapIdleInTx(caller, "50 milliseconds", FOR_REAL));

        assertEquals(SqlState.READ_ONLY_SQL_TRANSACTION.code(), e.getSQLState(),
                e.getMessage());
        assertTrue(e.getMessage().contains("read-only transaction"), e.getMessage());
        assertEquals(Outcome.DRY_RUN,
                rowFor(client().reapIdleInTx(caller, "50 milliseconds", DRY_RUN), idle).outcome());
        idle.assertUsable();
    }

    @Test
    void rowsAnOperatorForcedIntoTheAuditLogNeitherForgeItNorBreakTheNextCall()
            throws Exception {
        // The next ids the identity would hand out, taken in advance, with a forged caller
        // and time: today the next audit INSERT fails on a duplicate key after its signal.
        server.sql().execute("""
                INSERT INTO warden.action_log (id, logged_at, caller, run_id, function, pid,
                    action, outcome, application_name)
                OVERRIDING SYSTEM VALUE
                SELECT pg_sequence_last_value('warden.action_log_id_seq') + g,
                       '2000-01-01', 'somebody_else', gen_random_uuid(), 'forged', 1,
                       'terminate', 'terminated', 'it-safety-forged'
                FROM generate_series(1, 5) AS g""");
        try {
            Victim idle = victim("safety-forged-ids").idleInTransaction("SELECT 1");
            idle.awaitAge("100 milliseconds");

            ActionRow row = rowFor(client().reapIdleInTx(caller, "50 milliseconds", FOR_REAL),
                    idle);

            assertEquals(Outcome.TERMINATED, row.outcome());
            assertEquals(SqlState.ADMIN_SHUTDOWN.code(), idle.nextStatementSqlState());
            assertEquals(List.of("terminate/terminated"), audit(idle));
        } finally {
            server.sql().execute("DELETE FROM warden.action_log"
                    + " WHERE application_name = 'it-safety-forged'");
        }
    }

    @Test
    void aRoleWithoutPrivilegesCannotStopEnforce() throws Exception {
        String nobody = role("warden_it_safety_nobody");
        Victim idle = victim(nobody, "safety-enforce-lock").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");
        policy("it_safety_lock", "idle_in_tx", "50 milliseconds", "5 seconds");
        try (Connection asNobody = server.connect(nobody, PASSWORD, "pgwarden-it-nobody");
                Statement st = asNobody.createStatement()) {
            // What stopped every run before: the advisory lock enforce() used.
            st.executeQuery("SELECT pg_advisory_lock(1885828964, 1)").close();
            asNobody.setAutoCommit(false);
            SQLException e = assertThrows(SQLException.class,
                    () -> st.execute("SELECT FROM warden.enforce_lock FOR UPDATE"));
            assertEquals(SqlState.INSUFFICIENT_PRIVILEGE.code(), e.getSQLState(),
                    e.getMessage());
            asNobody.rollback();

            // An operator, as a pg_cron job runs it.
            String operator = role("warden_it_safety_enforcer");
            client().grantOperator(caller, operator);
            try (Connection asOperator = server.connect(operator, PASSWORD, "pgwarden-it-op")) {
                ActionRow row = rowFor(client().enforce(asOperator, FOR_REAL), idle);

                assertEquals(Outcome.TERMINATED, row.outcome());
            }
        }
    }

    // ---- transaction_timeout exists from PostgreSQL 17 -----------------------------------

    @Test
    void from17ATransactionTimeoutShorterThanTheWaitsIsRefusedBeforeTheCancel()
            throws Exception {
        assumeMinimumServerVersion(17, "transaction_timeout");
        Victim stubborn = victim("safety-short-xact-timeout").start(IGNORES_CANCEL);
        stubborn.awaitAge("100 milliseconds");
        try (Statement st = caller.createStatement()) {
            // It ends the caller's session (FATAL), not only its statement, when it fires.
            st.execute("SET transaction_timeout = '2s'");
        }

        SQLException e = assertThrows(SQLException.class,
                () -> cancel("50 milliseconds", ESCALATE, "5 seconds", FOR_REAL));

        assertEquals(SqlState.INVALID_PARAMETER_VALUE.code(), e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains(
                "invalid value for parameter \"transaction_timeout\": \"2s\""), e.getMessage());
        assertEquals(0, swallowedCancels(stubborn), "a cancel was sent");
        assertTrue(stubborn.stillRunning());
    }

    @Test
    void before17NoTransactionTimeoutIsLookedForAndTheCallEscalates() throws Exception {
        assumeServerVersionBefore(17, "no transaction_timeout: the caller's transaction has"
                + " no limit of its own");
        Victim stubborn = victim("safety-no-xact-timeout").start(IGNORES_CANCEL);
        stubborn.awaitAge("100 milliseconds");
        try (Statement st = caller.createStatement()) {
            SQLException unknown = assertThrows(SQLException.class,
                    () -> st.execute("SET transaction_timeout = '2s'"));
            assertEquals("42704", unknown.getSQLState(), unknown.getMessage());
        }

        ActionRow row = rowFor(cancel("50 milliseconds", ESCALATE, "500 milliseconds", FOR_REAL),
                stubborn);

        assertEquals(Outcome.TERMINATED, row.outcome());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), stubborn.awaitFailure());
    }

    @Test
    void aQueryWithBytesThatAreNotUtf8NeitherStopsTheCallNorEscapesIt() throws Exception {
        // A SQL_ASCII database takes any bytes, and pg_stat_activity shows them to every
        // database of the cluster as they are.
        String database = "warden_it_ascii";
        server.sql().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        server.sql().execute("CREATE DATABASE " + database + " ENCODING 'SQL_ASCII'"
                + " LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        Path script = Files.createTempFile("pgwarden-it-ascii", ".sql");
        Process psql = null;
        try {
            Files.write(script, new byte[] {'S', 'E', 'L', 'E', 'C', 'T', ' ', '/', '*', ' ',
                (byte) 0xff, (byte) 0xfe, ' ', '*', '/', ' ', 'p', 'g', '_', 's', 'l', 'e', 'e',
                'p', '(', '6', '0', ')', ';', '\n'});
            String app = Victims.APP_PREFIX + "-ascii";
            ProcessBuilder pb = new ProcessBuilder(server.clientProgram("psql").toString(),
                    "-X", "-h", server.host, "-p", String.valueOf(server.port), "-U",
                    server.superuser, "-d", database, "-f", script.toString())
                    .redirectErrorStream(true);
            pb.environment().put("PGAPPNAME", app);
            pb.environment().put("PGCLIENTENCODING", "SQL_ASCII");
            Process started = pb.start();
            psql = started;
            Poll.until("the SQL_ASCII session's query to run", Duration.ofSeconds(20),
                    () -> running(started, "psql") && activityCount("application_name = '"
                            + app + "' AND state = 'active'"
                            + " AND query_start < clock_timestamp() - interval '100 ms'") == 1);

            List<ActionRow> rows = cancel("50 milliseconds", CANCEL_ONLY, "5 seconds", FOR_REAL);

            ActionRow row = rows.stream().filter(r -> app.equals(r.applicationName()))
                    .findFirst().orElseThrow(() -> new AssertionError("no row: " + rows));
            assertEquals(Outcome.CANCELLED, row.outcome());
            assertTrue(row.queryPreview().contains("\ufffd"), row.queryPreview());
            assertTrue(psql.waitFor(20, TimeUnit.SECONDS), "psql did not end");
        } finally {
            if (psql != null) {
                psql.destroyForcibly();
            }
            Files.delete(script);
            server.sql().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    @Test
    void aCallWaitingOutItsGraceIsNeverSignalledByAnother() throws Exception {
        Victim stubborn = victim("safety-first-call").start(IGNORES_CANCEL);
        stubborn.awaitAge("100 milliseconds");
        try (Connection first = server.connect()) {
            int firstPid = pidOf(first);
            CompletableFuture<List<ActionRow>> waiting = CompletableFuture.supplyAsync(() -> {
                try {
                    return client().cancelLongRunning(first, "50 milliseconds", ESCALATE,
                            "3 seconds", FOR_REAL);
                } catch (SQLException e) {
                    throw new Victim.RuntimeSqlException(e);
                }
            });
            Poll.until("the first call to wait out its grace", Duration.ofSeconds(20),
                    () -> swallowedCancels(stubborn) == 1);
            Poll.until("the first call's transaction to be older than 100 ms",
                    Duration.ofSeconds(20), () -> activityCount("pid = " + firstPid
                            + " AND xact_start < clock_timestamp() - interval '100 ms'") == 1);

            // Both kinds a second call could take the first for: a long query, an idle
            // transaction between two of its statements.
            List<ActionRow> second = new ArrayList<>(
                    client().cancelLongRunning(caller, "50 milliseconds", CANCEL_ONLY, "1 second",
                            FOR_REAL));
            second.addAll(client().reapIdleInTx(caller, "10 milliseconds", FOR_REAL));

            assertTrue(second.stream().noneMatch(r -> r.pid() == firstPid), second.toString());
            ActionRow row = rowFor(waiting.get(30, TimeUnit.SECONDS), stubborn);
            assertEquals(Outcome.TERMINATED, row.outcome());
            assertEquals(List.of("cancel/still running", "terminate/terminated"),
                    audit(stubborn));
        }
    }

    @Test
    void aSessionThatHonoursTheCancelIsNotEscalatedEvenWithNoGrace() throws Exception {
        for (String grace : List.of("0", "20 milliseconds")) {
            Victim sleeper = victim("safety-no-grace").start("SELECT pg_sleep(60)");
            sleeper.awaitAge("100 milliseconds");

            ActionRow row = rowFor(cancel("50 milliseconds", ESCALATE, grace, FOR_REAL), sleeper);

            assertEquals(Action.CANCEL, row.action(), "grace " + grace);
            assertEquals(Outcome.CANCELLED, row.outcome(), "grace " + grace);
            assertEquals(SqlState.QUERY_CANCELED.code(), sleeper.awaitFailure());
            sleeper.assertUsable();
            sleeper.close();
        }
    }

    @Test
    void aDatabaseNameThatIsNotUtf8NeitherStopsTheCallNorEscapesIt() throws Exception {
        // Any role with CREATEDB may name a database so from a SQL_ASCII one.
        String database = "warden_it_ascii2";
        byte[] odd = {'w', 'a', 'r', 'd', 'e', 'n', '_', 'i', 't', '_', (byte) 0xff};
        server.sql().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        server.sql().execute("CREATE DATABASE " + database + " ENCODING 'SQL_ASCII'"
                + " LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
        Path script = Files.createTempFile("pgwarden-it-ascii", ".sql");
        Process psql = null;
        String app = Victims.APP_PREFIX + "-ascii-db";
        try (java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream()) {
            out.write("CREATE DATABASE \"".getBytes());
            out.write(odd);
            out.write("\" TEMPLATE template0 ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C';\n\\c \""
                    .getBytes());
            out.write(odd);
            out.write("\"\nBEGIN;\nSELECT 1;\n\\! sleep 60\n".getBytes());
            Files.write(script, out.toByteArray());
            ProcessBuilder pb = new ProcessBuilder(server.clientProgram("psql").toString(),
                    "-X", "-h", server.host, "-p", String.valueOf(server.port), "-U",
                    server.superuser, "-d", database, "-f", script.toString())
                    .redirectErrorStream(true);
            pb.environment().put("PGAPPNAME", app);
            pb.environment().put("PGCLIENTENCODING", "SQL_ASCII");
            Process started = pb.start();
            psql = started;
            Poll.until("the session in the oddly named database to idle in its transaction",
                    Duration.ofSeconds(20), () -> running(started, "psql")
                            && activityCount("application_name = '" + app
                            + "' AND state = 'idle in transaction'"
                            + " AND state_change < clock_timestamp() - interval '100 ms'") == 1);

            List<ActionRow> rows = client().reapIdleInTx(caller, "50 milliseconds", FOR_REAL);

            ActionRow row = rows.stream().filter(r -> app.equals(r.applicationName()))
                    .findFirst().orElseThrow(() -> new AssertionError("no row: " + rows));
            assertEquals(Outcome.TERMINATED, row.outcome());
            assertEquals("warden_it_\ufffd", row.datname());
        } finally {
            if (psql != null) {
                psql.destroyForcibly();
            }
            Victims.terminateLeftovers(server);
            // Named by its bytes, from the SQL_ASCII database: ours cannot spell it.
            try (java.io.ByteArrayOutputStream drop = new java.io.ByteArrayOutputStream()) {
                drop.write("DROP DATABASE IF EXISTS \"".getBytes());
                drop.write(odd);
                drop.write("\" WITH (FORCE);\n".getBytes());
                Files.write(script, drop.toByteArray());
                ProcessBuilder pb = new ProcessBuilder(server.clientProgram("psql").toString(),
                        "-X", "-q", "-h", server.host, "-p", String.valueOf(server.port), "-U",
                        server.superuser, "-d", database, "-f", script.toString())
                        .redirectErrorStream(true);
                pb.environment().put("PGCLIENTENCODING", "SQL_ASCII");
                Process dropper = pb.start();
                dropper.getInputStream().readAllBytes();
                dropper.waitFor(30, TimeUnit.SECONDS);
            }
            Files.delete(script);
            server.sql().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    // ---- D: operators cannot forge or break the audit -----------------------------------

    @Test
    void anOperatorCannotChangeTheAuditNorItsStampsNorThePolicyTrigger() throws Exception {
        String operator = role("warden_it_safety_op");
        client().grantOperator(caller, operator);
        try (Connection asOperator = server.connect(operator, PASSWORD, "pgwarden-it-op");
                Statement st = asOperator.createStatement()) {
            for (String refused : operatorRefusals()) {
                SQLException e = assertThrows(SQLException.class, () -> st.execute(refused),
                        refused);
                assertEquals(SqlState.INSUFFICIENT_PRIVILEGE.code(), e.getSQLState(),
                        refused + ": " + e.getMessage());
            }
            // Its one way in, the writer pgwarden's functions call, stamps the row itself:
            // its own name, now, a fresh id, whatever the entry says.
            st.executeQuery("""
                    SELECT warden.record_actions(json_build_array(json_build_object(
                        'id', 1, 'logged_at', '2000-01-01', 'caller', 'postgres',
                        'run_id', gen_random_uuid(), 'function', 'forged', 'pid', 1,
                        'action', 'terminate', 'outcome', 'terminated',
                        'application_name', 'it-safety-forged')))""").close();
        }
        try {
            assertEquals(List.of(operator), forgedCallers());
        } finally {
            server.sql().execute("DELETE FROM warden.action_log"
                    + " WHERE application_name = 'it-safety-forged'");
        }
    }

    /** Statements a warden_operator member must be refused, each with 42501. */
    List<String> operatorRefusals() {
        return List.of(
                """
                INSERT INTO warden.action_log (id, logged_at, caller, run_id, function, pid,
                    action, outcome)
                OVERRIDING SYSTEM VALUE
                VALUES (1, '2000-01-01', 'postgres', gen_random_uuid(), 'forged', 1,
                    'terminate', 'terminated')""",
                "UPDATE warden.action_log SET outcome = 'cancelled'",
                "DELETE FROM warden.action_log",
                "TRUNCATE warden.action_log",
                "SELECT setval('warden.action_log_id_seq', 1)",
                "ALTER TABLE warden.action_log DISABLE TRIGGER stamp",
                "ALTER TABLE warden.policy DISABLE TRIGGER check_intervals",
                "DROP TRIGGER stamp ON warden.action_log",
                "CREATE TABLE warden.mine (id integer)",
                "SELECT warden.purge_log('0')",
                "UPDATE warden.policy SET enabled = false",
                "INSERT INTO warden.exemption (name, usename, note) VALUES ('x', 'x', 'x')");
    }

    // ---- helpers ------------------------------------------------------------------------

    /** The callers and times the server recorded for the forged rows. */
    private List<String> forgedCallers() throws SQLException {
        List<String> callers = new ArrayList<>();
        try (Statement st = caller.createStatement(); ResultSet rs = st.executeQuery("""
                SELECT DISTINCT caller FROM warden.action_log
                WHERE application_name = 'it-safety-forged'
                  AND logged_at > clock_timestamp() - interval '1 hour'""")) {
            while (rs.next()) {
                callers.add(rs.getString(1));
            }
        }
        return callers;
    }

    void policy(String name, String kind, String threshold, String grace) throws SQLException {
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO warden.policy (name, kind, threshold, grace, application_name_like)
                VALUES (?, ?, ?::interval, ?::interval, ?)""")) {
            ps.setString(1, name);
            ps.setString(2, kind);
            ps.setString(3, threshold);
            ps.setString(4, grace);
            ps.setString(5, Victims.APP_PREFIX + "%");
            ps.executeUpdate();
        }
    }
}
