package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;

/**
 * What every scenario class shares: the server, a superuser caller, victims, roles and
 * tables that each test creates and that are removed after it, and the observations.
 */
abstract class ScenarioBase {

    /**
     * A loop that swallows every cancel: only a terminate stops it. Each cancel it swallows
     * appends "+cancel" to its application_name, so a test sees that one arrived.
     */
    static final String IGNORES_CANCEL = """
        DO $$
        BEGIN
            LOOP
                BEGIN
                    PERFORM pg_sleep(0.05);
                EXCEPTION WHEN query_canceled THEN
                    PERFORM set_config('application_name',
                        current_setting('application_name') || '+cancel', false);
                END;
            END LOOP;
        END
        $$""";

    static final String PASSWORD = "warden-it";

    /** A value in a pgwarden log line as ServerMessages.quote writes it. */
    static final String QUOTED = "\"(?:[^\"\\\\]|\\\\.)*\"";

    protected final TestServer server = TestServer.get();
    protected Connection caller;
    private final List<Victim> victims = new ArrayList<>();
    private final List<String> roles = new ArrayList<>();
    private final List<String> tables = new ArrayList<>();

    protected abstract WardenClient client();

    @BeforeEach
    void openCaller() throws SQLException {
        caller = server.connect();
    }

    @AfterEach
    void cleanUp() throws SQLException {
        victims.forEach(Victim::close);
        server.terminate(victims.stream().map(v -> v.pid).toList());
        server.terminateVictims();
        caller.close();
        for (String table : tables) {
            server.execute("DROP TABLE IF EXISTS " + table);
        }
        for (String role : roles) {
            server.execute("DROP ROLE IF EXISTS " + role);
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    List<ActionRow> cancel(String threshold, Boolean escalate, String grace, Boolean dryRun)
            throws SQLException {
        return client().cancelLongRunning(caller, threshold, escalate, grace, dryRun);
    }

    Victim victim(String name) throws SQLException {
        return register(Victim.open(server, name));
    }

    Victim victim(String user, String name) throws SQLException {
        return register(Victim.open(server, user, PASSWORD, name));
    }

    /** A victim whose application_name is exactly {@code app}, e.g. a backup tool's. */
    Victim victimNamed(String app) throws SQLException {
        return register(Victim.openAs(server, app));
    }

    /** A victim session on the streaming standby of the test cluster. */
    Victim victimOn(Standby standby, String name) throws SQLException {
        return register(Victim.open(standby, name));
    }

    /** A victim of role {@code user} whose application_name is exactly {@code app}. */
    Victim victimNamed(String user, String app) throws SQLException {
        return register(Victim.openAs(server, user, PASSWORD, app));
    }

    private Victim register(Victim v) {
        victims.add(v);
        return v;
    }

    /** Creates a login role for this test; it is dropped afterwards. */
    String role(String name) throws SQLException {
        server.execute("DROP ROLE IF EXISTS " + name);
        server.execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + PASSWORD + "'");
        roles.add(name);
        return name;
    }

    /** Creates a table for this test; it is dropped afterwards. */
    String table(String name) throws SQLException {
        server.execute("DROP TABLE IF EXISTS " + name);
        server.execute("CREATE TABLE " + name + " (id integer)");
        tables.add(name);
        return name;
    }

    static ActionRow rowFor(List<ActionRow> rows, Victim v) {
        List<ActionRow> matching = rows.stream().filter(r -> r.pid() == v.pid).toList();
        assertEquals(1, matching.size(), "rows for pid " + v.pid + " in " + rows);
        return matching.get(0);
    }

    static ReportRow reportRowFor(List<ReportRow> rows, Victim v) {
        List<ReportRow> matching = rows.stream().filter(r -> r.pid() == v.pid).toList();
        assertEquals(1, matching.size(), "report rows for pid " + v.pid + " in " + rows);
        return matching.get(0);
    }

    static void refused(String parameter, String shownValue, Executable call) {
        SQLException e = assertThrows(SQLException.class, call);
        assertEquals(SqlState.INVALID_PARAMETER_VALUE.code(), e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains(
                "invalid value for parameter \"" + parameter + "\": " + shownValue),
                e.getMessage());
    }

    /**
     * The actions of the pgwarden lines the server log holds for this victim's pid, once it
     * holds {@code expected} of them.
     */
    List<String> logLinesFor(Victim v, int expected) throws Exception {
        String first = server.serverLog();
        Assumptions.assumeTrue(first != null,
                "the server keeps no log file that SQL can read: log lines not checked");
        Pattern line = Pattern.compile("LOG:  pgwarden: (\\w+) pid=" + v.pid
                + " user=" + QUOTED + " application="
                + Pattern.quote(ServerMessages.quote(v.applicationName))
                + " database=\"" + TestServer.DATABASE + "\" function=\\w+ reason=" + QUOTED
                + " caller=(?:\\w+|" + QUOTED + ")$", Pattern.MULTILINE);
        List<String> actions = new ArrayList<>();
        Poll.until(expected + " log lines for pid " + v.pid, Duration.ofSeconds(10), () -> {
            actions.clear();
            Matcher m = line.matcher(server.serverLog());
            while (m.find()) {
                actions.add(m.group(1));
            }
            return actions.size() >= expected;
        });
        return actions;
    }

    /** "action/outcome" of each audit row for this victim's backend, oldest first. */
    List<String> audit(Victim v) throws SQLException {
        return auditOf(v, "action || '/' || outcome");
    }

    /** {@code column} (an expression over warden.action_log) of this victim's audit rows. */
    List<String> auditOf(Victim v, String column) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT %s FROM warden.action_log
                WHERE pid = ? AND application_name = ? ORDER BY id""".formatted(column))) {
            ps.setInt(1, v.pid);
            ps.setString(2, v.applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }

    /** The cancels a session running {@link #IGNORES_CANCEL} swallowed so far. */
    int swallowedCancels(Victim v) throws SQLException {
        try (Statement st = caller.createStatement();
                ResultSet rs = st.executeQuery("SELECT application_name FROM pg_stat_activity"
                        + " WHERE pid = " + v.pid)) {
            return rs.next() ? rs.getString(1).split("\\+cancel", -1).length - 1 : 0;
        }
    }

    String waitEventType(Victim v) throws SQLException {
        try (Statement st = caller.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT coalesce(wait_event_type, '') FROM pg_stat_activity"
                                + " WHERE pid = " + v.pid)) {
            return rs.next() ? rs.getString(1) : "";
        }
    }

    int activityCount(String condition) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE " + condition)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** pid to "backend_type backend_start" for the processes matching condition. */
    Map<Integer, String> processes(String condition) throws SQLException {
        Map<Integer, String> processes = new HashMap<>();
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pid, backend_type || ' '"
                        + " || backend_start FROM pg_stat_activity WHERE " + condition)) {
            while (rs.next()) {
                processes.put(rs.getInt(1), rs.getString(2));
            }
        }
        return processes;
    }

    /**
     * Runs the rest of the test only on PostgreSQL {@code major} or later: one side of a
     * version gate (its other side is {@link #assumeServerVersionBefore}).
     */
    void assumeMinimumServerVersion(int major, String because) throws SQLException {
        Assumptions.assumeTrue(server.serverVersionNum() >= major * 10000,
                "needs PostgreSQL " + major + " or later: " + because);
    }

    /** Runs the rest of the test only on a PostgreSQL major before {@code major}. */
    void assumeServerVersionBefore(int major, String because) throws SQLException {
        Assumptions.assumeTrue(server.serverVersionNum() < major * 10000,
                "needs PostgreSQL before " + major + ": " + because);
    }

    /**
     * Whether the helper process {@code p} still runs; once it has exited, the test fails at
     * once with its exit status and what it printed (its output must be a pipe), instead of
     * running into a deadline that says nothing of why.
     */
    static boolean running(Process p, String what) {
        if (p.isAlive()) {
            return true;
        }
        String output;
        try {
            output = new String(p.getInputStream().readAllBytes());
        } catch (java.io.IOException e) {
            output = "(its output could not be read: " + e + ")";
        }
        throw new AssertionError(what + " exited with status " + p.exitValue() + ":\n" + output);
    }

    static int pidOf(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** The one bigint of {@code sql}, read in a session of its own. */
    long scalar(String sql) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
