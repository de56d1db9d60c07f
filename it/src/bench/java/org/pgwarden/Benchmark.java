package org.pgwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * pgwarden against plain SQL, inside a throwaway cluster with PL/Java: warm reports, cold
 * starts, reaping, memory, and the scheduled run that finds nothing to do; and the runner in
 * watch mode against a pg_cron run in a new session (W5, {@link WatchCost}). Run it with
 * {@code mvn -B -q -Pbench -DskipTests package exec:exec} (TESTING.md, "Benchmarks"); it is no
 * part of {@code mvn verify}. Every figure is the median of at least five runs, and every
 * ratio the median of ratios of pairs measured one right after the other, in alternating
 * order, since the machines it runs on are shared.
 */
public final class Benchmark {

    /** The article's "find PIDs to target" query. */
    static final String PLAIN_REPORT = """
        SELECT pid, usename, application_name, client_addr, state, wait_event_type,
               wait_event, now() - query_start AS query_duration,
               left(query, 100) AS query_preview
        FROM pg_stat_activity
        WHERE pid <> pg_backend_pid() AND state <> 'idle'
        ORDER BY query_duration DESC NULLS LAST
        """;
    static final String WARDEN_REPORT = "SELECT * FROM warden.backend_report()";
    /** backend_report's columns and order without its logic: see {@link #floor}. */
    static final String SHAPE_ONLY = """
        CREATE FUNCTION pg_temp.bench_shape_only() RETURNS SETOF warden.backend_row
            LANGUAGE plpgsql AS $$
        BEGIN
            RETURN QUERY
            SELECT a.pid, a.datname, a.usename, a.application_name, a.client_addr,
                   a.backend_type, a.state, a.wait_event_type, a.wait_event, a.backend_start,
                   clock_timestamp() - a.backend_start, clock_timestamp() - a.xact_start,
                   age(a.backend_xmin), clock_timestamp() - a.query_start,
                   clock_timestamp() - a.state_change,
                   '{}'::integer[], 0, NULL::text, left(a.query, 100),
                   'cancel_long_running would cancel it with a threshold under '
                       || (clock_timestamp() - a.query_start)::text
            FROM pg_stat_activity AS a
            WHERE a.backend_type = 'client backend' AND a.pid <> pg_backend_pid()
              AND a.state IS DISTINCT FROM 'idle'
            ORDER BY a.query_start NULLS LAST, a.pid;
        END
        $$
        """;
    /**
     * A call that must run Java: one session is idle in transaction past the threshold (a
     * dry run leaves it be). With nothing to do the functions answer from plain SQL.
     */
    static final String WARDEN_JAVA =
            "SELECT * FROM warden.reap_idle_in_tx('1 millisecond', dry_run => true)";
    static final String PLAIN_REAP = """
        SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE pid <> pg_backend_pid()
          AND state IN ('idle in transaction', 'idle in transaction (aborted)')
          AND state_change < now() - interval '%s'
        """;
    static final String WARDEN_REAP = "SELECT * FROM warden.reap_idle_in_tx('%s')";
    /** What a hand-written scheduled job does with the policies of {@link #POLICIES}. */
    static final String PLAIN_SCHEDULED = """
        SELECT pid, CASE WHEN state = 'active' THEN pg_cancel_backend(pid)
                         ELSE pg_terminate_backend(pid) END
        FROM pg_stat_activity
        WHERE pid <> pg_backend_pid()
          AND (state IN ('idle in transaction', 'idle in transaction (aborted)')
                   AND state_change < now() - interval '10 minutes'
               OR state = 'active' AND query_start < now() - interval '1 hour')
        """;
    static final String WARDEN_ENFORCE = "SELECT * FROM warden.enforce()";
    static final String POLICIES = """
        INSERT INTO warden.policy (name, kind, threshold) VALUES
            ('bench lock roots', 'blockers', '1 minute'),
            ('bench idle transactions', 'idle_in_tx', '10 minutes'),
            ('bench long queries', 'long_running', '1 hour')
        """;
    /** PL/Java's own start, without pgwarden: the floor of any cold Java call. */
    static final String PLJAVA_ONLY = "SELECT sqlj.get_classpath('warden')";

