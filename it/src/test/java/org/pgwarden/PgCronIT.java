package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * pg_cron for real: a job scheduled by a warden_operator member runs
 * warden.reap_idle_in_tx in the test database, terminates an idle-in-transaction victim and
 * is recorded as succeeded, and pg_cron's launcher lives on. pg_cron 1.4 schedules by the
 * minute, so this waits up to about a minute for the job's first run. Skipped, with a line
 * saying so, where PL/Java or a preloaded pg_cron is missing.
 */
class PgCronIT {

    private static final String PASSWORD = "warden-it";
    private static final String OPERATOR = "warden_it_cron_operator";
    private static final String APP = "warden_it_cron_app";
    private static final String JOB = "pgwarden-it-reap-idle";
    private static final String ENFORCE_JOB = "pgwarden-it-enforce";
    /** The one call the README tells a DBA to schedule once policies exist. */
    private static final String ENFORCE = "SELECT * FROM warden.enforce()";
    /** The command as the README shows it, with a threshold the victim soon exceeds. */
    private static final String COMMAND =
            "SELECT * FROM warden.reap_idle_in_tx(threshold => '1 second')";
    /** A minute to the next run, and some for the run itself. */
    private static final Duration FIRST_RUN = Duration.ofSeconds(150);

    private static final String SCHEDULE = """
        SELECT cron.schedule_in_database(?, '* * * * *', ?, ?)
        """;
    private static final String RUN = """
        SELECT status, return_message FROM cron.job_run_details
        WHERE jobid = ? AND status IN ('succeeded', 'failed')
        ORDER BY runid LIMIT 1
        """;
    private static final String LAUNCHER = """
        SELECT coalesce(max(pid), 0) FROM pg_stat_activity
        WHERE backend_type = 'pg_cron launcher'
        """;

    private final TestServer server = TestServer.get();
    private Victim victim;
    private Victim sleeper;

    @BeforeAll
    static void installPgwardenAndPgCron() throws Exception {
        TestServer server = TestServer.get();
        if (!server.sql().hasPlJava()) {
            System.out.println("[pgwarden-it] SKIPPED the pg_cron test (PgCronIT): PL/Java is"
                    + " not installed in this PostgreSQL");
            Assumptions.abort("PL/Java is not installed in this PostgreSQL");
        }
        if (!server.sql().queryBoolean("SELECT current_setting('shared_preload_libraries')"
                + " LIKE '%pg_cron%' AND EXISTS (SELECT FROM pg_available_extensions"
                + " WHERE name = 'pg_cron')")) {
            System.out.println("[pgwarden-it] SKIPPED the pg_cron test (PgCronIT): pg_cron is"
                    + " not installed and preloaded (install postgresql-NN-cron)");
            Assumptions.abort("pg_cron is not installed and preloaded");
        }
        Scripts.install(server);
        try (Connection cron = cronDatabase(server, server.superuser, server.password);
                Statement st = cron.createStatement()) {
            st.execute("CREATE EXTENSION IF NOT EXISTS pg_cron");
        }
    }

