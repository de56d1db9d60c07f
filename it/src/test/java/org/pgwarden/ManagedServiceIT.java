package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The README's managed-service walkthrough on a cluster of its own, with the admin role a
 * managed service gives (rds_superuser, cloudsqlsuperuser, azure_pg_admin): no superuser,
 * CREATEROLE, pg_signal_backend and pg_read_all_stats WITH ADMIN OPTION, its own database.
 * It installs sql/schema.sql with psql, makes the runner's login role a member of
 * warden_operator, adds a policy, and the runner's watch mode, connected as that role,
 * terminates a victim and records it. Run on every major of the matrix, it covers the
 * role rules that changed in PostgreSQL 16 (CREATEROLE no longer grants what it has not).
 */
class ManagedServiceIT {

    private static final Path BASEDIR = Paths.get(System.getProperty("pgwarden.basedir", "."));
    private static final Duration LIMIT = Duration.ofSeconds(30);
    private static final String ADMIN = "it_managed_admin";
    private static final String RUNNER = "it_managed_runner";
    private static final String DATABASE = "it_managed_app";
    private static final String APP = "it_managed_app_user";

    @Test
    void theWalkthroughInstallsAsTheServicesAdminAndTheRunnerEnforcesAsAnOperator()
            throws Exception {
        // A cluster of its own: pgwarden's home and roles of the shared one stay as they are.
        TestServer own = TestServer.startLocal("pgwarden-it-managed", "");
        Victim victim = null;
        try {
            own.sql().execute("CREATE ROLE " + ADMIN + " LOGIN CREATEROLE CREATEDB");
            own.sql().execute("GRANT pg_signal_backend, pg_read_all_stats TO " + ADMIN
                    + " WITH ADMIN OPTION");
            own.sql().execute("CREATE DATABASE " + DATABASE + " OWNER " + ADMIN);
            // The application's role: no superuser's session may be signalled by an operator.
            own.sql().execute("CREATE ROLE " + APP + " LOGIN");

            psqlFile(own, ADMIN, BASEDIR.resolve("sql/schema.sql"));
            try (Connection admin = connect(own, ADMIN); Statement st = admin.createStatement()) {
                st.execute("CREATE ROLE " + RUNNER + " LOGIN IN ROLE warden_operator");
                st.execute("INSERT INTO warden.policy (name, kind, threshold,"
                        + " application_name_like) VALUES ('it_managed', 'idle_in_tx',"
                        + " '200 milliseconds', '" + Victims.APP_PREFIX + "-managed%')");
            }

            Map<String, String> env = own.libpqEnvironment();
            env.put("PGUSER", RUNNER);
            env.put("PGDATABASE", DATABASE);
            try (WatchProcess watch = WatchProcess.start(env, "--interval", "1s",
                    "--log-format", "json")) {
                watch.awaitLine("the started line", LIMIT, l -> l.contains("\"started\""));
                Victim v = Victim.open(own, APP, null, "managed-victim")
                        .idleInTransaction("SELECT 1");
                victim = v;
                watch.awaitLine("the action on pid " + v.pid, LIMIT,
                        l -> l.contains("\"event\":\"action\"") && l.contains("\"pid\":" + v.pid
                                + ","));
                assertEquals(SqlState.ADMIN_SHUTDOWN.code(), v.nextStatementSqlState());
                assertEquals(0, watch.stop(LIMIT), watch.stderr());
            }
            try (Connection admin = connect(own, ADMIN); Statement st = admin.createStatement();
                    ResultSet rs = st.executeQuery("SELECT caller, action, outcome, policy"
                            + " FROM warden.action_log WHERE pid = " + victim.pid)) {
                List<String> rows = new ArrayList<>();
                while (rs.next()) {
                    rows.add(rs.getString(1) + " " + rs.getString(2) + " " + rs.getString(3)
                            + " " + rs.getString(4));
                }
                assertEquals(List.of(RUNNER + " terminate terminated it_managed"), rows);
            }
        } finally {
            if (victim != null) {
                victim.close();
            }
            own.stop();
        }
    }

    /** psql -f as the README runs it: stop at the first error, which fails the test. */
    private static void psqlFile(TestServer own, String user, Path file) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(own.clientProgram("psql").toString(), "-X", "-q",
                "-v", "ON_ERROR_STOP=1", "-f", file.toString()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(name -> name.startsWith("PG"));
        pb.environment().putAll(own.libpqEnvironment());
        pb.environment().put("PGUSER", user);
        pb.environment().put("PGDATABASE", DATABASE);
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new AssertionError("psql -f " + file + " as " + user + " failed:\n" + output);
        }
    }

    private static Connection connect(TestServer own, String user) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("ApplicationName", "pgwarden-test");
        return DriverManager.getConnection("jdbc:postgresql://" + own.host + ":" + own.port
                + "/" + DATABASE, props);
    }
}