    private static final String SETTINGS = """

        # pgwarden benchmark: room for 800 sessions and more; PL/Java's default JVM options
        # unless a session sets its own
        max_connections = 1000
        pljava.vmoptions = ''
        """;
    private static final String ALL_WORKLOADS = "W1,W2,W3,W4,W5";
    private static final String CROWD = "pgwarden-bench-crowd";
    private static final String VICTIMS = "pgwarden-bench-victim";
    private static final String CALLER = "pgwarden-bench-caller";
    private static final String COLD = "pgwarden-bench-cold";
    private static final String DUE = "pgwarden-bench-due";

    private final TestServer server;
    private final BenchClient client;
    private final int rounds;
    /** The connection options of the recommended settings (vmoptions and archive). */
    private final String recommended;
    /** The recommended pljava.vmoptions, as install/cds-archive.sh printed them. */
    private final String vmoptions;
    /** The settings install/jvm-image.sh printed ({@code name = 'value'}), or null. */
    private final List<String> trimmedSettings;
    /** The connection options of those settings, or null. */
    private final String trimmed;
    private final BenchTable table = new BenchTable();
    private final List<String> notes = new ArrayList<>();
    private final BenchTable w5Table = new BenchTable("watch, per run",
            "pg_cron-style, new session");
    private final List<String> w5Notes = new ArrayList<>();
    /** The workloads to run, W1 to W5; W1 includes "nothing to do". */
    private final List<String> workloads;

    private Benchmark(TestServer server, int rounds, String vmoptions,
            List<String> trimmedSettings, List<String> workloads) {
        this.server = server;
        this.workloads = workloads;
        this.client = new BenchClient(server);
        this.rounds = rounds;
        this.vmoptions = vmoptions;
        this.recommended = BenchClient.setting("pljava.vmoptions", vmoptions);
        this.trimmedSettings = trimmedSettings;
        this.trimmed = trimmedSettings == null ? null : String.join(" ", trimmedSettings
                .stream().map(line -> line.split(" = '", 2))
                .map(nv -> BenchClient.setting(nv[0], nv[1].substring(0, nv[1].length() - 1)))
                .toList());
    }

    public static void main(String[] args) throws Exception {
        Map<String, String> params = parameters(args);
        int rounds = Integer.parseInt(params.getOrDefault("rounds", "7"));
        int[] sessions = numbers(params.getOrDefault("sessions", "50,200,800"));
        int[] victims = numbers(params.getOrDefault("victims", "100,400"));
        List<String> workloads = Arrays.stream(params.getOrDefault("workloads", ALL_WORKLOADS)
                .split(",")).map(String::trim).toList();
        if (!List.of(ALL_WORKLOADS.split(",")).containsAll(workloads)) {
            fail("bench.workloads must name some of " + ALL_WORKLOADS + ", not "
                    + String.join(",", workloads));
        }
        if (rounds < 5) {
            fail("bench.rounds must be at least 5: each figure is a median of five or more");
        }
        String loadBefore = loadAverage();
        log("starting a throwaway PostgreSQL cluster with max_connections = 1000");
        TestServer server = TestServer.startLocal("pgwarden-bench", SETTINGS);
        if (!server.sql().hasPlJava()) {
            fail("PL/Java is not installed in this PostgreSQL (" + server.bindir + ": no pljava"
                    + " in pg_available_extensions). pgwarden's functions run inside the"
                    + " server through PL/Java, so there is nothing to measure: install"
                    + " PL/Java 1.6 (docs/install.md, Requirements) and run the benchmark again.");
        }
        log("installing pgwarden with install/install.sh");
        Scripts.install(server);
        log("building the class-data-sharing archive with install/cds-archive.sh");
        String vmoptions = buildArchive(server);
        List<String> trimmed = null;
        // Only W2 and W4 measure the trimmed runtime.
        if (workloads.contains("W2") || workloads.contains("W4")) {
            log("building the trimmed Java runtime with install/jvm-image.sh");
            trimmed = buildRuntime(server);
        }
        Benchmark bench = new Benchmark(server, rounds, vmoptions, trimmed, workloads);
        if (trimmed == null && (workloads.contains("W2") || workloads.contains("W4"))) {
            bench.notes.add("install/jvm-image.sh could not build a runtime here (no jlink or"
                    + " jmods): the trimmed runtime was not measured.");
        }
        bench.run(sessions, victims);
        bench.publish(loadBefore);
        System.exit(0);
    }

