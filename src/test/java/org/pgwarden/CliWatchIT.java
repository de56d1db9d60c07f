package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code pgwarden-cli.jar watch} as a long-lived child process against a real server: it
 * enforces the policies every interval, outlives a restart of the server, stops cleanly on
 * SIGTERM, and serves metrics that agree with the audit log. It needs no PL/Java.
 */
class CliWatchIT {

    private static final Duration LIMIT = Duration.ofSeconds(30);

    private final TestServer server = TestServer.get();
    private final List<Victim> victims = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        victims.forEach(Victim::close);
        server.terminateVictims();
        if (server.queryBoolean("SELECT to_regclass('warden.policy') IS NOT NULL")) {
            server.execute("DELETE FROM warden.policy WHERE name LIKE 'it\\_watch%'");
        }
    }

    @Test
    void watchTerminatesAcrossARestartOfTheServerAndStopsCleanlyOnSigterm() throws Exception {
        // A cluster of its own: the restart would break other tests' sessions and pgbouncer.
        TestServer own = TestServer.startLocal("pgwarden-it-watch", "");
        try {
            own.installSchema();
            own.execute("INSERT INTO warden.policy (name, kind, threshold,"
                    + " application_name_like) VALUES ('it_watch', 'idle_in_tx',"
                    + " '200 milliseconds', '" + TestServer.VICTIM_APP + "-watch-%')");
            try (WatchProcess watch = WatchProcess.start(own.libpqEnvironment(),
                    "--interval", "1s", "--log-format", "json")) {
                watch.awaitLine("the started line", LIMIT, l -> l.contains("\"started\""));
                Victim before = Victim.open(own, "watch-before").idleInTransaction("SELECT 1");
                victims.add(before);
                watch.awaitLine("the action on pid " + before.pid, LIMIT,
                        l -> l.contains("\"event\":\"action\"")
                                && l.contains("\"pid\":" + before.pid + ","));
                assertEquals(SqlState.ADMIN_SHUTDOWN.code(), before.nextStatementSqlState());

                restart(own);
                watch.awaitLine("the lost line", LIMIT, l -> l.contains("\"connection_lost\""));
                watch.awaitLine("the back line", LIMIT, l -> l.contains("\"connection_back\""));
                Victim after = Victim.open(own, "watch-after").idleInTransaction("SELECT 1");
                victims.add(after);
                String action = watch.awaitLine("the action on pid " + after.pid, LIMIT,
                        l -> l.contains("\"event\":\"action\"")
                                && l.contains("\"pid\":" + after.pid + ","));
                assertEquals(SqlState.ADMIN_SHUTDOWN.code(), after.nextStatementSqlState());

                assertEquals(0, watch.stop(LIMIT), watch.stderr());
                List<String> lines = watch.lines();
                assertEquals("", watch.stderr());
                assertTrue(lines.get(lines.size() - 1).contains("\"event\":\"stopped\""),
                        String.join("\n", lines));
                try (Connection c = own.connect()) {
                    assertEquals(List.of("terminate", "terminated", "it_watch"),
                            fields(c, action, "action", "outcome", "policy"));
                    List<String> events = new ArrayList<>();
                    List<Long> runs = new ArrayList<>();
                    for (String line : lines) {
                        List<String> f = fields(c, line, "event", "time", "run");
                        events.add(f.get(0));
                        if (f.get(0).equals("run")) {
                            runs.add(Long.valueOf(f.get(2)));
                        }
                    }
                    assertEquals(1, events.stream().filter("connection_lost"::equals).count(),
                            String.join("\n", lines));
                    assertEquals(1, events.stream().filter("connection_back"::equals).count(),
                            String.join("\n", lines));
                    // Every run that was due has its line: none lost silently.
                    for (int i = 0; i < runs.size(); i++) {
                        assertEquals(i + 1, runs.get(i), String.join("\n", lines));
                    }
                }
            }
        } finally {
            victims.forEach(Victim::close);
            own.stop();
        }
    }

    @Test
    void metricsCountTheSignalsTheAuditLogRecordsAndTheRunsByResult() throws Exception {
        server.installSchema();
        server.execute("INSERT INTO warden.policy (name, kind, threshold, application_name_like)"
                + " VALUES ('it_watch_metrics', 'idle_in_tx', '200 milliseconds', '"
                + TestServer.VICTIM_APP + "-watch-m%')");
        int port = TestServer.freePort();
        try (WatchProcess watch = WatchProcess.start(server.libpqEnvironment(),
                "--interval", "1s", "--metrics-port", String.valueOf(port))) {
            watch.awaitLine("the started line", LIMIT, l -> l.contains(" started "));
            Victim one = victim("watch-m1").idleInTransaction("SELECT 1");
            Victim two = victim("watch-m2").idleInTransaction("SELECT 2");
            for (Victim v : List.of(one, two)) {
                watch.awaitLine("the action on pid " + v.pid, LIMIT,
                        l -> l.contains(" action ") && l.contains(" pid=" + v.pid + " "));
            }
            // Another enforce() holding the lock, as pg_cron's would: the run is skipped.
            int holder;
            try (Connection lock = server.connect()) {
                lock.setAutoCommit(false);
                try (Statement st = lock.createStatement()) {
                    st.execute("SELECT FROM warden.enforce_lock FOR UPDATE");
                    try (ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
                        rs.next();
                        holder = rs.getInt(1);
                    }
                }
                watch.awaitLine("a skipped run", LIMIT, l -> l.contains(" result=skipped ")
                        && l.contains(" message=\"another enforce() run (pid " + holder
                                + ") is applying the policies\""));
                lock.rollback();
            }

            Map<String, Double> metrics = scrape(port);

            double runsCounted = 0;
            for (String result : List.of("ok", "skipped", "failed", "connection_lost",
                    "missed")) {
                runsCounted += metrics.get("pgwarden_runs_total{result=\"" + result + "\"}");
            }
            int lastRun = (int) runsCounted;
            watch.awaitLine("the line of run " + lastRun, LIMIT,
                    l -> l.contains(" run run=" + lastRun + " "));
            Map<String, Integer> results = new TreeMap<>();
            List<String> runIds = new ArrayList<>();
            for (String line : watch.lines()) {
                Matcher m = Pattern.compile(" run run=(\\d+) (?:run_id=(\\S+) )?result=(\\S+)")
                        .matcher(line);
                if (m.find() && Integer.parseInt(m.group(1)) <= lastRun) {
                    results.merge(m.group(3), 1, Integer::sum);
                    if (m.group(2) != null) {
                        runIds.add(m.group(2));
                    }
                }
            }
            for (Map.Entry<String, Integer> r : results.entrySet()) {
                assertEquals(r.getValue(), metrics.get("pgwarden_runs_total{result=\""
                        + r.getKey() + "\"}").intValue(), metrics.toString());
            }
            assertTrue(results.get("skipped") >= 1, results.toString());
            assertTrue(metrics.get("pgwarden_last_success_timestamp_seconds") > 0);
            assertEquals(1.0, metrics.get("pgwarden_connection_up"));
            // Collected after the runs counter: a run may have ended in between.
            double timed = metrics.get("pgwarden_run_duration_seconds_count");
            assertTrue(timed >= runsCounted && timed <= runsCounted + 1, metrics.toString());

            Map<String, Double> audited = auditedSignals(runIds);
            assertEquals(Map.of("pgwarden_signals_total{action=\"terminate\","
                    + "outcome=\"terminated\",policy=\"it_watch_metrics\"}", 2.0), audited);
            for (Map.Entry<String, Double> a : audited.entrySet()) {
                assertEquals(a.getValue(), metrics.get(a.getKey()), metrics.toString());
            }
            assertEquals(0, watch.stop(LIMIT), watch.stderr());
        }
    }

    @Test
    void badInputIsRefusedBeforeAnythingConnectsOrIsSignalled() throws Exception {
        server.installSchema();
        server.execute("INSERT INTO warden.policy (name, kind, threshold, application_name_like)"
                + " VALUES ('it_watch_bad', 'idle_in_tx', '50 milliseconds', '"
                + TestServer.VICTIM_APP + "-watch-bad%')");
        Victim idleTx = victim("watch-bad").idleInTransaction("SELECT 1");
        idleTx.awaitAge("100 milliseconds");
        Map<String, String> env = server.libpqEnvironment();
        String tryHelp = "Try \"java -jar pgwarden-cli.jar --help\".\n";

        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            int port = taken.getLocalPort();
            Cli.Result busy = Cli.run(env, "watch", "--interval", "1s", "--metrics-port",
                    String.valueOf(port));
            assertEquals(2, busy.exitCode(), busy.toString());
            assertTrue(busy.err().startsWith("pgwarden: invalid value for option"
                    + " --metrics-port: \"" + port + "\" (cannot listen on 127.0.0.1 port "
                    + port + ": "), busy.toString());
            assertTrue(busy.err().endsWith(")\n" + tryHelp), busy.toString());
            assertEquals("", busy.out());
        }
        assertRefused(Cli.run(env, "watch", "--interval", "5m"), "pgwarden: invalid value for"
                + " option --interval: \"5m\" (expected a whole number and a unit, ms, s, min,"
                + " h or d, as in postgresql.conf: 30s, 5min)\n" + tryHelp);
        assertRefused(Cli.run(env, "watch", "--interval", "0s"), "pgwarden: invalid value for"
                + " option --interval: \"0s\" (must be between 1s and 1d)\n" + tryHelp);
        assertRefused(Cli.run(env, "watch", "--interval", "1s", "--metrics-port", "70000"),
                "pgwarden: invalid value for option --metrics-port: \"70000\" (expected a port"
                        + " number from 1 to 65535)\n" + tryHelp);
        assertRefused(Cli.run(env, "watch", "--interval", "1s", "--metrics-port", "9187",
                "--metrics-address", "203.0.113.7"), "pgwarden: invalid value for option"
                        + " --metrics-address: \"203.0.113.7\" (not an address of this"
                        + " host)\n" + tryHelp);
        idleTx.assertUsable();
    }

    // ---- helpers ------------------------------------------------------------------------

    private Victim victim(String name) throws Exception {
        Victim v = Victim.open(server, name);
        victims.add(v);
        return v;
    }

    /** Restarts the cluster as an operator would, its sessions all ended. */
    private static void restart(TestServer cluster) throws Exception {
        Path data = cluster.dataDir();
        // -l: without it the new postmaster would hold our pipe open, and we would wait.
        TestServer.run(TestServer.asServerUser(isRoot(), cluster.bindir.resolve("pg_ctl")
                .toString(), "-D", data.toString(), "-l", data.getParent()
                .resolve("restart.log").toString(), "-m", "fast", "-w", "-t", "60", "restart"),
                null);
    }

    private static boolean isRoot() throws Exception {
        return "0".equals(TestServer.run(List.of("id", "-u"), null).trim());
    }

    /** The keys' values in a line, as PostgreSQL's JSON parser reads it: it must parse. */
    private static List<String> fields(Connection c, String line, String... keys)
            throws Exception {
        List<String> values = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("SELECT ?::jsonb ->> ?")) {
            for (String key : keys) {
                ps.setString(1, line);
                ps.setString(2, key);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    values.add(rs.getString(1));
                }
            }
        }
        return values;
    }

    /** warden.action_log's rows of these runs, keyed as the signals metric's series. */
    private Map<String, Double> auditedSignals(List<String> runIds) throws Exception {
        Map<String, Double> counts = new HashMap<>();
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT action, outcome, policy, count(*) FROM warden.action_log
                WHERE run_id::text = ANY (?) GROUP BY 1, 2, 3""")) {
            ps.setArray(1, c.createArrayOf("text", runIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put("pgwarden_signals_total{action=\"" + rs.getString(1)
                            + "\",outcome=\"" + rs.getString(2) + "\",policy=\""
                            + rs.getString(3) + "\"}", (double) rs.getLong(4));
                }
            }
        }
        return counts;
    }

    /** /metrics in Prometheus' text format, as series to value. */
    private static Map<String, Double> scrape(int port) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        Map<String, Double> series = new TreeMap<>();
        for (String line : response.body().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            series.put(line.substring(0, space), Double.valueOf(line.substring(space + 1)));
        }
        return series;
    }

    private static void assertRefused(Cli.Result result, String stderr) {
        assertEquals(2, result.exitCode(), result.toString());
        assertEquals(stderr, result.err(), result.toString());
        assertEquals("", result.out(), result.toString());
    }
}
