package org.pgwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.postgresql.PGConnection;

/**
 * W5: what one run costs in watch mode, one long-lived runner, against what a pg_cron run
 * costs, a new session calling {@code warden.enforce()} (pg_cron's background worker, or
 * its libpq connection to cron.host, is a new backend each time; pgjdbc's new connection
 * stands in for it). Between its runs the runner is stopped (SIGSTOP), so that each of its
 * runs can be paired with a new session's run on the same sessions, in alternating order;
 * SIGCONT lets the next run start, and its CPU is read from /proc on either side of it.
 */
final class WatchCost {

    /** How many sessions idle in transaction case (b) reaps in each run. */
    static final int VICTIM_COUNT = 100;

    private static final String VICTIMS = "pgwarden-bench-w5-victim";
    private static final String COLD = "pgwarden-bench-w5-cron";
    /** The runner's application_name (ConnectionSettings.APPLICATION_NAME). */
    private static final String RUNNER = "pgwarden-cli";
    private static final String VICTIM_POLICY = """
        INSERT INTO warden.policy (name, kind, threshold, application_name_like)
        VALUES ('bench W5 victims', 'idle_in_tx', '10 milliseconds', '%s')
        """.formatted(VICTIMS);
    private static final Pattern RUN_LINE = Pattern.compile("\"event\":\"run\"");
    private static final Duration LIMIT = Duration.ofSeconds(60);

    private final TestServer server;
    private final BenchClient client;
    private final int rounds;
    /** The connection options of the recommended PL/Java settings. */
    private final String recommended;
    private final BenchTable table;
    private final List<String> notes;
    /** The new session's backend's VmRSS at the end of each run of case (b). */
    private final Samples coldRss = new Samples();
    /** What the notes already say about new sessions' threads. */
    private final Set<String> threadNotes = new HashSet<>();

    WatchCost(TestServer server, int rounds, String recommended, BenchTable table,
            List<String> notes) {
        this.server = server;
        this.client = new BenchClient(server);
        this.rounds = rounds;
        this.recommended = recommended;
        this.table = table;
        this.notes = notes;
    }

    /** The JVM options the systemd unit gives the runner (install/pgwarden-watch.env). */
    static List<String> runnerJavaOptions() throws IOException {
        Path env = Paths.get(System.getProperty("pgwarden.basedir", "."), "install",
                "pgwarden-watch.env");
        for (String line : Files.readAllLines(env)) {
            if (line.startsWith("PGWARDEN_JAVA_OPTIONS=")) {
                return Arrays.asList(line.substring(line.indexOf('=') + 1).trim().split("\\s+"));
            }
        }
        throw new IOException("no PGWARDEN_JAVA_OPTIONS in " + env);
    }

    void run() throws Exception {
        execute(Benchmark.POLICIES);
        execute(VICTIM_POLICY);
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(runnerJavaOptions());
        command.addAll(List.of("-jar", Paths.get(System.getProperty("pgwarden.builddir",
                "target"), "pgwarden-cli.jar").toString(), "watch", "--interval", "1s",
                "--log-format", "json"));
        try (WatchProcess watch = WatchProcess.start(command, server.libpqEnvironment());
                Connection monitor = server.connect()) {
            Runner runner = new Runner(watch, monitor);
            Benchmark.log("W5: warming the runner up (10 runs, 1 s apart)");
            runner.awaitRuns(10);
            runner.stop();
            // (a) is cheap: as many pairs as warm figures get.
            Benchmark.log("W5 (a): nothing to do, " + Math.max(rounds, 15) + " pairs");
            compare("(a) nothing to do", runner, Math.max(rounds, 15), 0);
            Benchmark.log("W5 (b): " + VICTIM_COUNT + " idle transactions to reap, " + rounds
                    + " pairs");
            compare("(b) " + VICTIM_COUNT + " idle transactions to reap", runner, rounds,
                    VICTIM_COUNT);
            int pid = (int) watch.pid();
            Samples rss = new Samples();
            rss.add(BenchClient.statusMb(pid, "VmRSS"));
            Samples anon = new Samples();
            anon.add(BenchClient.statusMb(pid, "RssAnon"));
            table.add("W5 watch", "resident memory, once warm: the runner (VmRSS; private"
                    + " RssAnon " + BenchTable.mb(anon) + ") / a new session's backend at"
                    + " the end of its run (b)", BenchTable.mb(rss), BenchTable.mb(coldRss),
                    "", "", "");
            notes.add("W5: the runner's own backend stays at "
                    + String.format(Locale.ROOT, "%.1f MB",
                            BenchClient.statusMb(runner.backend, "VmRSS"))
                    + " VmRSS (it runs no Java: enforce runs in the runner, over pgjdbc).");
            runner.resume();
            int status = watch.stop(LIMIT);
            if (status != 0) {
                notes.add("W5: the runner exited " + status + ": " + watch.stderr());
            }
        } finally {
            execute("DELETE FROM warden.policy WHERE name LIKE 'bench %'");
        }
    }