    private void run(int[] sessions, int[] victims) throws Exception {
        if (workloads.contains("W2") || workloads.contains("W4")) {
            try (Crowd due = Crowd.idleInTransaction(server, DUE, 1)) {
                if (workloads.contains("W2")) {
                    coldStart();
                }
                if (workloads.contains("W4")) {
                    memory();
                }
            }
        }
        if (workloads.contains("W1")) {
            Map<Integer, Samples[]> reports = new LinkedHashMap<>();
            for (int n : sessions) {
                reports.put(n, warmReport(n, n == 200 || sessions.length == 1));
            }
            growth("W1", "report", reports, "sessions");
        }
        if (workloads.contains("W3")) {
            Map<Integer, Samples[]> reaps = new LinkedHashMap<>();
            for (int k : victims) {
                reaps.put(k, reap(k));
            }
            growth("W3", "reap, until gone", reaps, "victims");
        }
        if (workloads.contains("W5")) {
            new WatchCost(server, rounds, recommended, w5Table, w5Notes).run();
        }
    }

    // ---- W1 -------------------------------------------------------------------------------

    /** W1 at N sessions; returns the pgwarden and plain samples. */
    private Samples[] warmReport(int n, boolean alsoNothingToDo) throws Exception {
        log("W1: opening " + n + " client sessions (idle, idle in transaction, pg_sleep)");
        try (Crowd crowd = Crowd.mixed(server, CROWD, n);
                Connection warden = client.connect(recommended, CALLER);
                Connection plain = client.connect(null, CALLER)) {
            Samples[] s = pairs(warden, WARDEN_REPORT, plain, PLAIN_REPORT,
                    Math.max(rounds, 15));
            int wardenRows = BenchClient.drain(warden, WARDEN_REPORT);
            int plainRows = BenchClient.drain(plain, PLAIN_REPORT);
            notes.add("W1 N = " + n + ": backend_report() returned " + wardenRows
                    + " rows, the plain query " + plainRows + ".");
            Samples ratio = Samples.ratios(s[0], s[1]);
            boolean target = n == 800;
            table.add("W1 report, warm", "N = " + n + " sessions", BenchTable.ms(s[0]),
                    BenchTable.ms(s[1]), BenchTable.ratio(ratio), target ? "ratio ≤ 1.5" : "",
                    target ? BenchTable.met(ratio.median() <= 1.5) : "");
            if (target) {
                floor(warden, plain, n);
            }
            if (alsoNothingToDo) {
                nothingToDo(crowd.size());
            }
            return s;
        }
    }

    /**
     * What any report of backend_report's shape costs: the same 20 columns straight from
     * pg_stat_activity, with no lock graph, exemptions, policies, privileges or advice, in a
     * PL/pgSQL function like backend_report. The gap between this and the plain query is
     * the price of the columns alone.
     */
    private void floor(Connection warden, Connection plain, int n) throws SQLException {
        try (Statement st = warden.createStatement()) {
            st.execute(SHAPE_ONLY);
        }
        String call = "SELECT * FROM pg_temp.bench_shape_only()";
        Samples[] s = pairs(warden, call, plain, PLAIN_REPORT, Math.max(rounds, 15));
        tableRow("W1 report, warm", "N = " + n + ": backend_report's 20 columns, no logic", s,
                "", null);
    }

