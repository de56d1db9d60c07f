package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.pgwarden.WardenClient.DryRun.DRY_RUN;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Escalation.CANCEL_ONLY;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * Hearing of pgwarden's actions: the NOTIFY a call sends after its audit rows, received by
 * a real LISTEN session as a program using pgjdbc receives it, and warden.action_summary
 * read as postgres_exporter reads it, through the query docs/postgres_exporter-queries.yaml
 * ships. Subclasses choose the way of calling pgwarden.
 */
abstract class MonitoringScenarios extends ScenarioBase {

    private static final Duration DELIVERY = Duration.ofSeconds(10);
    /** The usename of the audit rows the tests write themselves, which they delete. */
    private static final String SUMMARY_ROWS = "it_summary";
    /** A policy that exists and applies to nothing: the summary keeps its name. */
    private static final String SUMMARY_POLICY = "it_summary";

    private final List<Listener> listeners = new ArrayList<>();

    @AfterEach
    void closeListenersAndPolicies() throws SQLException {
        for (Listener l : listeners) {
            l.conn.close();
        }
        server.sql().execute("DELETE FROM warden.policy WHERE name LIKE 'it\\_notify%'"
                + " OR name = '" + SUMMARY_POLICY + "'");
        server.sql().execute(
                "DELETE FROM warden.action_log WHERE usename = '" + SUMMARY_ROWS + "'");
    }

    // ---- notifications ------------------------------------------------------------------

