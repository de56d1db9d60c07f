package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Escalation.CANCEL_ONLY;
import static org.pgwarden.WardenClient.Escalation.ESCALATE;
import static org.pgwarden.WardenClient.Idle.EXCLUDE_IDLE;

import java.lang.reflect.Field;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.PGStream;
import org.postgresql.core.QueryExecutorBase;
import org.postgresql.util.PSQLException;

/**
 * The query column of warden.exemption and warden.policy, a regular expression for the
 * backend's query text: the default exemption of concurrent index builds, exemptions and
 * policies that match only some queries, and patterns refused when written or, smuggled
 * past the trigger, before the first signal. Subclasses choose the way of calling pgwarden.
 */
abstract class QueryPatternScenarios extends ScenarioBase {

    private static final String CONCURRENT_NOTE = "CREATE INDEX CONCURRENTLY and REINDEX"
            + " CONCURRENTLY: cancelled midway they leave an invalid index behind";

    @AfterEach
    void dropRows() throws SQLException {
        server.sql().execute("DELETE FROM warden.exemption WHERE name LIKE 'it\\_%'");
        server.sql().execute("DELETE FROM warden.policy WHERE name LIKE 'it\\_%'");
    }

    @Test
    void aConcurrentIndexBuildIsSkippedAsExemptAndItsIndexEndsValid() throws Exception {
        String table = table("warden_it_cic");
        // A writer's open transaction keeps the build waiting, as any old transaction can.
        Victim writer = victim("cic-writer")
                .idleInTransaction("INSERT INTO " + table + " VALUES (1)");
        Victim build = victim("cic-build").start(
                "  create unique index concurrently if not exists warden_it_cic_idx ON "
                        + table + " (id)");
        Victim plain = victim("cic-plain").start("SELECT pg_sleep(60)");
        build.awaitAge("100 milliseconds");
        plain.awaitAge("100 milliseconds");
        insertPolicy("it_cic", PolicyKind.LONG_RUNNING.sql(), Victims.APP_PREFIX + "-cic-%", null);

        ReportRow shown = reportRowFor(client().backendReport(caller, EXCLUDE_IDLE), build);
        List<ActionRow> enforced = client().enforce(caller, FOR_REAL);
        List<ActionRow> cancelled =
                cancel("50 milliseconds", ESCALATE, "300 milliseconds", FOR_REAL);

        for (List<ActionRow> rows : List.of(enforced, cancelled)) {
            ActionRow row = rowFor(rows, build);
            assertEquals(Outcome.EXEMPT, row.outcome(), rows::toString);
            assertEquals(CONCURRENT_NOTE + "; query chosen by the client", row.exemption());
        }
        assertEquals(CONCURRENT_NOTE + "; query chosen by the client", shown.exemption());
        assertEquals(Outcome.CANCELLED, rowFor(enforced, plain).outcome());
        assertTrue(build.stillRunning());
        writer.conn.commit();
        build.awaitSuccess();
        assertEquals(1, scalar("SELECT count(*) FROM pg_index WHERE indisvalid AND indexrelid"
                + " = 'warden_it_cic_idx'::regclass"));
        String exempt = "none/skipped: exempt (" + CONCURRENT_NOTE
                + "; query chosen by the client)";
        assertEquals(List.of(exempt, exempt), audit(build));
    }

    @Test
    void aConcurrentIndexBuildSentAsOneSimpleQueryIsExemptToo() throws Exception {
        // psql -c sends one Query message, where pgjdbc sends Parse, Bind and Execute.
        String table = table("warden_it_cic_psql");
        Victim writer = victim("cic-psql-writer")
                .idleInTransaction("INSERT INTO " + table + " VALUES (1)");
        String app = Victims.APP_PREFIX + "-cic-psql";
        ProcessBuilder pb = new ProcessBuilder(server.clientProgram("psql").toString(), "-X",
                "-c", "CREATE INDEX CONCURRENTLY warden_it_cic_psql_idx ON " + table + " (id)")
                .redirectErrorStream(true);
        pb.environment().putAll(server.libpqEnvironment());
        pb.environment().put("PGAPPNAME", app);
        Process psql = pb.start();
        try {
            Poll.until("the build to wait for the writer", Duration.ofSeconds(20),
                    () -> running(psql, "psql") && activityCount("application_name = '" + app
                            + "' AND state = 'active' AND wait_event_type = 'Lock'"
                            + " AND query_start < clock_timestamp() - interval '100 ms'") == 1);

            List<ActionRow> rows =
                    cancel("50 milliseconds", ESCALATE, "300 milliseconds", FOR_REAL);

            ActionRow row = rows.stream().filter(r -> app.equals(r.applicationName()))
                    .findFirst().orElseThrow(() -> new AssertionError("no row: " + rows));
            assertEquals(Outcome.EXEMPT, row.outcome(), rows::toString);
            writer.conn.commit();
            assertTrue(psql.waitFor(30, TimeUnit.SECONDS), "psql did not end");
            assertEquals(0, psql.exitValue(), new String(psql.getInputStream().readAllBytes()));
            assertEquals(1, scalar("SELECT count(*) FROM pg_index WHERE indisvalid"
                    + " AND indexrelid = 'warden_it_cic_psql_idx'::regclass"));
        } finally {
            psql.destroyForcibly();
        }
    }