    /**
     * W1 and W3 growth: what one more session costs between each N and the next. Linear
     * means the last step costs at most 1.5 times as much per session as the first; when it
     * costs more, the plain SQL's steps show whether the server's own reading grows so too.
     */
    private void growth(String workload, String what, Map<Integer, Samples[]> byN,
            String unit) {
        List<Integer> ns = new ArrayList<>(byN.keySet());
        if (ns.size() < 2) {
            return;
        }
        List<Double> warden = new ArrayList<>();
        List<Double> plain = new ArrayList<>();
        for (int i = 1; i < ns.size(); i++) {
            int a = ns.get(i - 1);
            int b = ns.get(i);
            warden.add((byN.get(b)[0].median() - byN.get(a)[0].median()) / (b - a));
            plain.add((byN.get(b)[1].median() - byN.get(a)[1].median()) / (b - a));
        }
        double wardenSteepening = steepening(warden);
        double plainSteepening = steepening(plain);
        // pg_stat_activity itself grows faster than linearly (each row looks its backend up
        // among all of them): steepening within a tenth of the plain query's is the server's.
        String met = wardenSteepening <= 1.5 ? "yes"
                : wardenSteepening <= plainSteepening * 1.1 ? "no, nor plain SQL" : "**no**";
        int first = ns.get(0);
        int last = ns.get(ns.size() - 1);
        double overall = byN.get(last)[0].median() / byN.get(first)[0].median();
        String steps = ns.toString().replaceAll("[\\[\\]]", "").replace(", ", " → ");
        table.add(workload + " growth", what + ": ms per extra " + unit.replaceAll("s$", "")
                + " (" + steps + ")", slopes(warden), slopes(plain),
                String.format(Locale.ROOT, "last/first step: ×%.1f (plain ×%.1f)",
                        wardenSteepening, plainSteepening),
                "linear (last step ≤ ×1.5 the first); total ×"
                        + String.format(Locale.ROOT, "%.1f", overall) + " for ×"
                        + last / first + " " + unit,
                met);
    }

    private static double steepening(List<Double> slopes) {
        return slopes.get(slopes.size() - 1) / Math.max(slopes.get(0), 1e-4);
    }

    private static String slopes(List<Double> slopes) {
        return String.join(", ", slopes.stream()
                .map(d -> String.format(Locale.ROOT, "%.4f", d)).toList()) + " ms";
    }

    // ---- nothing to do ----------------------------------------------------------------------

    /** The scheduled run that finds nothing to do, warm and cold, among {@code n} sessions. */
    private void nothingToDo(int n) throws Exception {
        log("nothing to do: enforce() and reap_idle_in_tx among " + n + " sessions");
        execute(POLICIES);
        try {
            String reap = WARDEN_REAP.formatted("10 minutes");
            String plainReap = PLAIN_REAP.formatted("10 minutes");
            try (Connection warden = client.connect(recommended, CALLER);
                    Connection plain = client.connect(null, CALLER)) {
                Samples[] e = pairs(warden, WARDEN_ENFORCE, plain, PLAIN_SCHEDULED,
                        Math.max(rounds, 15));
                tableRow("nothing to do", "enforce(), 3 policies, warm, N = " + n, e, "", null);
                Samples[] r = pairs(warden, reap, plain, plainReap, Math.max(rounds, 15));
                tableRow("nothing to do", "reap_idle_in_tx('10 minutes'), warm, N = " + n, r,
                        "", null);
            }
            Map<String, Samples> cold = coldRounds(new String[][] {
                {"plain", null, PLAIN_SCHEDULED},
                {"default", null, WARDEN_ENFORCE},
                {"recommended", recommended, WARDEN_ENFORCE},
                {"plain reap", null, plainReap},
                {"reap", null, reap}});
            for (String settings : List.of("default", "recommended")) {
                Samples[] s = {cold.get(settings), cold.get("plain")};
                tableRow("nothing to do", "enforce(), cold, " + settings + " settings, N = " + n,
                        s, "", null);
            }
            tableRow("nothing to do", "reap_idle_in_tx('10 minutes'), cold, N = " + n,
                    new Samples[] {cold.get("reap"), cold.get("plain reap")}, "", null);
        } finally {
            execute("DELETE FROM warden.policy WHERE name LIKE 'bench %'");
        }
    }

    // ---- W2 -------------------------------------------------------------------------------