    @Test
    void aListenerHearsOfAReapedIdleTransactionWithTheCountsOfItsRun() throws Exception {
        Listener listener = listen("warden");
        Victim idle = victim("notify-reaped").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");

        assertEquals(Outcome.TERMINATED, rowFor(reap(), idle).outcome());

        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), idle.nextStatementSqlState());
        Heard heard = listener.next();
        assertEquals("warden", heard.channel);
        String runId = auditOf(idle, "run_id::text").get(0);
        assertEquals(runId, heard.field("run_id"));
        assertEquals("reap_idle_in_tx", heard.field("function"));
        assertEquals(TestServer.DATABASE, heard.field("database"));
        assertEquals("[]", heard.field("policies"));
        assertEquals("0", heard.field("policies_omitted"));
        assertEquals(rowsOfRun(runId), heard.counts("outcomes"));
        assertEquals(String.valueOf(rowsOfRun(runId).values().stream()
                .mapToLong(Long::longValue).sum()), heard.field("rows"));
        assertTrue(heard.counts("actions").getOrDefault("terminate", 0L) >= 1, heard.payload);
    }

    @Test
    void enforceSendsOneNotificationForItsWholeRunNamingItsPolicies() throws Exception {
        Listener listener = listen("warden");
        notifyPolicy("it_notify_idle", PolicyKind.IDLE_IN_TX.sql());
        notifyPolicy("it_notify_slow", PolicyKind.LONG_RUNNING.sql());
        Victim idle = victim("notify-enforce-idle").idleInTransaction("SELECT 1");
        Victim slow = victim("notify-enforce-slow").start("SELECT pg_sleep(60)");
        idle.awaitAge("100 milliseconds");
        slow.awaitAge("100 milliseconds");

        List<ActionRow> rows = client().enforce(caller, FOR_REAL);

        assertEquals(Outcome.TERMINATED, rowFor(rows, idle).outcome());
        assertEquals(Outcome.CANCELLED, rowFor(rows, slow).outcome());
        assertEquals(SqlState.QUERY_CANCELED.code(), slow.awaitFailure());
        String runId = auditOf(idle, "run_id::text").get(0);
        assertEquals(List.of(runId), auditOf(slow, "run_id::text"));
        Heard heard = listener.next();
        assertEquals(runId, heard.field("run_id"));
        assertEquals("enforce", heard.field("function"));
        assertEquals("[\"it_notify_idle\",\"it_notify_slow\"]", heard.field("policies"));
        assertEquals(Map.of("terminated", 1L, "cancelled", 1L), heard.counts("outcomes"));
        assertEquals(Map.of("terminate", 1L, "cancel", 1L), heard.counts("actions"));
        assertEquals(rowsOfRun(runId), heard.counts("outcomes"));
        assertEquals("2", heard.field("rows"));

        // One notification for the run: the next one heard is the next call's.
        assertEquals(reapSentinel(), listener.next().field("run_id"));
    }

    @Test
    void aDryRunACallThatFoundNothingAndARolledBackCallSendNothing() throws Exception {
        Listener listener = listen("warden");
        Victim idle = victim("notify-rolled-back").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");

        assertEquals(Outcome.DRY_RUN,
                rowFor(client().reapIdleInTx(caller, "50 milliseconds", DRY_RUN), idle).outcome());
        assertEquals(List.of(), cancel("3650 days", CANCEL_ONLY, "5 seconds", FOR_REAL));
        caller.setAutoCommit(false);
        assertEquals(Outcome.TERMINATED, rowFor(reap(), idle).outcome());
        caller.rollback();
        caller.setAutoCommit(true);

        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), idle.nextStatementSqlState());
        assertEquals(List.of(), auditOf(idle, "run_id::text"), "the rollback kept audit rows");
        assertEquals(reapSentinel(), listener.next().field("run_id"),
                "a notification came before the sentinel's");
    }

    @Test
    void theChannelIsTheSettingsAndOffSendsNothing() throws Exception {
        String channel = "Warden Ops \"it\"";
        String operator = role("warden_it_notify_op");
        String app = role("warden_it_notify_app");
        client().grantOperator(caller, operator);
        server.sql().execute("ALTER ROLE " + operator + " SET warden.notify_channel = '"
                + channel.replace("'", "''") + "'");
        Listener ops = listen(channel);
        Listener fallback = listen("warden");
        Victim appTx = victim(app, "notify-channel").idleInTransaction("SELECT 1");
        appTx.awaitAge("100 milliseconds");

        try (Connection asOperator = server.connect(operator, PASSWORD, "pgwarden-it-notify")) {
            assertEquals(Outcome.TERMINATED, rowFor(client().reapIdleInTx(asOperator,
                    "50 milliseconds", FOR_REAL), appTx).outcome());
        }
        Heard heard = ops.next();
        assertEquals(channel, heard.channel);
        assertEquals(auditOf(appTx, "run_id::text").get(0), heard.field("run_id"));

        try (Statement st = caller.createStatement()) {
            st.execute("SET warden.notify_channel = 'off'");
        }
        Victim quiet = victim(app, "notify-quiet").idleInTransaction("SELECT 1");
        quiet.awaitAge("100 milliseconds");
        assertEquals(Outcome.TERMINATED, rowFor(reap(), quiet).outcome());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), quiet.nextStatementSqlState());
        // RESET leaves a custom setting empty, not unset: the default channel again.
        try (Statement st = caller.createStatement()) {
            st.execute("RESET warden.notify_channel");
        }
        assertEquals(reapSentinel(), fallback.next().field("run_id"),
                "the call with warden.notify_channel = 'off' notified");
    }

    @Test
    void aChannelNameTooLongIsRefusedBeforeAnySignal() throws Exception {
        Victim idle = victim("notify-too-long").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");
        // 32 characters, 64 bytes in UTF-8: a name has at most 63.
        String channel = "é".repeat(32);
        try (Statement st = caller.createStatement()) {
            st.execute("SET warden.notify_channel = '" + channel + "'");
        }

        refused("warden.notify_channel", '"' + channel + '"', () -> reap());

        idle.assertUsable();
        assertEquals(List.of(), auditOf(idle, "action"));
    }

    @Test
    void aPayloadFillsWhatPgNotifyTakesAndNoMore() throws Exception {
        Notification notification;
        try (Statement st = caller.createStatement();
                ResultSet rs = st.executeQuery("SELECT " + Notification.COLUMNS)) {
            rs.next();
            notification = Notification.of(caller, rs, 1);
        }
        int max = notification.maxPayload();
        String payload = Notification.payload(NotificationTest.RUN, TestServer.DATABASE,
                NotificationTest.rows(400, "p".repeat(60)), max);
        assertTrue(payload.length() > max - 70, payload.length() + " of " + max);

        try (PreparedStatement ps = caller.prepareStatement("SELECT pg_notify('it', ?)")) {
            ps.setString(1, payload + " ".repeat(max - payload.length()));
            ps.executeQuery().close();
            ps.setString(1, payload + " ".repeat(max - payload.length() + 1));
            SQLException e = assertThrows(SQLException.class, () -> ps.executeQuery().close());
            assertEquals(SqlState.INVALID_PARAMETER_VALUE.code(), e.getSQLState(),
                    e.getMessage());
        }
    }

    // ---- warden.action_summary and postgres_exporter ------------------------------------

    @Test
    void theSummaryCountsByLabelOverTheLastHourAndDay() throws Exception {
        // One row per outcome, each with a detail where it has one, logged a minute ago;
        // terminated also two hours and two days ago: under a policy that exists.
        summaryPolicy();
        for (Outcome o : Outcome.values()) {
            logRow(SUMMARY_POLICY, "none", o.text("detail 'x'"), "1 minute");
        }
        logRow(SUMMARY_POLICY, "terminate", Outcome.TERMINATED.label(), "2 hours");
        logRow(SUMMARY_POLICY, "terminate", Outcome.TERMINATED.label(), "2 days");
        Map<String, String> summary = summary("policy = '" + SUMMARY_POLICY + "'");

        for (Outcome o : Outcome.values()) {
            assertEquals("1 1", summary.remove(SUMMARY_POLICY + "/none/" + o.label()),
                    o.name());
        }
        assertEquals("0 1", summary.remove(SUMMARY_POLICY + "/terminate/"
                + Outcome.TERMINATED.label()));
        assertEquals(Map.of(), summary);
        assertEquals("1", server.sql().queryString("SELECT count(*) FROM warden.action_summary"
                + " WHERE policy = '" + SUMMARY_POLICY + "' AND action = 'terminate'"
                + " AND last_logged_at BETWEEN now() - interval '2 hours 1 minute'"
                + " AND now() - interval '1 hour 59 minutes'"),
                "last_logged_at is the newest row's");

        String key = "/terminate/terminated";
        long before = Long.parseLong(summary("function = 'reap_idle_in_tx' AND policy IS NULL")
                .getOrDefault(key, "0 0").split(" ")[0]);
        Victim idle = victim("summary-reaped").idleInTransaction("SELECT 1");
        idle.awaitAge("100 milliseconds");
        assertEquals(Outcome.TERMINATED, rowFor(reap(), idle).outcome());
        assertEquals(before + 1, Long.parseLong(summary("function = 'reap_idle_in_tx'"
                + " AND policy IS NULL").get(key).split(" ")[0]));
    }

    @Test
    void aRowForgedThroughRecordActionsShowsOnlyLabelsPgwardenWrites() throws Exception {
        String forger = role("warden_it_forger");
        client().grantOperator(caller, forger);
        String other = "function = 'other' AND policy = 'other' AND action = 'other'"
                + " AND outcome = 'other'";
        long before = Long.parseLong(summary(other).getOrDefault("other/other/other",
                "0 0").split(" ")[1]);

        try (Connection c = server.connect(forger, PASSWORD, "it-forger");
                PreparedStatement ps = c.prepareStatement(
                        "SELECT warden.record_actions(?::json)")) {
            ps.setString(1, "[{\"run_id\":\"" + java.util.UUID.randomUUID() + "\","
                    + "\"function\":\"it forged: alice\",\"policy\":\"it no such policy\","
                    + "\"pid\":1,\"usename\":\"" + SUMMARY_ROWS + "\","
                    + "\"action\":\"it forged: 10.0.0.1\","
                    + "\"outcome\":\"SELECT secret FROM payroll\"}]");
            ps.executeQuery().close();
        }

        assertEquals(before + 1, Long.parseLong(summary(other).get("other/other/other")
                .split(" ")[1]));
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT function, policy, action, outcome"
                        + " FROM warden.action_summary")) {
            List<String> functions = new ArrayList<>(ActionSummaryTest.FUNCTIONS);
            functions.add("other");
            List<String> actions = new ArrayList<>(List.of("other"));
            for (Action a : Action.values()) {
                actions.add(a.label());
            }
            List<String> outcomes = new ArrayList<>(List.of("other"));
            for (Outcome o : Outcome.values()) {
                outcomes.add(o.label());
            }
            while (rs.next()) {
                assertTrue(functions.contains(rs.getString(1)), rs.getString(1));
                assertTrue(actions.contains(rs.getString(3)), rs.getString(3));
                assertTrue(outcomes.contains(rs.getString(4)), rs.getString(4));
                String policy = rs.getString(2);
                assertTrue(policy == null || policy.equals("other") || server.sql().queryBoolean(
                        "SELECT EXISTS (SELECT FROM warden.policy WHERE name = "
                                + "'" + policy.replace("'", "''") + "')"), policy);
            }
        }
    }

    @Test
    void theExportersQueryRunsAsAMonitoringRoleAndReturnsTheColumnsItDeclares()
            throws Exception {
        ExporterQuery query = ExporterQuery.read(Path.of(
                System.getProperty("pgwarden.basedir", "."), "docs",
                "postgres_exporter-queries.yaml"));
        assertEquals("pgwarden_actions", query.namespace);
        assertEquals(Map.of("function", "LABEL", "policy", "LABEL", "action", "LABEL",
                "outcome", "LABEL", "last_hour", "GAUGE", "last_day", "GAUGE",
                "last_logged_at_seconds", "GAUGE"), query.usages);
        logRow(null, "none", Outcome.GONE.label(), "1 minute");
        String monitor = role("warden_it_exporter");
        server.sql().execute("GRANT pg_monitor TO " + monitor);
        String operator = role("warden_it_exporter_op");
        client().grantOperator(caller, operator);

        for (String user : List.of(monitor, operator)) {
            try (Connection exporter = server.connect(user, PASSWORD, "postgres_exporter");
                    Statement st = exporter.createStatement()) {
                int rows = 0;
                boolean directCall = false;
                try (ResultSet rs = st.executeQuery(query.sql)) {
                    ResultSetMetaData md = rs.getMetaData();
                    List<String> columns = new ArrayList<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        columns.add(md.getColumnLabel(i));
                    }
                    assertEquals(new ArrayList<>(query.usages.keySet()), columns, user);
                    while (rs.next()) {
                        rows++;
                        for (String label : List.of("function", "policy", "action",
                                "outcome")) {
                            assertTrue(rs.getString(label) != null, label + " NULL for " + user);
                        }
                        directCall |= IdleTransactionReaper.FUNCTION.equals(
                                rs.getString("function")) && rs.getString("policy").isEmpty();
                        rs.getDouble("last_logged_at_seconds");
                        assertTrue(!rs.wasNull(), "last_logged_at_seconds NULL");
                    }
                }
                assertTrue(rows > 0, user);
                assertTrue(directCall, "a direct call's row, with policy '', for " + user);
                if (user.equals(monitor)) {
                    SQLException e = assertThrows(SQLException.class,
                            () -> st.executeQuery("SELECT count(*) FROM warden.action_log"));
                    assertEquals(SqlState.INSUFFICIENT_PRIVILEGE.code(), e.getSQLState());
                }
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    private List<ActionRow> reap() throws SQLException {
        return client().reapIdleInTx(caller, "50 milliseconds", FOR_REAL);
    }

    /**
     * Reaps a fresh idle transaction, a call that must notify, and returns its run_id: a
     * listener that hears it first heard nothing from the calls before.
     */
    private String reapSentinel() throws Exception {
        Victim sentinel = victim("notify-sentinel").idleInTransaction("SELECT 1");
        sentinel.awaitAge("100 milliseconds");
        assertEquals(Outcome.TERMINATED, rowFor(reap(), sentinel).outcome());
        return auditOf(sentinel, "run_id::text").get(0);
    }

    private void notifyPolicy(String name, String kind) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement("""
                INSERT INTO warden.policy (name, kind, threshold, application_name_like)
                VALUES (?, ?, '50 milliseconds', ?)""")) {
            ps.setString(1, name);
            ps.setString(2, kind);
            ps.setString(3, Victims.APP_PREFIX + "-notify-enforce-%");
            ps.executeUpdate();
        }
    }

    /** The audit rows of a run per outcome label, as the payload counts them. */
    private Map<String, Long> rowsOfRun(String runId) throws SQLException {
        Map<String, Long> counts = new HashMap<>();
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT outcome FROM warden.action_log WHERE run_id = ?::uuid")) {
            ps.setString(1, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.merge(Outcome.ofLabel(rs.getString(1)).label(), 1L, Long::sum);
                }
            }
        }
        return counts;
    }

    /**
     * An audit row of reap_idle_in_tx (under {@code policy}, or a direct call), written as
     * the table's owner, of usename {@link #SUMMARY_ROWS}.
     */
    private void logRow(String policy, String action, String outcome, String ago)
            throws SQLException {
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO warden.action_log (logged_at, run_id, function, policy, pid,
                    usename, action, outcome)
                VALUES (clock_timestamp() - ?::interval, gen_random_uuid(), ?, ?, 1, ?, ?, ?)
                """)) {
            ps.setString(1, ago);
            ps.setString(2, IdleTransactionReaper.FUNCTION);
            ps.setString(3, policy);
            ps.setString(4, SUMMARY_ROWS);
            ps.setString(5, action);
            ps.setString(6, outcome);
            ps.executeUpdate();
        }
    }

    /** Policy {@link #SUMMARY_POLICY}, switched off: enforce() applies nothing of it. */
    private void summaryPolicy() throws SQLException {
        server.sql().execute("INSERT INTO warden.policy (name, kind, threshold, enabled, usename)"
                + " VALUES ('" + SUMMARY_POLICY + "', 'idle_in_tx', '1 day', false,"
                + " 'warden_it_nobody')");
    }

    /** "policy/action/outcome" to "last_hour last_day" of the view's rows where cond. */
    private Map<String, String> summary(String condition) throws SQLException {
        Map<String, String> rows = new HashMap<>();
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT coalesce(policy, ''), action, outcome,"
                        + " last_hour, last_day FROM warden.action_summary WHERE "
                        + condition)) {
            while (rs.next()) {
                rows.put(rs.getString(1) + "/" + rs.getString(2) + "/" + rs.getString(3),
                        rs.getLong(4) + " " + rs.getLong(5));
            }
        }
        return rows;
    }

    private Listener listen(String channel) throws SQLException {
        Listener l = new Listener(server.connect(), channel);
        listeners.add(l);
        return l;
    }

    /** A session that LISTENs, as a program does with pgjdbc's getNotifications. */
    private static final class Listener {

        final Connection conn;
        private final Deque<PGNotification> heard = new ArrayDeque<>();

        Listener(Connection conn, String channel) throws SQLException {
            this.conn = conn;
            String quoted;
            try (PreparedStatement ps = conn.prepareStatement("SELECT quote_ident(?)")) {
                ps.setString(1, channel);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    quoted = rs.getString(1);
                }
            }
            try (Statement st = conn.createStatement()) {
                st.execute("LISTEN " + quoted);
            }
        }

        /** The next notification, waiting for it up to {@link #DELIVERY}. */
        Heard next() throws SQLException {
            long deadline = System.nanoTime() + DELIVERY.toNanos();
            while (heard.isEmpty()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    fail("no notification within " + DELIVERY);
                }
                PGNotification[] got = conn.unwrap(PGConnection.class)
                        .getNotifications((int) Math.max(1, left));
                if (got != null) {
                    heard.addAll(List.of(got));
                }
            }
            PGNotification n = heard.poll();
            return new Heard(conn, n.getName(), n.getParameter());
        }
    }

    /** A notification received, its payload read by the server's JSON parser. */
    private static final class Heard {

        final String channel;
        final String payload;
        private final Connection conn;

        Heard(Connection conn, String channel, String payload) {
            this.conn = conn;
            this.channel = channel;
            this.payload = payload;
        }

        /** The payload's field as text (an array or object as json text), or fails. */
        String field(String name) throws SQLException {
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT ?::json ->> ?, (?::json -> ?) IS NOT NULL")) {
                ps.setString(1, payload);
                ps.setString(2, name);
                ps.setString(3, payload);
                ps.setString(4, name);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    assertTrue(rs.getBoolean(2), "no " + name + " in " + payload);
                    return rs.getString(1);
                }
            }
        }

        /** The payload's object {@code name} of counts. */
        Map<String, Long> counts(String name) throws SQLException {
            Map<String, Long> counts = new HashMap<>();
            try (PreparedStatement ps = conn.prepareStatement(
                    "SELECT key, value::bigint FROM json_each_text(?::json -> ?)")) {
                ps.setString(1, payload);
                ps.setString(2, name);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        counts.put(rs.getString(1), rs.getLong(2));
                    }
                }
            }
            return counts;
        }
    }

    /**
     * The one entry of docs/postgres_exporter-queries.yaml, read with SnakeYAML as the
     * exporter reads it: the namespace, the query and each metric's usage.
     */
    private record ExporterQuery(String namespace, String sql, Map<String, String> usages) {

        @SuppressWarnings("unchecked")
        static ExporterQuery read(Path file) throws Exception {
            Map<String, Object> entries;
            try (var in = Files.newBufferedReader(file)) {
                entries = new org.yaml.snakeyaml.Yaml(
                        new org.yaml.snakeyaml.constructor.SafeConstructor(
                                new org.yaml.snakeyaml.LoaderOptions())).load(in);
            }
            assertEquals(1, entries.size(), "one entry in " + file);
            String namespace = entries.keySet().iterator().next();
            Map<String, Object> entry = (Map<String, Object>) entries.get(namespace);
            Map<String, String> usages = new java.util.LinkedHashMap<>();
            for (Map<String, Map<String, String>> metric
                    : (List<Map<String, Map<String, String>>>) entry.get("metrics")) {
                metric.forEach((name, spec) -> usages.put(name, spec.get("usage")));
            }
            return new ExporterQuery(namespace, (String) entry.get("query"), usages);
        }
    }
}
