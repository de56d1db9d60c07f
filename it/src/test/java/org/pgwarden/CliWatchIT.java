package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.nio.file.Paths;
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
        Victims.terminateLeftovers(server);
        if (server.sql().queryBoolean("SELECT to_regclass('warden.policy') IS NOT NULL")) {
            server.sql().execute("DELETE FROM warden.policy WHERE name LIKE 'it\\_watch%'");
        }
    }

    @Test
    void watchTerminatesAcrossARestartOfTheServerAndStopsCleanlyOnSigterm() throws Exception {
        // A cluster of its own: the restart would break other tests' sessions and pgbouncer.
        TestServer own = TestServer.startLocal("pgwarden-it-watch", "");
        try {
            own.sql().installSchema();
            own.sql().execute("INSERT INTO warden.policy (name, kind, threshold,"
                    + " application_name_like) VALUES ('it_watch', 'idle_in_tx',"
                    + " '200 milliseconds', '" + Victims.APP_PREFIX + "-watch-%')");
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
        server.sql().installSchema();
        server.sql().execute("INSERT INTO warden.policy"
                + " (name, kind, threshold, application_name_like)"
                + " VALUES ('it_watch_metrics', 'idle_in_tx', '200 milliseconds', '"
                + Victims.APP_PREFIX + "-watch-m%')");
        // An escalation writes two audit rows for one query: the cancel and the terminate.
        server.sql().execute("INSERT INTO warden.policy (name, kind, threshold, escalate, grace,"
                + " application_name_like) VALUES ('it_watch_metrics_esc', 'long_running',"
                + " '100 milliseconds', true, '300 milliseconds', '" + Victims.APP_PREFIX
                + "-watch-e%')");
        // A policy that only observes: its audited dry runs are no signals.
        server.sql().execute("INSERT INTO warden.policy (name, kind, threshold, mode,"
                + " application_name_like) VALUES ('it_watch_metrics_obs', 'idle_in_tx',"
                + " '100 milliseconds', 'observe', '" + Victims.APP_PREFIX + "-watch-o%')");
        int port = LocalCluster.freePort();
        try (WatchProcess watch = WatchProcess.start(server.libpqEnvironment(),
                "--interval", "1s", "--metrics-port", String.valueOf(port))) {
            watch.awaitLine("the started line", LIMIT, l -> l.contains(" started "));
            Victim one = victim("watch-m1").idleInTransaction("SELECT 1");
            Victim two = victim("watch-m2").idleInTransaction("SELECT 2");
            Victim stubborn = victim("watch-e1").start(ScenarioBase.IGNORES_CANCEL);
            Victim observed = victim("watch-o1").idleInTransaction("SELECT 3");
            for (Victim v : List.of(one, two, stubborn, observed)) {
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
            assertEquals(Map.of(
                    "pgwarden_signals_total{action=\"terminate\",audited=\"true\","
                            + "outcome=\"terminated\",policy=\"it_watch_metrics\"}", 2.0,
                    "pgwarden_signals_total{action=\"cancel\",audited=\"true\","
                            + "outcome=\"still running\",policy=\"it_watch_metrics_esc\"}", 1.0,
                    "pgwarden_signals_total{action=\"terminate\",audited=\"true\","
                            + "outcome=\"terminated\",policy=\"it_watch_metrics_esc\"}", 1.0),
                    audited);
            for (Map.Entry<String, Double> a : audited.entrySet()) {
                assertEquals(a.getValue(), metrics.get(a.getKey()), metrics.toString());
            }
            assertTrue(metrics.keySet().stream().noneMatch(k -> k.startsWith(
                    "pgwarden_signals_total") && k.contains("it_watch_metrics_obs")),
                    metrics.toString());
            assertTrue(metrics.get("pgwarden_dry_run_actions_total{action=\"terminate\","
                    + "outcome=\"dry run\",policy=\"it_watch_metrics_obs\"}") >= 1,
                    metrics.toString());
            assertEquals("idle in transaction", observed.stateSeen());
            // signals= on the run lines: the signals the audit log records, the escalated
            // query's two included.
            int signalsOnLines = 0;
            for (String line : watch.lines()) {
                Matcher m = Pattern.compile(" run run=(\\d+) .* signals=(\\d+) ").matcher(line);
                if (m.find() && Integer.parseInt(m.group(1)) <= lastRun) {
                    signalsOnLines += Integer.parseInt(m.group(2));
                }
            }
            assertEquals(4, signalsOnLines, String.join("\n", watch.lines()));
            assertEquals(0, watch.stop(LIMIT), watch.stderr());
        }
    }

    @Test
    void aServerThatStopsAnsweringMidRunIsALostConnectionAndAStopCutsALongRun()
            throws Exception {
        assumeTrue(server.dataDir() != null, "needs a local cluster, to stop a backend");
        server.sql().installSchema();
        server.sql().execute("INSERT INTO warden.policy (name, kind, threshold, escalate, grace,"
                + " application_name_like) VALUES ('it_watch_hang', 'long_running',"
                + " '100 milliseconds', true, '1 minute', '" + Victims.APP_PREFIX
                + "-watch-h%')");
        Victim stubborn = victim("watch-h1").start(ScenarioBase.IGNORES_CANCEL);
        List<String> command = List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dpgwarden.socketTimeout=2", "-Dpgwarden.stopTimeout=3", "-jar",
                Cli.jar().toString(), "watch", "--interval", "1s");
        try (WatchProcess watch = WatchProcess.start(command, server.libpqEnvironment())) {
            watch.awaitLine("the started line", LIMIT, l -> l.contains(" started "));
            // The runner waits out the grace of its cancel: stopped there, mid-run.
            int waiting = runnerWaiting(0);
            Shell.run(List.of("kill", "-STOP", String.valueOf(waiting)), null);
            try {
                String lost = watch.awaitLine("the lost line", LIMIT,
                        l -> l.contains(" connection_lost "));
                assertTrue(lost.contains("the server did not answer within 2 s"), lost);
                watch.awaitLine("the run cut", LIMIT, l -> l.contains(" result=connection_lost "));
            } finally {
                Shell.run(List.of("kill", "-CONT", String.valueOf(waiting)), null);
            }
            watch.awaitLine("the back line", LIMIT, l -> l.contains(" connection_back ")
                    && l.contains(" in_recovery=false "));
            // Waiting out the grace again, on the new connection, when the stop comes.
            runnerWaiting(waiting);
            assertEquals(1, watch.stop(LIMIT), watch.stderr());
            List<String> lines = watch.lines();
            // The cut run took longer than the interval: the time that fell due meanwhile
            // has its line.
            assertTrue(lines.stream().anyMatch(l -> l.contains(" result=missed ")
                    && l.contains(" was still going when this one fell due")),
                    String.join("\n", lines));
            assertTrue(lines.get(lines.size() - 2).contains(" result=interrupted "),
                    String.join("\n", lines));
            assertTrue(lines.get(lines.size() - 1).contains(" stopped "),
                    String.join("\n", lines));
        }
        stubborn.close();
    }

    @Test
    void aRoleWithoutWardenOperatorIsRefusedAtStartNotEveryInterval() throws Exception {
        server.sql().installSchema();
        String role = "it_watch_signaller";
        server.sql().execute("DROP ROLE IF EXISTS " + role);
        server.sql().execute("CREATE ROLE " + role + " LOGIN PASSWORD 'warden-it'");
        try {
            server.sql().execute("GRANT pg_signal_backend, pg_read_all_stats TO " + role);
            Map<String, String> env = new HashMap<>(server.libpqEnvironment());
            env.put("PGUSER", role);
            env.put("PGPASSWORD", "warden-it");

            Cli.Result refused = Cli.run(env, "watch", "--interval", "1s");

            assertEquals(4, refused.exitCode(), refused.toString());
            assertTrue(refused.err().startsWith("pgwarden: permission denied"),
                    refused.toString());
            assertEquals("", refused.out(), refused.toString());
        } finally {
            server.sql().execute("DROP ROLE IF EXISTS " + role);
        }
    }

    @Test
    void onAHotStandbyTheNoticeIsShownAndNothingClaimsAnAuditRow() throws Exception {
        Standby standby = Standby.get();
        server.sql().installSchema();
        server.sql().execute("INSERT INTO warden.policy"
                + " (name, kind, threshold, application_name_like)"
                + " VALUES ('it_watch_standby', 'idle_in_tx', '200 milliseconds', '"
                + Victims.APP_PREFIX + "-watch-s%')");
        standby.awaitReplay();
        Map<String, String> env = new HashMap<>(server.libpqEnvironment());
        env.put("PGHOST", standby.host);
        env.put("PGPORT", String.valueOf(standby.port));
        env.put("PGUSER", standby.superuser);
        Victim idle = Victim.open(standby, "watch-s1");
        victims.add(idle);
        try (WatchProcess watch = WatchProcess.start(env, "--interval", "1s")) {
            String started = watch.awaitLine("the started line", LIMIT,
                    l -> l.contains(" started "));
            assertTrue((started + " ").contains(" in_recovery=true "), started);
            idle.idleInTransaction("SELECT 1");
            String action = watch.awaitLine("the action on pid " + idle.pid, LIMIT,
                    l -> l.contains(" action ") && l.contains(" pid=" + idle.pid + " "));
            assertTrue(action.contains(" audit=false "), action);
            long run = Long.parseLong(action.replaceAll(".* run=(\\d+) .*", "$1"));
            watch.awaitLine("the notice of run " + run, LIMIT, l -> l.contains(" notice run="
                    + run + " ") && l.contains("hot standby"));
            String line = watch.awaitLine("the line of run " + run, LIMIT,
                    l -> l.contains(" run run=" + run + " "));
            assertTrue(line.contains(" signals=1 ") && (line + " ").contains(" audit=false "),
                    line);
            assertEquals(0, watch.stop(LIMIT), watch.stderr());
        }
        // A one-shot command shows the NOTICE on stderr, as psql does.
        Victim other = Victim.open(standby, "watch-s2").idleInTransaction("SELECT 1");
        victims.add(other);
        other.awaitAge("100 milliseconds");
        Cli.Result reap = Cli.run(env, "reap", "--threshold", "50ms", "--format", "csv");
        assertEquals(0, reap.exitCode(), reap.toString());
        assertTrue(reap.err().contains("NOTICE:  pgwarden: this server is a hot standby"),
                reap.toString());
    }

    @Test
    void aStopWhileTheRunnerConnectsIsACleanEnd() throws Exception {
        // A server that takes the connection and never answers: the runner waits in its
        // first connect when SIGTERM comes.
        try (ServerSocket silent = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            Map<String, String> env = new HashMap<>(server.libpqEnvironment());
            env.put("PGHOST", "127.0.0.1");
            env.put("PGPORT", String.valueOf(silent.getLocalPort()));
            try (WatchProcess watch = WatchProcess.start(env, "--interval", "1s");
                    Socket accepted = silent.accept()) {
                assertTrue(accepted.isConnected());
                assertEquals(0, watch.stop(LIMIT), watch.stderr());
                assertEquals(List.of(), watch.lines());
            }
        }
    }

    @Test
    void withoutTheSchemaOneShotCommandsSaySoAndWatchRefusesToStart() throws Exception {
        TestServer own = TestServer.startLocal("pgwarden-it-watch-noschema", "");
        try {
            Map<String, String> env = own.libpqEnvironment();
            Cli.Result cancel = Cli.run(env, "cancel", "--threshold", "1h");
            assertEquals(0, cancel.exitCode(), cancel.toString());
            assertEquals("pgwarden: the warden schema is not installed in database \""
                    + env.get("PGDATABASE") + "\": no exemptions apply and nothing is written"
                    + " to warden.action_log\n", cancel.err());

            Cli.Result watch = Cli.run(env, "watch", "--interval", "1s");
            assertEquals(1, watch.exitCode(), watch.toString());
            assertTrue(watch.err().startsWith("pgwarden: relation \"warden.policy\" does not"
                    + " exist\n"), watch.toString());
            assertEquals("", watch.out(), watch.toString());
        } finally {
            own.stop();
        }
    }

    @Test
    void badInputIsRefusedBeforeAnythingConnectsOrIsSignalled() throws Exception {
        server.sql().installSchema();
        server.sql().execute("INSERT INTO warden.policy"
                + " (name, kind, threshold, application_name_like)"
                + " VALUES ('it_watch_bad', 'idle_in_tx', '50 milliseconds', '"
                + Victims.APP_PREFIX + "-watch-bad%')");
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

    /** The pid of the runner's backend while it sleeps between polls, other than {@code not}. */
    private int runnerWaiting(int not) throws Exception {
        int[] pid = {0};
        Poll.until("the runner's backend waiting out a grace", LIMIT, () -> {
            try (Connection c = server.connect(); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT pid FROM pg_stat_activity"
                            + " WHERE application_name = 'pgwarden-cli' AND state = 'active'"
                            + " AND query LIKE '%pg_sleep%' AND pid <> " + not)) {
                if (rs.next()) {
                    pid[0] = rs.getInt(1);
                    return true;
                }
                return false;
            }
        });
        return pid[0];
    }

    private Victim victim(String name) throws Exception {
        Victim v = Victim.open(server, name);
        victims.add(v);
        return v;
    }

    /** Restarts the cluster as an operator would, its sessions all ended. */
    private static void restart(TestServer cluster) throws Exception {
        Path data = cluster.dataDir();
        // -l: without it the new postmaster would hold our pipe open, and we would wait.
        Shell.run(Shell.asServerUser(isRoot(), cluster.bindir.resolve("pg_ctl")
                .toString(), "-D", data.toString(), "-l", data.getParent()
                .resolve("restart.log").toString(), "-m", "fast", "-w", "-t", "60", "restart"),
                null);
    }

    private static boolean isRoot() throws Exception {
        return Shell.isRoot();
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

    /**
     * warden.action_log's rows of these runs but an observing policy's dry runs, keyed as the
     * signals metric's series.
     */
    private Map<String, Double> auditedSignals(List<String> runIds) throws Exception {
        Map<String, Double> counts = new HashMap<>();
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT action, outcome, policy, count(*) FROM warden.action_log
                WHERE run_id::text = ANY (?) AND outcome <> 'dry run'
                GROUP BY 1, 2, 3""")) {
            ps.setArray(1, c.createArrayOf("text", runIds.toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    counts.put("pgwarden_signals_total{action=\"" + rs.getString(1)
                            + "\",audited=\"true\",outcome=\"" + rs.getString(2)
                            + "\",policy=\"" + rs.getString(3) + "\"}",
                            (double) rs.getLong(4));
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