    /**
     * W2: connect and first call in a new session, which is what every pg_cron run is. The
     * report is plain SQL and starts no JVM; a call that has something to do starts one,
     * with PL/Java's default settings or with the recommended ones.
     */
    private void coldStart() throws Exception {
        log("W2: cold starts, " + rounds + " rounds");
        String withoutArchive = BenchClient.setting("pljava.vmoptions",
                vmoptions.replaceAll(" ?-XX:SharedArchiveFile=\\S+", ""));
        List<String[]> variants = new ArrayList<>(List.of(new String[][] {
            {"plain", null, PLAIN_REPORT},
            {"report", null, WARDEN_REPORT},
            {"default", null, WARDEN_JAVA},
            {"recommended", recommended, WARDEN_JAVA},
            {"options only", withoutArchive, WARDEN_JAVA},
            {"pljava default", null, PLJAVA_ONLY},
            {"pljava recommended", recommended, PLJAVA_ONLY}}));
        if (trimmed != null) {
            variants.add(new String[] {"trimmed", trimmed, WARDEN_JAVA});
            variants.add(new String[] {"pljava trimmed", trimmed, PLJAVA_ONLY});
        }
        Map<String, Samples> s = coldRounds(variants.toArray(new String[0][]));
        Samples plain = s.get("plain");
        tableRow("W2 cold", "backend_report() (plain SQL, no JVM)", new Samples[] {
            s.get("report"), plain}, "", null);
        tableRow("W2 cold", "a Java call, PL/Java's default settings", new Samples[] {
            s.get("default"), plain}, "", null);
        tableRow("W2 cold", "a Java call, recommended options, no archive", new Samples[] {
            s.get("options only"), plain}, "", null);
        tableRow("W2 cold", "a Java call, recommended (options + CDS archive)",
                new Samples[] {s.get("recommended"), plain}, "", null);
        Samples halved = Samples.ratios(s.get("recommended"), s.get("default"));
        table.add("W2 cold", "a Java call: recommended / default", "", "",
                BenchTable.ratio(halved), "ratio ≤ 0.5", BenchTable.met(halved.median() <= 0.5));
        if (trimmed != null) {
            tableRow("W2 cold", "a Java call, trimmed runtime (install/jvm-image.sh)",
                    new Samples[] {s.get("trimmed"), plain}, "", null);
            Samples trimmedHalved = Samples.ratios(s.get("trimmed"), s.get("default"));
            table.add("W2 cold", "a Java call: trimmed runtime / default", "", "",
                    BenchTable.ratio(trimmedHalved), "ratio ≤ 0.5",
                    BenchTable.met(trimmedHalved.median() <= 0.5));
        }
        tableRow("W2 cold", "PL/Java alone (sqlj.get_classpath), default settings",
                new Samples[] {s.get("pljava default"), plain}, "", null);
        tableRow("W2 cold", "PL/Java alone (sqlj.get_classpath), recommended",
                new Samples[] {s.get("pljava recommended"), plain}, "", null);
        if (trimmed != null) {
            tableRow("W2 cold", "PL/Java alone (sqlj.get_classpath), trimmed runtime",
                    new Samples[] {s.get("pljava trimmed"), plain}, "", null);
        }
    }

    /**
     * Rounds of cold calls: in each round every variant once ({name, vmoptions, sql}), in an
     * order that rotates from round to round, each in a new session.
     */
    private Map<String, Samples> coldRounds(String[][] variants) throws Exception {
        Map<String, Samples> samples = new LinkedHashMap<>();
        for (String[] v : variants) {
            samples.put(v[0], new Samples());
        }
        coldCall(null, PLAIN_REPORT); // pgjdbc's own first connection
        for (int r = 0; r < rounds; r++) {
            for (int i = 0; i < variants.length; i++) {
                String[] v = variants[(i + r) % variants.length];
                samples.get(v[0]).add(coldCall(v[1], v[2]));
            }
        }
        return samples;
    }

    /** Milliseconds from connecting to having read the result, in a new session. */
    private double coldCall(String vmoptions, String sql) throws Exception {
        long start = System.nanoTime();
        double ms;
        try (Connection c = client.connect(vmoptions, COLD)) {
            BenchClient.drain(c, sql);
            ms = (System.nanoTime() - start) / 1e6;
        }
        // Let the closed backend's JVM shut down before the next one starts.
        TimeUnit.MILLISECONDS.sleep(150);
        return ms;
    }

    // ---- W3 -------------------------------------------------------------------------------