    @Test
    void aBuildThatFailedInASavepointLeavesItsTextButNoExemptionToReapIdleInTx()
            throws Exception {
        String table = table("warden_it_cic_savepoint");
        Victim hostile = lockThenFailABuildInASavepoint("cic-savepoint", table);
        Victim waiter = victim("cic-savepoint-waiter").start("SELECT count(*) FROM " + table);
        hostile.awaitAge("100 milliseconds");

        ReportRow shown = reportRowFor(client().backendReport(caller, EXCLUDE_IDLE), hostile);
        List<ActionRow> rows = client().reapIdleInTx(caller, "50 milliseconds", FOR_REAL);

        assertNull(shown.exemption(), shown::toString);
        assertEquals(Outcome.TERMINATED, rowFor(rows, hostile).outcome(), rows::toString);
        waiter.awaitSuccess();
    }

    @Test
    void aBuildThatFailedInASavepointLeavesItsTextButNoExemptionToABlockersPolicy()
            throws Exception {
        String table = table("warden_it_cic_savepoint_root");
        Victim hostile = lockThenFailABuildInASavepoint("cic-savepoint-root", table);
        Victim waiter = victim("cic-savepoint-root-waiter")
                .start("SELECT count(*) FROM " + table);
        waiter.awaitAge("100 milliseconds");
        insertPolicy("it_roots", PolicyKind.BLOCKERS.sql(), Victims.APP_PREFIX + "-cic-%", null);

        List<ActionRow> rows = client().enforce(caller, FOR_REAL);

        assertEquals(Outcome.TERMINATED, rowFor(rows, hostile).outcome(), rows::toString);
        waiter.awaitSuccess();
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), hostile.nextStatementSqlState());
    }

    @Test
    void aParsedBuildThatNeverRunsClaimsNoExemption() throws Exception {
        String table = table("warden_it_cic_parse");
        Victim hostile = victim("cic-parse");
        hostile.conn.setAutoCommit(false);
        hostile.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        String text = "CREATE INDEX CONCURRENTLY warden_it_cic_parse_idx ON " + table + " (id)";
        // Parse without Sync: the server shows the text as the one it runs, 'active'.
        parseWithoutSync(hostile.conn, text);
        hostile.awaitState("active");
        Victim waiter = victim("cic-parse-waiter").start("SELECT count(*) FROM " + table);
        waiter.awaitAge("100 milliseconds");
        assertEquals(text, server.sql().queryString(
                "SELECT query FROM pg_stat_activity WHERE pid = " + hostile.pid));

        ReportRow shown = reportRowFor(client().backendReport(caller, EXCLUDE_IDLE), hostile);
        List<ActionRow> rows = client().terminateBlockers(caller, "50 milliseconds",
                "1 second", FOR_REAL);

        assertNull(shown.exemption(), shown::toString);
        assertEquals(Outcome.TERMINATED, rowFor(rows, hostile).outcome(), rows::toString);
        waiter.awaitSuccess();
    }

    @Test
    void noOtherStatementCanHideBehindAConcurrentBuildAtTheStartOfItsText() throws Exception {
        String table = table("warden_it_cic_prefix");
        // One Query message, whose whole text pg_stat_activity shows: the server refuses
        // the build before anything after it runs.
        Properties props = new Properties();
        props.setProperty("user", server.superuser);
        if (server.password != null) {
            props.setProperty("password", server.password);
        }
        props.setProperty("preferQueryMode", "simple");
        try (Connection simple = DriverManager.getConnection("jdbc:postgresql://" + server.host
                + ":" + server.port + "/" + TestServer.DATABASE, props);
                Statement st = simple.createStatement()) {
            for (String hostile : List.of(
                    "CREATE INDEX CONCURRENTLY warden_it_cic_prefix_idx ON " + table
                            + " (id); SELECT pg_sleep(60)",
                    "REINDEX TABLE CONCURRENTLY " + table + "; SELECT pg_sleep(60)")) {
                long start = System.nanoTime();
                SQLException e = assertThrows(SQLException.class, () -> st.execute(hostile));
                assertEquals("25001", e.getSQLState(), e.getMessage());
                assertTrue(System.nanoTime() - start < 30_000_000_000L, "the sleep ran");
            }
        }
        assertEquals(0, scalar("SELECT count(*) FROM pg_class"
                + " WHERE relname = 'warden_it_cic_prefix_idx'"));
    }

    @Test
    void aPolicyWithAQueryPatternActsOnlyOnTheQueriesItMatches() throws Exception {
        Victim report = victim("pattern-report").start("SELECT pg_sleep(60) /* nightly */");
        Victim other = victim("pattern-other").start("SELECT pg_sleep(60)");
        report.awaitAge("100 milliseconds");
        other.awaitAge("100 milliseconds");
        insertPolicy("it_nightly", PolicyKind.LONG_RUNNING.sql(), Victims.APP_PREFIX + "-pattern-%",
                "(?i)/[*] NIGHTLY [*]/");

        List<ReportRow> shown = client().backendReport(caller, EXCLUDE_IDLE);
        List<ActionRow> rows = client().enforce(caller, FOR_REAL);

        assertTrue(reportRowFor(shown, report).advice()
                .startsWith("enforce() policy 'it_nightly' would cancel it now"),
                reportRowFor(shown, report).advice());
        assertTrue(reportRowFor(shown, other).advice().startsWith("cancel_long_running"),
                reportRowFor(shown, other).advice());
        assertEquals(Outcome.CANCELLED, rowFor(rows, report).outcome());
        assertTrue(rows.stream().noneMatch(r -> r.pid() == other.pid), rows::toString);
        assertEquals(SqlState.QUERY_CANCELED.code(), report.awaitFailure());
        assertTrue(other.stillRunning());
    }

    @Test
    void anExemptionWithAQueryPatternProtectsOnlyTheStatementsRunningIt() throws Exception {
        exemption("it_keep", "^SELECT 'it-keep'");
        Victim kept = victim("pattern-kept").start("SELECT 'it-keep', pg_sleep(60)");
        Victim cancelled = victim("pattern-cancelled").start("SELECT 'it-other', pg_sleep(60)");
        // Its last statement matches, but an idle session runs none.
        Victim reaped = victim("pattern-reaped").idleInTransaction("SELECT 'it-keep'");
        kept.awaitAge("100 milliseconds");
        cancelled.awaitAge("100 milliseconds");
        reaped.awaitAge("100 milliseconds");
        String shown = "note it_keep; query chosen by the client";

        List<ReportRow> report = client().backendReport(caller, EXCLUDE_IDLE);
        List<ActionRow> idle = client().reapIdleInTx(caller, "50 milliseconds", FOR_REAL);
        List<ActionRow> active = cancel("50 milliseconds", CANCEL_ONLY, "5 seconds", FOR_REAL);

        assertEquals(shown, reportRowFor(report, kept).exemption());
        assertNull(reportRowFor(report, cancelled).exemption());
        assertNull(reportRowFor(report, reaped).exemption());
        assertEquals(Outcome.EXEMPT, rowFor(active, kept).outcome());
        assertEquals(shown, rowFor(active, kept).exemption());
        assertEquals(Outcome.CANCELLED, rowFor(active, cancelled).outcome());
        assertEquals(Outcome.TERMINATED, rowFor(idle, reaped).outcome());
        assertTrue(kept.stillRunning());
        assertEquals(SqlState.QUERY_CANCELED.code(), cancelled.awaitFailure());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), reaped.nextStatementSqlState());
    }

    @Test
    void aPatternThatDoesNotCompileIsRefusedWhenWritten() throws Exception {
        PSQLException inserted = assertThrows(PSQLException.class,
                () -> exemption("it_broken", "(unbalanced"));
        assertRefused(inserted, "(unbalanced", "parentheses () not balanced");

        insertPolicy("it_fine", PolicyKind.IDLE_IN_TX.sql(), "it-fine", "^SELECT");
        PSQLException updated = assertThrows(PSQLException.class, () -> server.sql().execute(
                "UPDATE warden.policy SET query = 'a{2,1}' WHERE name = 'it_fine'"));
        assertRefused(updated, "a{2,1}", "invalid repetition count(s)");
        assertEquals(1, scalar("SELECT count(*) FROM warden.policy"
                + " WHERE name = 'it_fine' AND query = '^SELECT'"));
    }

    @Test
    void aBrokenPatternWrittenWithTriggersOffIsRefusedBeforeTheFirstSignal() throws Exception {
        // Policies apply blockers, idle_in_tx, long_running: the idle one would act before
        // the long_running one's pattern is first compiled.
        insertPolicy("it_first", PolicyKind.IDLE_IN_TX.sql(), Victims.APP_PREFIX + "-smuggled-%",
                null);
        try (Connection owner = server.connect(); Statement st = owner.createStatement()) {
            st.execute("SET session_replication_role = replica");
            st.execute("INSERT INTO warden.policy (name, kind, threshold, query)"
                    + " VALUES ('it_later', 'long_running', '1 hour', '(unbalanced')");
        }
        Victim idle = victim("smuggled-tx").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");

        SQLException e = assertThrows(SQLException.class,
                () -> client().enforce(caller, FOR_REAL));

        assertEquals("2201B", e.getSQLState(), e.getMessage());
        assertEquals("idle in transaction", idle.stateSeen());
        idle.assertUsable();
        assertEquals(List.of(), audit(idle));
    }

    // ---- helpers ------------------------------------------------------------------------

    static void assertRefused(PSQLException e, String value, String reason) {
        assertEquals("2201B", e.getSQLState(), e.getMessage());
        assertEquals("invalid value for column \"query\": \"" + value + "\"",
                e.getServerErrorMessage().getMessage());
        String detail = e.getServerErrorMessage().getDetail();
        assertTrue(detail.contains(reason), detail);
    }

    /**
     * A session that holds an ACCESS EXCLUSIVE lock on {@code table}, then fails a concurrent
     * build of an index on it inside a savepoint (25001): only the savepoint aborts, and the
     * session stays 'idle in transaction (aborted)' with the build's text, its lock held.
     */
    Victim lockThenFailABuildInASavepoint(String name, String table) throws SQLException {
        Victim hostile = victim(name);
        hostile.conn.setAutoCommit(false);
        hostile.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        hostile.execute("SAVEPOINT s");
        SQLException e = assertThrows(SQLException.class, () -> hostile.execute(
                "CREATE INDEX CONCURRENTLY " + table + "_idx ON " + table + " (id)"));
        assertEquals("25001", e.getSQLState(), e.getMessage());
        hostile.awaitState("idle in transaction (aborted)");
        return hostile;
    }

    /**
     * Sends a Parse message of {@code sql} on {@code conn} and nothing after it, no Sync:
     * the server shows the backend 'active' with that text while it waits for the next
     * message. pgjdbc sends no bare Parse, so its stream is reached by reflection; the
     * connection is of no further use.
     */
    static void parseWithoutSync(Connection conn, String sql) throws Exception {
        Object executor = conn.unwrap(BaseConnection.class).getQueryExecutor();
        Field field = QueryExecutorBase.class.getDeclaredField("pgStream");
        field.setAccessible(true);
        PGStream stream = (PGStream) field.get(executor);
        byte[] text = sql.getBytes(StandardCharsets.UTF_8);
        stream.sendChar('P');
        // length, the unnamed statement's empty name, the text, no parameter types
        stream.sendInteger4(4 + 1 + text.length + 1 + 2);
        stream.sendChar(0);
        stream.send(text);
        stream.sendChar(0);
        stream.sendInteger2(0);
        stream.flush();
    }

    /** Adds exemption {@code name} for the queries matching {@code pattern}. */
    void exemption(String name, String pattern) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement(
                "INSERT INTO warden.exemption (name, query, note) VALUES (?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, pattern);
            ps.setString(3, "note " + name);
            ps.executeUpdate();
        }
    }

    /** Adds an immediate policy for the sessions LIKE {@code app} running {@code query}. */
    void insertPolicy(String name, String kind, String app, String query) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement("""
                INSERT INTO warden.policy (name, kind, threshold, application_name_like, query)
                VALUES (?, ?, '50 milliseconds', ?, ?)""")) {
            ps.setString(1, name);
            ps.setString(2, kind);
            ps.setString(3, app);
            ps.setString(4, query);
            ps.executeUpdate();
        }
    }

}