    /**
     * {@code count} pairs of runs, one by the runner and one in a new session, alternating
     * which goes first, each on {@code victims} fresh sessions idle in transaction.
     */
    private void compare(String what, Runner runner, int count, int victims)
            throws Exception {
        Samples watchWall = new Samples();
        Samples watchJvm = new Samples();
        Samples watchBackend = new Samples();
        Samples watchCpu = new Samples();
        Samples coldWall = new Samples();
        Samples coldCpu = new Samples();
        // One pair first, unmeasured: the runner's path through the reaping code, and the
        // archive's pages, are then as warm as they are at the second run of a day.
        for (int r = -1; r < count; r++) {
            for (int side = 0; side < 2; side++) {
                boolean watchSide = (side == 0) == (r % 2 == 0);
                try (Crowd crowd = victims == 0 ? null
                        : Crowd.idleInTransaction(server, VICTIMS, victims)) {
                    // past the policy's 10 milliseconds
                    TimeUnit.MILLISECONDS.sleep(50);
                    if (watchSide) {
                        Run run = runner.runOnce();
                        check(what, "the runner", run.rows, victims);
                        if (r >= 0) {
                            watchWall.add(run.wallMs);
                            watchJvm.add(run.jvmCpuMs);
                            watchBackend.add(run.backendCpuMs);
                            watchCpu.add(run.jvmCpuMs + run.backendCpuMs);
                        }
                    } else {
                        Run run = coldRun(victims > 0 && r >= 0);
                        check(what, "a new session", run.rows, victims);
                        if (r >= 0) {
                            coldWall.add(run.wallMs);
                            coldCpu.add(run.backendCpuMs);
                        }
                    }
                }
            }
        }
        table.add("W5 watch", what + ": wall per run (the run line's duration_seconds /"
                + " connect to enforce()'s last row)", BenchTable.ms(watchWall),
                BenchTable.ms(coldWall), BenchTable.ratio(Samples.ratios(watchWall, coldWall)),
                "", "");
        table.add("W5 watch", what + ": CPU per run, the runner's JVM", BenchTable.ms(watchJvm),
                "", "", "", "");
        table.add("W5 watch", what + ": CPU per run, the runner's backend",
                BenchTable.ms(watchBackend), "", "", "", "");
        table.add("W5 watch", what + ": CPU per run, runner and its backend / the new"
                + " session's backend", BenchTable.ms(watchCpu), BenchTable.ms(coldCpu),
                BenchTable.ratio(Samples.ratios(watchCpu, coldCpu)), "", "");
    }

    private void check(String what, String who, int rows, int expected) {
        if (rows != expected) {
            notes.add("W5 " + what + ": " + who + "'s run returned " + rows + " rows instead of "
                    + expected + ".");
        }
    }