    /** W3 on K idle-in-transaction sessions; returns the pgwarden and plain "gone" samples. */
    private Samples[] reap(int k) throws Exception {
        log("W3: reaping " + k + " idle-in-transaction sessions, " + rounds + " rounds");
        Samples wardenCall = new Samples();
        Samples wardenGone = new Samples();
        Samples plainCall = new Samples();
        Samples plainGone = new Samples();
        String threshold = "10 milliseconds";
        try (Connection warden = client.connect(recommended, CALLER);
                Connection plain = client.connect(null, CALLER);
                Connection monitor = server.connect()) {
            BenchClient.drain(warden, WARDEN_REAP.formatted("1 hour"));
            for (int r = 0; r < rounds; r++) {
                for (int side = 0; side < 2; side++) {
                    boolean pgwarden = (side == 0) == (r % 2 == 0);
                    try (Crowd crowd = Crowd.idleInTransaction(server, VICTIMS, k)) {
                        TimeUnit.MILLISECONDS.sleep(50);
                        long start = System.nanoTime();
                        int rows = BenchClient.drain(pgwarden ? warden : plain,
                                (pgwarden ? WARDEN_REAP : PLAIN_REAP).formatted(threshold));
                        double call = (System.nanoTime() - start) / 1e6;
                        while (!crowd.gone(monitor)) {
                            TimeUnit.MILLISECONDS.sleep(1);
                        }
                        double gone = (System.nanoTime() - start) / 1e6;
                        if (rows != k) {
                            notes.add("W3 K = " + k + ": " + (pgwarden ? "pgwarden" : "plain SQL")
                                    + " returned " + rows + " rows instead of " + k + ".");
                        }
                        (pgwarden ? wardenCall : plainCall).add(call);
                        (pgwarden ? wardenGone : plainGone).add(gone);
                    }
                }
            }
        }
        tableRow("W3 reap", "K = " + k + ": the call", new Samples[] {wardenCall, plainCall},
                "", null);
        Samples ratio = Samples.ratios(wardenGone, plainGone);
        boolean target = k == 400;
        boolean met = ratio.median() <= 2 && wardenGone.median() < 1000;
        table.add("W3 reap", "K = " + k + ": until every victim is gone",
                BenchTable.ms(wardenGone), BenchTable.ms(plainGone), BenchTable.ratio(ratio),
                target ? "ratio ≤ 2, < 1 s" : "", target ? BenchTable.met(met) : "");
        return new Samples[] {wardenGone, plainGone};
    }

    // ---- W4 -------------------------------------------------------------------------------

    /** W4: what a backend's resident memory gains from its first call. */
    private void memory() throws Exception {
        log("W4: resident memory of a backend before and after its first call");
        Map<String, Samples[]> s = new LinkedHashMap<>();
        List<String[]> variants = new ArrayList<>(List.of(new String[][] {
            {"plain", null, PLAIN_REPORT},
            {"report", null, WARDEN_REPORT},
            {"default", null, WARDEN_JAVA},
            {"recommended", recommended, WARDEN_JAVA}}));
        if (trimmed != null) {
            variants.add(new String[] {"trimmed runtime", trimmed, WARDEN_JAVA});
        }
        for (String[] v : variants) {
            s.put(v[0], new Samples[] {new Samples(), new Samples()});
        }
        for (int r = 0; r < rounds; r++) {
            for (String[] v : variants) {
                try (Connection c = client.connect(v[1], COLD)) {
                    int pid = BenchClient.backendPid(c);
                    double rss = BenchClient.statusMb(pid, "VmRSS");
                    double anon = BenchClient.statusMb(pid, "RssAnon");
                    BenchClient.drain(c, v[2]);
                    s.get(v[0])[0].add(BenchClient.statusMb(pid, "VmRSS") - rss);
                    s.get(v[0])[1].add(BenchClient.statusMb(pid, "RssAnon") - anon);
                }
                TimeUnit.MILLISECONDS.sleep(150);
            }
        }
        table.add("W4 memory", "VmRSS gained, backend_report() (no JVM)",
                BenchTable.mb(s.get("report")[0]), BenchTable.mb(s.get("plain")[0]), "", "", "");
        for (String settings : trimmed == null ? List.of("default", "recommended")
                : List.of("default", "recommended", "trimmed runtime")) {
            table.add("W4 memory", "VmRSS gained, a Java call, " + settings + " settings",
                    BenchTable.mb(s.get(settings)[0]), BenchTable.mb(s.get("plain")[0]), "",
                    "", "");
            table.add("W4 memory", "of which private (RssAnon), " + settings + " settings",
                    BenchTable.mb(s.get(settings)[1]), BenchTable.mb(s.get("plain")[1]), "",
                    "", "");
        }
    }

    // ---- helpers ----------------------------------------------------------------------------