    @AfterEach
    void cleanUp() throws Exception {
        for (Victim v : new Victim[] {victim, sleeper}) {
            if (v != null) {
                v.close();
            }
        }
        server.sql().execute("DELETE FROM warden.policy WHERE name = 'it_cron'");
        try (Connection cron = cronDatabase(server, server.superuser, server.password);
                PreparedStatement ps = cron.prepareStatement(
                        "SELECT cron.unschedule(jobid) FROM cron.job WHERE jobname LIKE ?");
                Statement st = cron.createStatement()) {
            ps.setString(1, "pgwarden-it-%");
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getBoolean(1);
                }
            }
            st.execute("DELETE FROM cron.job_run_details WHERE jobid NOT IN"
                    + " (SELECT jobid FROM cron.job)");
            // Privileges in the cron database go first, or DROP ROLE refuses.
            st.execute("DROP OWNED BY " + OPERATOR);
        } catch (SQLException e) {
            // the role was never created
        }
        Victims.terminateLeftovers(server);
        server.sql().execute("DROP ROLE IF EXISTS " + OPERATOR);
        server.sql().execute("DROP ROLE IF EXISTS " + APP);
    }

    @Test
    void jobsScheduledByAnOperatorReapAndEnforce() throws Exception {
        server.sql().execute("CREATE ROLE " + OPERATOR + " LOGIN PASSWORD '" + PASSWORD + "'");
        server.sql().execute("GRANT warden_operator TO " + OPERATOR);
        server.sql().execute("CREATE ROLE " + APP + " LOGIN PASSWORD '" + PASSWORD + "'");
        try (Connection cron = cronDatabase(server, server.superuser, server.password);
                Statement st = cron.createStatement()) {
            // What the README tells a DBA to grant; pg_cron grants neither to PUBLIC.
            st.execute("GRANT USAGE ON SCHEMA cron TO " + OPERATOR);
            st.execute("GRANT EXECUTE ON FUNCTION cron.schedule_in_database(text, text, text,"
                    + " text, text, boolean) TO " + OPERATOR);
        }
        victim = Victim.open(server, APP, PASSWORD, "cron-idle-tx").idleInTransaction("SELECT 1");
        sleeper = Victim.open(server, APP, PASSWORD, "cron-report").start("SELECT pg_sleep(600)");
        server.sql().execute("INSERT INTO warden.policy (name, kind, threshold, application_name)"
                + " VALUES ('it_cron', 'long_running', '1 second', '"
                + sleeper.applicationName + "')");
        victim.awaitAge("1 second");
        sleeper.awaitAge("1 second");
        int launcher = launcherPid();
        assertTrue(launcher != 0, "no pg_cron launcher is running");

        long reapJob = schedule(JOB, COMMAND);
        long enforceJob = schedule(ENFORCE_JOB, ENFORCE);
        long scheduled = System.nanoTime();
        String[] reaped = awaitFirstRun(reapJob);
        String[] enforced = awaitFirstRun(enforceJob);
        System.out.println("[pgwarden-it] PgCronIT: the jobs' first runs ended "
                + (System.nanoTime() - scheduled) / 1_000_000_000 + " s after scheduling");

        assertEquals("succeeded", reaped[0], "return_message: " + reaped[1]);
        assertEquals("succeeded", enforced[0], "return_message: " + enforced[1]);
        assertFalse(victim.backendExists());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), victim.nextStatementSqlState());
        assertEquals(SqlState.QUERY_CANCELED.code(), sleeper.awaitFailure());
        assertEquals(launcher, launcherPid(), "pg_cron's launcher was lost");
        String log = server.sql().serverLog();
        if (log != null) {
            assertTrue(Pattern.compile("LOG:  pgwarden: terminate pid=" + victim.pid
                    + " user=\"" + APP + "\" .* function=reap_idle_in_tx .* caller=" + OPERATOR)
                    .matcher(log).find(), "no log line of the job's terminate");
            assertTrue(Pattern.compile("LOG:  pgwarden: cancel pid=" + sleeper.pid
                    + " .* function=cancel_long_running .* caller=" + OPERATOR)
                    .matcher(log).find(), "no log line of the enforce job's cancel");
        }
    }

    private long schedule(String name, String command) throws SQLException {
        try (Connection asOperator = cronDatabase(server, OPERATOR, PASSWORD);
                PreparedStatement ps = asOperator.prepareStatement(SCHEDULE)) {
            ps.setString(1, name);
            ps.setString(2, command);
            ps.setString(3, TestServer.DATABASE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** The status and return_message of the job's first finished run. */
    private String[] awaitFirstRun(long jobId) {
        String[] run = new String[2];
        Poll.until("the first run of pg_cron job " + jobId, FIRST_RUN, () -> {
            try (Connection cron = cronDatabase(server, server.superuser, server.password);
                    PreparedStatement ps = cron.prepareStatement(RUN)) {
                ps.setLong(1, jobId);
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        return false;
                    }
                    run[0] = rs.getString(1);
                    run[1] = rs.getString(2);
                    return true;
                }
            }
        });
        return run;
    }

    private int launcherPid() throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(LAUNCHER)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** A connection to the database pg_cron keeps its jobs in (cron.database_name). */
    private static Connection cronDatabase(TestServer server, String user, String password)
            throws SQLException {
        String database;
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT current_setting('cron.database_name')")) {
            rs.next();
            database = rs.getString(1);
        }
        Properties props = new Properties();
        props.setProperty("user", user);
        if (password != null) {
            props.setProperty("password", password);
        }
        props.setProperty("ApplicationName", "pgwarden-it-cron");
        return DriverManager.getConnection("jdbc:postgresql://" + server.host + ":"
                + server.port + "/" + database, props);
    }
}
