package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

/**
 * Every psql transcript in README.md, TESTING.md and docs/*.md, run with psql against the
 * throwaway server with pgwarden installed in it, must print what the docs show (allowing
 * for pids, times, ages and run ids: {@link DocTranscript#shapeOf}). What psql printed is
 * written to target/doc-transcripts/, ready to paste. Skipped, with a line saying so, where
 * PL/Java is not installed.
 */
class DocTranscriptsIT {

    /** The docs call the database app; the test server's is TestServer.DATABASE. */
    private static final String DOC_DATABASE = "app";
    private static final String END = "@@pgwarden-doc-statement-end@@";

    private static TestServer server;
    private static Connection admin;
    private static final ExecutorService THREADS = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "doc-transcript-session");
        t.setDaemon(true);
        return t;
    });
    /** The sessions the setup of the current transcript (and those it continues) opened. */
    private final List<Session> sessions = new ArrayList<>();

    private record Session(String name, Connection connection, int pid, Future<?> running) {
    }

    /*
     * A cluster of its own: the transcripts show cluster-wide views (horizon_report lists
     * every slot, the standby fixture's among them) and leave a slot and a prepared
     * transaction behind, which would hold back the other suites' horizon.
     */
    @BeforeAll
    static void installPgwarden() throws Exception {
        server = TestServer.startLocal("pgwarden-it-docs", "");
        Scripts.installInServer(server, "DocTranscriptsIT");
        admin = connect("pgwarden-doc-setup");
    }

    @AfterAll
    static void stopCluster() throws Exception {
        if (admin != null) {
            admin.close();
        }
        if (server != null) {
            server.stop();
        }
    }

    @TestFactory
    Stream<DynamicTest> everyTranscriptPrintsWhatTheDocsShow() throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        for (Path doc : DocPages.withTranscripts()) {
            String file = DocPages.BASEDIR.relativize(doc).toString();
            List<DocTranscript> transcripts = DocTranscript.parse(file, Files.readAllLines(doc));
            for (DocTranscript t : transcripts) {
                tests.add(DynamicTest.dynamicTest(file + ":" + t.line(), () -> check(t)));
            }
        }
        assertFalse(tests.isEmpty(), "no psql transcript found in the docs");
        tests.add(DynamicTest.dynamicTest("reset after the last transcript", this::reset));
        return tests.stream();
    }

    private void check(DocTranscript t) throws Exception {
        if (!t.continues()) {
            reset();
        }
        for (String step : t.setup()) {
            setUp(t, step);
        }
        Path pidFile = Files.createTempFile("pgwarden-doc-psql", ".pid");
        StringBuilder input = new StringBuilder()
                // PL/Java greets the session that starts its JVM with a JEP 411 WARNING on
                // Java 17 and later: start it here, out of sight, as an earlier call would.
                .append("\\o ").append(pidFile).append('\n')
                .append("SET client_min_messages = error;\n")
                .append("SELECT sqlj.get_classpath('warden');\n")
                .append("RESET client_min_messages;\n")
                .append("SELECT pg_backend_pid();\n")
                .append("\\o\n");
        for (DocTranscript.Statement s : t.statements()) {
            input.append(s.sql()).append("\n\\echo ").append(END).append('\n');
        }
        List<List<String>> outputs = psql(input.toString());
        Set<Integer> pids = new HashSet<>();
        for (Session s : sessions) {
            pids.add(s.pid());
        }
        for (String l : Files.readAllLines(pidFile)) {
            if (l.strip().matches("\\d+")) {
                pids.add(Integer.parseInt(l.strip()));
            }
        }
        Files.delete(pidFile);
        writeActual(t, outputs);
        StringBuilder problems = new StringBuilder();
        for (int i = 0; i < t.statements().size(); i++) {
            DocTranscript.Statement s = t.statements().get(i);
            List<String> actual = i < outputs.size() ? outputs.get(i) : List.of();
            String mismatch = DocTranscript.mismatch(s.expected(), actual, pids);
            if (mismatch != null) {
                problems.append("\n").append(s.sql()).append("\n").append(mismatch);
            }
        }
        if (problems.length() > 0) {
            fail(t.file() + ":" + t.line() + ": the transcript does not show what psql"
                    + " prints (actual output in target/doc-transcripts/)" + problems);
        }
    }

    /** psql's output per statement, as a person at the prompt sees it. */
    private static List<List<String>> psql(String input) throws Exception {
        // Line-buffered, so that psql's results (stdout) and messages (stderr) arrive in the
        // order a terminal shows them.
        ProcessBuilder pb = new ProcessBuilder("stdbuf", "-oL",
                server.clientProgram("psql").toString(), "-X", "-P", "pager=off")
                .redirectErrorStream(true);
        pb.environment().keySet().removeIf(name -> name.startsWith("PG"));
        pb.environment().putAll(server.libpqEnvironment());
        pb.environment().put("PGAPPNAME", "psql");
        Process p = pb.start();
        p.getOutputStream().write(input.getBytes(StandardCharsets.UTF_8));
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("psql did not finish in 120 s:\n" + out);
        }
        List<List<String>> outputs = new ArrayList<>();
        List<String> current = new ArrayList<>();
        for (String l : out.split("\n", -1)) {
            if (l.equals(END)) {
                outputs.add(current);
                current = new ArrayList<>();
            } else {
                // Read from stdin, psql prefixes its messages with where; at a prompt it
                // does not. The docs show the prompt's view, of the database called app.
                current.add(l.replaceFirst("^psql:<stdin>:\\d+: ", "")
                        .replace(TestServer.DATABASE, DOC_DATABASE));
            }
        }
        return outputs;
    }

    private void setUp(DocTranscript t, String step) throws Exception {
        int colon = step.indexOf(':');
        if (colon < 0) {
            fail(t.file() + ":" + t.line() + ": a setup line is \"sql: ...\", \"session NAME:"
                    + " ...\" or \"sleep: 3s\", not \"" + step + "\"");
        }
        String what = step.substring(0, colon).strip();
        String arg = step.substring(colon + 1).strip();
        if (what.equals("sql")) {
            try (Statement st = admin.createStatement()) {
                st.execute(arg);
            }
        } else if (what.equals("sleep")) {
            Thread.sleep(Duration.parse("PT" + arg.toUpperCase()).toMillis());
        } else if (what.startsWith("session ")) {
            sessions.add(open(what.substring("session ".length()).strip(), arg));
        } else {
            fail(t.file() + ":" + t.line() + ": unknown setup line \"" + step + "\"");
        }
    }

    /**
     * A session named {@code app} that sends {@code sql} and is left where it gets: finished
     * (an idle transaction) or still running (a long query, a lock wait).
     */
    private static Session open(String app, String sql) throws Exception {
        Connection c = connect(app);
        int pid;
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            pid = rs.getInt(1);
        }
        Future<?> running = THREADS.submit(() -> {
            try (Statement st = c.createStatement()) {
                st.execute(sql);
            }
            return null;
        });
        Poll.until(app + " to run its statement", Duration.ofSeconds(20), () -> {
            if (running.isDone()) {
                running.get();
                return true;
            }
            try (Statement st = admin.createStatement(); ResultSet rs = st.executeQuery(
                    "SELECT state = 'active' AND query <> 'SELECT pg_backend_pid()'"
                            + " FROM pg_stat_activity WHERE pid = " + pid)) {
                return rs.next() && rs.getBoolean(1);
            }
        });
        return new Session(app, c, pid, running);
    }

    /**
     * Ends what earlier transcripts left: their sessions, prepared transactions, logical
     * slots, and the policies they wrote.
     */
    private void reset() throws Exception {
        try (Statement st = admin.createStatement()) {
            for (Session s : sessions) {
                st.execute("SELECT pg_terminate_backend(" + s.pid() + ")");
                s.connection().close();
            }
            sessions.clear();
            List<String> gids = new ArrayList<>();
            try (ResultSet rs = st.executeQuery("SELECT format('%L', gid)"
                    + " FROM pg_prepared_xacts WHERE database = current_database()")) {
                while (rs.next()) {
                    gids.add(rs.getString(1));
                }
            }
            for (String gid : gids) {
                st.execute("ROLLBACK PREPARED " + gid);
            }
            st.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE slot_type = 'logical' AND NOT active"
                    + " AND database = current_database()");
            st.execute("DELETE FROM warden.policy");
        }
    }

    private static Connection connect(String app) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", server.superuser);
        if (server.password != null) {
            props.setProperty("password", server.password);
        }
        props.setProperty("ApplicationName", app);
        // One Query message with the text as written, as psql sends it: pg_stat_activity
        // and query_preview show what the docs show.
        props.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection("jdbc:postgresql://" + server.host + ":"
                + server.port + "/" + TestServer.DATABASE, props);
    }

    /** The transcript as psql printed it, with the prompts, to compare or to paste. */
    private static void writeActual(DocTranscript t, List<List<String>> outputs)
            throws IOException {
        StringBuilder text = new StringBuilder("```psql\n");
        for (int i = 0; i < t.statements().size(); i++) {
            String[] typed = t.statements().get(i).sql().split("\n", -1);
            for (int j = 0; j < typed.length; j++) {
                text.append(DOC_DATABASE).append(j == 0 ? "=# " : "-# ").append(typed[j])
                        .append('\n');
            }
            List<String> out = i < outputs.size() ? outputs.get(i) : List.of();
            for (String l : out) {
                text.append(l).append('\n');
            }
        }
        String body = text.toString().replaceAll("\n+$", "\n") + "```\n";
        Path dir = Paths.get(System.getProperty("pgwarden.builddir", "target"))
                .resolve("doc-transcripts");
        Files.createDirectories(dir);
        Files.writeString(dir.resolve(t.file().replace('/', '_') + "-" + t.line() + ".txt"),
                body);
    }
}