    /**
     * Warms both sessions, then measures {@code count} pairs, alternating which goes first.
     * Returns {pgwarden, plain}.
     */
    private static Samples[] pairs(Connection warden, String wardenSql, Connection plain,
            String plainSql, int count) throws SQLException {
        for (int i = 0; i < 3; i++) {
            BenchClient.drain(warden, wardenSql);
            BenchClient.drain(plain, plainSql);
        }
        Samples w = new Samples();
        Samples p = new Samples();
        for (int i = 0; i < count; i++) {
            if (i % 2 == 0) {
                w.add(BenchClient.timed(warden, wardenSql));
                p.add(BenchClient.timed(plain, plainSql));
            } else {
                p.add(BenchClient.timed(plain, plainSql));
                w.add(BenchClient.timed(warden, wardenSql));
            }
        }
        return new Samples[] {w, p};
    }

    private void tableRow(String workload, String what, Samples[] s, String target,
            Boolean met) {
        table.add(workload, what, BenchTable.ms(s[0]), BenchTable.ms(s[1]),
                BenchTable.ratio(Samples.ratios(s[0], s[1])), target,
                met == null ? "" : BenchTable.met(met));
    }

    private void execute(String sql) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    /** Runs install/cds-archive.sh against the cluster; returns the options it printed. */
    private static String buildArchive(TestServer server) throws Exception {
        Path archive = server.dataDir().getParent().resolve("pgwarden-pljava.jsa");
        String output = runScript(server, "install/cds-archive.sh", archive.toString());
        if (output == null) {
            fail("install/cds-archive.sh failed (above)");
        }
        return printed(output, "pljava.vmoptions");
    }

    /**
     * Runs install/jvm-image.sh against the cluster; returns the three settings it printed
     * ({@code name = 'value'}), or null when it could not build a runtime here.
     */
    private static List<String> buildRuntime(TestServer server) throws Exception {
        Path parent = server.dataDir().getParent();
        String output = runScript(server, "install/jvm-image.sh", parent.toString(),
                parent.resolve("pgwarden-jre.jsa").toString());
        if (output == null) {
            return null;
        }
        return List.of("pljava.libjvm_location", "pljava.module_path", "pljava.vmoptions")
                .stream().map(name -> name + " = '" + printed(output, name) + "'").toList();
    }

    /** The script's output, or null (with the output printed) if it failed. */
    private static String runScript(TestServer server, String script, String... args)
            throws Exception {
        Path basedir = Paths.get(System.getProperty("pgwarden.basedir", "."));
        List<String> command = new ArrayList<>(List.of("bash",
                basedir.resolve(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(server.libpqEnvironment());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            System.err.println(script + " failed:\n" + output);
            return null;
        }
        return output;
    }

    /** The value of a {@code name = '...'} line a script printed. */
    private static String printed(String output, String name) {
        String prefix = name + " = '";
        for (String line : output.lines().toList()) {
            if (line.startsWith(prefix) && line.endsWith("'")) {
                return line.substring(prefix.length(), line.length() - 1);
            }
        }
        throw new IllegalStateException("no " + name + " line in:\n" + output);
    }

    /**
     * Prints the tables and writes them into docs/benchmarks.md: W1 to W4 only when all four
     * ran (a partial run would replace the whole block), W5 into its own section.
     */
    private void publish(String loadBefore) throws Exception {
        String when = OffsetDateTime.now(ZoneOffset.UTC)
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'"));
        String command = "mvn -B -q -Pbench -DskipTests package exec:exec"
                + (workloads.equals(List.of(ALL_WORKLOADS.split(","))) ? ""
                        : " -Dbench.workloads=" + String.join(",", workloads));
        String head = "Measured " + when + " with `" + command + "` (" + rounds + " rounds";
        String machine = "- Machine: " + machine() + "\n"
                + "- Load average (1, 5, 15 min) before: " + loadBefore + "; after: "
                + loadAverage() + "\n"
                + "- " + versions() + "\n"
                + "- Recommended `pljava.vmoptions` (from install/cds-archive.sh): `"
                + vmoptions.replace(server.dataDir().getParent().toString(), "…") + "`\n";
        Path doc = Paths.get(System.getProperty("pgwarden.basedir", "."), "docs",
                "benchmarks.md");
        if (!table.isEmpty()) {
            StringBuilder out = new StringBuilder(head)
                    .append("; warm figures from at least 15 pairs).\n\n").append(machine)
                    .append("- Trimmed runtime (from install/jvm-image.sh): ")
                    .append(trimmedSettings == null ? "not built" : "`" + String.join("`, `",
                            trimmedSettings).replace(server.dataDir().getParent().toString(),
                                    "…") + "`")
                    .append("\n\n")
                    .append(table.markdown()).append('\n');
            for (String note : notes) {
                out.append("- ").append(note).append('\n');
            }
            System.out.println();
            System.out.println(out);
            if (workloads.containsAll(List.of("W1", "W2", "W3", "W4"))) {
                BenchTable.writeInto(doc, out.toString());
                log("written to " + doc.toAbsolutePath().normalize());
            } else {
                log("W1 to W4 not all run: their results are not written to " + doc);
            }
        }
        if (!w5Table.isEmpty()) {
            StringBuilder out = new StringBuilder(head)
                    .append("; (a) from at least 15 pairs).\n\n").append(machine)
                    .append("- The runner's JVM options (from install/pgwarden-watch.env): `")
                    .append(String.join(" ", WatchCost.runnerJavaOptions())).append("`\n\n")
                    .append(w5Table.markdown()).append('\n');
            for (String note : w5Notes) {
                out.append("- ").append(note).append('\n');
            }
            System.out.println();
            System.out.println(out);
            BenchTable.writeInto(doc, BenchTable.W5_BEGIN, BenchTable.W5_END, out.toString());
            log("W5 written to " + doc.toAbsolutePath().normalize());
        }
    }

    private String versions() throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("""
                    SELECT current_setting('server_version'),
                           (SELECT extversion FROM pg_extension WHERE extname = 'pljava')
                    """)) {
            rs.next();
            return "PostgreSQL " + rs.getString(1) + ", PL/Java " + rs.getString(2)
                    + ", server JVM " + System.getProperty("java.vm.name") + " "
                    + System.getProperty("java.runtime.version") + ", pgwarden "
                    + gitCommit();
        }
    }