    /**
     * One pg_cron-style run: a new session with the recommended PL/Java settings calls
     * enforce(). Its backend's CPU is read when the last row is in, before it exits.
     */
    private Run coldRun(boolean recordRss) throws Exception {
        long start = System.nanoTime();
        try (Connection c = client.connect(recommended, COLD)) {
            int rows = BenchClient.drain(c, Benchmark.WARDEN_ENFORCE);
            double wall = (System.nanoTime() - start) / 1e6;
            int pid = c.unwrap(PGConnection.class).getBackendPID();
            double cpu = BenchClient.cpuMs(pid);
            long threads = BenchClient.status(pid, "Threads");
            if (recordRss) {
                coldRss.add(BenchClient.statusMb(pid, "VmRSS"));
            }
            String started = threads == 1 ? "one thread: no JVM started"
                    : threads + " threads: its JVM started";
            if (threadNotes.add(rows + started)) {
                notes.add("W5: a new session's enforce() returning " + rows + " rows left its"
                        + " backend with " + started + ".");
            }
            return new Run(rows, wall, 0, cpu);
        } finally {
            // Let the closed backend's JVM shut down before the next one starts.
            TimeUnit.MILLISECONDS.sleep(150);
        }
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** One run: the rows it returned, its wall time and the CPU it cost, in ms. */
    private record Run(int rows, double wallMs, double jvmCpuMs, double backendCpuMs) {
    }

    /** The runner, stopped between the runs the benchmark lets it make. */
    private static final class Runner {

        private static final Pattern ROWS = Pattern.compile("\"rows\":(\\d+)");
        private static final Pattern DURATION =
                Pattern.compile("\"duration_seconds\":([0-9.Ee-]+)");
        private static final Pattern RESULT = Pattern.compile("\"result\":\"([a-z_]+)\"");

        private final WatchProcess watch;
        private final int backend;

        Runner(WatchProcess watch, Connection monitor) throws Exception {
            this.watch = watch;
            watch.awaitLine("the first run line", LIMIT, l -> RUN_LINE.matcher(l).find());
            try (PreparedStatement ps = monitor.prepareStatement(
                    "SELECT pid FROM pg_stat_activity WHERE application_name = ?")) {
                ps.setString(1, RUNNER);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        throw new IllegalStateException("no backend of the runner");
                    }
                    backend = rs.getInt(1);
                }
            }
        }

        /** Waits for {@code n} more run lines. */
        void awaitRuns(int n) throws Exception {
            int seen = runLines();
            Poll.until(n + " runs of the runner", LIMIT, () -> runLines() >= seen + n);
        }

        /** Lets the runner make one run, stopped before and after; its line and CPU. */
        Run runOnce() throws Exception {
            int seen = watch.lines().size();
            int pid = (int) watch.pid();
            double jvm = BenchClient.cpuMs(pid);
            double backendCpu = BenchClient.cpuMs(backend);
            resume();
            String line = null;
            long deadline = System.nanoTime() + LIMIT.toNanos();
            while (line == null) {
                List<String> lines = watch.lines();
                for (int i = seen; i < lines.size(); i++) {
                    if (RUN_LINE.matcher(lines.get(i)).find()) {
                        line = lines.get(i);
                        break;
                    }
                }
                if (line == null) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("no run line within " + LIMIT
                                + "; stderr: " + watch.stderr());
                    }
                    TimeUnit.MILLISECONDS.sleep(1);
                }
            }
            stop();
            String result = field(RESULT, line);
            if (!result.equals("ok")) {
                throw new IllegalStateException("the runner's run was " + result + ": " + line);
            }
            return new Run(Integer.parseInt(field(ROWS, line)),
                    Double.parseDouble(field(DURATION, line)) * 1000,
                    BenchClient.cpuMs(pid) - jvm, BenchClient.cpuMs(backend) - backendCpu);
        }

        /** SIGSTOP, right after a run line: the runner is then waiting for the next. */
        void stop() throws Exception {
            signal("STOP");
        }

        void resume() throws Exception {
            signal("CONT");
        }

        private void signal(String name) throws Exception {
            Process kill = new ProcessBuilder("kill", "-" + name, String.valueOf(watch.pid()))
                    .inheritIO().start();
            if (kill.waitFor() != 0) {
                throw new IllegalStateException("kill -" + name + " " + watch.pid()
                        + " failed");
            }
        }

        private int runLines() {
            return (int) watch.lines().stream().filter(l -> RUN_LINE.matcher(l).find())
                    .count();
        }

        private static String field(Pattern p, String line) {
            Matcher m = p.matcher(line);
            if (!m.find()) {
                throw new IllegalStateException("no " + p + " in " + line);
            }
            return m.group(1);
        }
    }
}
