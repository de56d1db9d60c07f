package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.function.Executable;

/**
 * What every scenario class shares, as the words its tests are written in: the server, a
 * superuser caller, the victims (Victims), roles and tables each test creates and that are
 * removed after it, and the observations (AuditTrail, Sql, ServerVersion's gates).
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
    static final String QUOTED = AuditTrail.QUOTED;

    protected final TestServer server = TestServer.get();
    protected Connection caller;
    private final Victims victims = new Victims(server);
    private final AuditTrail trail = new AuditTrail(server);
    private final List<String> roles = new ArrayList<>();
    private final List<String> tables = new ArrayList<>();

    protected abstract WardenClient client();

    @BeforeEach
    void openCaller() throws SQLException {
        caller = server.connect();
    }

    @AfterEach
    void cleanUp() throws SQLException {
        victims.closeAll();
        caller.close();
        for (String table : tables) {
            server.sql().execute("DROP TABLE IF EXISTS " + table);
        }
        for (String role : roles) {
            server.sql().execute("DROP ROLE IF EXISTS " + role);
        }
    }

    // ---- helpers ------------------------------------------------------------------------

    List<ActionRow> cancel(String threshold, WardenClient.Escalation escalate, String grace,
            WardenClient.DryRun dryRun) throws SQLException {
        return client().cancelLongRunning(caller, threshold, escalate, grace, dryRun);
    }

    // Victims, roles and tables a test makes are removed after it.

    Victim victim(String name) throws SQLException {
        return victims.open(name);
    }

    Victim victim(String user, String name) throws SQLException {
        return victims.open(user, PASSWORD, name);
    }

    /** A victim whose application_name is exactly {@code app}, e.g. a backup tool's. */
    Victim victimNamed(String app) throws SQLException {
        return victims.named(app);
    }

    /** A victim session on the streaming standby of the test cluster. */
    Victim victimOn(Standby standby, String name) throws SQLException {
        return victims.on(standby, name);
    }

    /** A victim of role {@code user} whose application_name is exactly {@code app}. */
    Victim victimNamed(String user, String app) throws SQLException {
        return victims.named(user, PASSWORD, app);
    }

    /** Creates a login role for this test; it is dropped afterwards. */
    String role(String name) throws SQLException {
        server.sql().execute("DROP ROLE IF EXISTS " + name);
        server.sql().execute("CREATE ROLE " + name + " LOGIN PASSWORD '" + PASSWORD + "'");
        roles.add(name);
        return name;
    }

    /** Creates a table for this test; it is dropped afterwards. */
    String table(String name) throws SQLException {
        server.sql().execute("DROP TABLE IF EXISTS " + name);
        server.sql().execute("CREATE TABLE " + name + " (id integer)");
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

    // What pgwarden left behind about a victim: AuditTrail.

    /** The actions of this victim's pgwarden log lines, once there are {@code expected}. */
    List<String> logLinesFor(Victim v, int expected) throws Exception {
        return trail.logLinesFor(v, expected);
    }

    /** "action/outcome" of each audit row for this victim's backend, oldest first. */
    List<String> audit(Victim v) throws SQLException {
        return trail.audit(v);
    }

    /** {@code column} (an expression over warden.action_log) of this victim's audit rows. */
    List<String> auditOf(Victim v, String column) throws SQLException {
        return trail.auditOf(v, column);
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
        return server.sql().activityCount(condition);
    }

    /** pid to "backend_type backend_start" for the processes matching condition. */
    Map<Integer, String> processes(String condition) throws SQLException {
        return server.sql().processes(condition);
    }

    /**
     * Runs the rest of the test only on PostgreSQL {@code major} or later: one side of a
     * version gate (its other side is {@link #assumeServerVersionBefore}).
     */
    void assumeMinimumServerVersion(int major, String because) throws SQLException {
        ServerVersion.assumeMinimumServerVersion(server, major, because);
    }

    /** Runs the rest of the test only on a PostgreSQL major before {@code major}. */
    void assumeServerVersionBefore(int major, String because) throws SQLException {
        ServerVersion.assumeServerVersionBefore(server, major, because);
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
        return Sql.pidOf(c);
    }

    /** The one bigint of {@code sql}, read in a session of its own. */
    long scalar(String sql) throws SQLException {
        return server.sql().scalar(sql);
    }
}