    private static String gitCommit() {
        try {
            Process p = new ProcessBuilder("git", "-C",
                    System.getProperty("pgwarden.basedir", "."), "log", "-1",
                    "--format=%h (%cs)").start();
            String out = new String(p.getInputStream().readAllBytes()).trim();
            return p.waitFor() == 0 && !out.isEmpty() ? "commit " + out : "(no git)";
        } catch (IOException | InterruptedException e) {
            return "(no git)";
        }
    }

    private static String machine() throws IOException {
        String cpu = Files.readAllLines(Paths.get("/proc/cpuinfo")).stream()
                .filter(l -> l.startsWith("model name")).map(l -> l.replaceFirst(".*:\\s*", ""))
                .findFirst().orElse("unknown CPU");
        String mem = Files.readAllLines(Paths.get("/proc/meminfo")).stream()
                .filter(l -> l.startsWith("MemTotal")).map(l -> l.replaceAll("\\D", ""))
                .findFirst().map(kb -> Long.parseLong(kb) / 1024 / 1024 + " GiB").orElse("?");
        return Runtime.getRuntime().availableProcessors() + " cores (" + cpu + "), " + mem
                + " memory, Linux " + System.getProperty("os.version")
                + "; shared with other jobs while it ran";
    }

    private static String loadAverage() {
        try {
            String[] f = Files.readString(Paths.get("/proc/loadavg")).split(" ");
            return f[0] + ", " + f[1] + ", " + f[2];
        } catch (IOException e) {
            return "unknown";
        }
    }

    /**
     * Arguments name=value: rounds, sessions (N, comma-separated), victims (K), workloads
     * (some of W1 to W5, comma-separated).
     */
    private static Map<String, String> parameters(String[] args) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String arg : args) {
            int eq = arg.indexOf('=');
            if (eq < 0 || !List.of("rounds", "sessions", "victims", "workloads")
                    .contains(arg.substring(0, eq))) {
                fail("unknown argument \"" + arg + "\": expected rounds=, sessions=, victims=,"
                        + " workloads=");
            }
            params.put(arg.substring(0, eq), arg.substring(eq + 1));
        }
        return params;
    }

    private static int[] numbers(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).mapToInt(Integer::parseInt)
                .toArray();
    }

    static void log(String message) {
        System.err.println("[pgwarden-bench] " + message);
    }

    private static void fail(String message) {
        System.err.println("[pgwarden-bench] benchmark refused: " + message);
        System.exit(2);
    }
}
