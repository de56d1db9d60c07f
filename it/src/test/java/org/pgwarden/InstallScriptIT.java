package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The packaged jar and install/install.sh and install/uninstall.sh against a real server. */
class InstallScriptIT {

    private final TestServer server = TestServer.get();

    @Test
    void theShippedJarHoldsNoPlJavaClassesAndNamesItsDescriptor() throws Exception {
        Path jar = Paths.get(System.getProperty("pgwarden.jar", "target/pgwarden.jar"));
        try (JarFile file = new JarFile(jar.toFile())) {
            assertTrue(file.stream().noneMatch(e -> e.getName().startsWith("org/postgresql/")),
                    "the server supplies PL/Java's classes");
            assertTrue(file.getEntry("pgwarden.ddr") != null);
            assertTrue(file.getEntry("org/pgwarden/pljava/WardenFunctions.class") != null);
            assertEquals("TRUE", file.getManifest().getAttributes("pgwarden.ddr")
                    .getValue("SQLJDeploymentDescriptor"));
        }
    }

    @Test
    void installStopsWithAClearMessageWhenPlJavaIsMissing() throws Exception {
        if (server.sql().hasPlJava()) {
            System.out.println("[pgwarden-it] SKIPPED InstallScriptIT without-PL/Java case:"
                    + " PL/Java is installed in this PostgreSQL");
            Assumptions.abort("PL/Java is installed");
        }
        Scripts.Result result = Scripts.run(server, "install/install.sh");

        assertNotEquals(0, result.exitCode());
        assertTrue(result.output().contains("install.sh: PL/Java is not installed in this"
                + " server"), result.output());
        // The core suites may have installed sql/schema.sql here; the functions need PL/Java.
        assertFalse(server.sql().queryBoolean(
                "SELECT to_regprocedure('warden.backend_report(boolean)') IS NOT NULL"));
    }

    @Test
    void aSecondInstallKeepsTheSameStateAndUninstallRemovesEverything() throws Exception {
        if (!server.sql().hasPlJava()) {
            System.out.println("[pgwarden-it] SKIPPED InstallScriptIT install/uninstall case:"
                    + " PL/Java is not installed in this PostgreSQL");
            Assumptions.abort("PL/Java is not installed");
        }
        server.sql().execute("DROP ROLE IF EXISTS warden_it_member");
        try {
            Scripts.install(server);
            server.sql().execute("CREATE ROLE warden_it_member LOGIN");
            server.sql().execute("GRANT warden_operator TO warden_it_member");
            server.sql().execute("INSERT INTO warden.exemption (name, application_name, note)"
                    + " VALUES ('it_batch', 'nightly-batch%', 'added by the operator')");
            server.sql().execute("DELETE FROM warden.exemption WHERE name = 'patroni'");
            String first = catalogState();

            Scripts.install(server);

            assertEquals(first, catalogState());
            assertTrue(server.sql().queryBoolean("SELECT pg_has_role('warden_it_member',"
                    + " 'warden_operator', 'MEMBER')"), "an upgrade dropped a membership");

            Scripts.Result removed = Scripts.run(server, "install/uninstall.sh");

            assertEquals(0, removed.exitCode(), removed.output());
            assertFalse(server.sql().queryBoolean("SELECT to_regnamespace('warden') IS NOT NULL"));
            assertFalse(server.sql().queryBoolean(
                    "SELECT EXISTS (SELECT FROM pg_roles WHERE rolname = 'warden_operator')"));
            assertFalse(server.sql().queryBoolean("SELECT EXISTS (SELECT FROM sqlj.jar_repository"
                    + " WHERE jarname = 'pgwarden')"));
            assertFalse(server.sql().queryBoolean("SELECT EXISTS (SELECT FROM pg_proc"
                    + " WHERE proname LIKE '%long_running%' OR proname LIKE 'reap_idle%')"));
            assertFalse(server.sql().queryBoolean("SELECT EXISTS (SELECT FROM pg_class"
                    + " WHERE relname IN ('action_log', 'policy', 'exemption'))"));
        } finally {
            server.sql().execute("DROP ROLE IF EXISTS warden_it_member");
            Scripts.install(server);
        }
    }

    @Test
    void anInstallTellsTheOperatorOfAnExemptionAnyClientCanClaim() throws Exception {
        if (!server.sql().hasPlJava()) {
            System.out.println("[pgwarden-it] SKIPPED InstallScriptIT claimable-exemption"
                    + " case: PL/Java is not installed in this PostgreSQL");
            Assumptions.abort("PL/Java is not installed");
        }
        Scripts.install(server);
        server.sql().execute("INSERT INTO warden.exemption (name, application_name, note)"
                + " VALUES ('it_claimable', 'nightly-batch', 'matches a name any client may"
                + " choose')");
        try {
            Scripts.Streams upgrade = Scripts.runApart(server, "install/install.sh");

            assertEquals(0, upgrade.exitCode(), upgrade.errors());
            assertTrue(upgrade.output().contains("pgwarden installed in database "),
                    upgrade.output());
            String warning = upgrade.errors().lines()
                    .filter(l -> l.contains("WARNING:  exemptions that any client can claim: "))
                    .findFirst().orElseThrow(() -> new AssertionError(
                            "no warning on standard error:\n" + upgrade.errors()));
            assertTrue(List.of(warning.substring(warning.indexOf("claim: ") + 7).split(", "))
                    .contains("it_claimable"), warning);
            // Shown, and only what the operator needs: PL/Java's advisory at COMMIT is not.
            assertFalse(upgrade.errors().contains("JEP 411"), upgrade.errors());
        } finally {
            server.sql().execute("DELETE FROM warden.exemption WHERE name = 'it_claimable'");
        }
    }

    @Test
    void theArchiveScriptTrainsAJvmAndANewSessionMapsItsArchive() throws Exception {
        if (!server.sql().hasPlJava()) {
            System.out.println("[pgwarden-it] SKIPPED InstallScriptIT archive case:"
                    + " PL/Java is not installed in this PostgreSQL");
            Assumptions.abort("PL/Java is not installed");
        }
        Assumptions.assumeTrue(server.dataDir() != null,
                "the scripts write on the database server: only a local test cluster");
        Scripts.install(server);
        // In the data directory: the one place the server's OS account surely may write.
        String archive = server.dataDir().toAbsolutePath().resolve("pgwarden-it.jsa")
                .toString();

        Scripts.Result result = Scripts.run(server, "install/cds-archive.sh", archive);

        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("-XX:SharedArchiveFile=" + archive + "'"),
                result.output());
        assertTrue(server.sql().queryBoolean(
                "SELECT size > 0 FROM pg_stat_file('" + archive + "')"));
    }

    @Test
    void theRuntimeScriptLinksARuntimeThatRunsPgwardenUnderPlJavasPolicy() throws Exception {
        if (!server.sql().hasPlJava()) {
            System.out.println("[pgwarden-it] SKIPPED InstallScriptIT runtime case:"
                    + " PL/Java is not installed in this PostgreSQL");
            Assumptions.abort("PL/Java is not installed");
        }
        Assumptions.assumeTrue(server.dataDir() != null,
                "the scripts write on the database server: only a local test cluster");
        Scripts.install(server);
        Path data = server.dataDir().toAbsolutePath();

        Scripts.Result result = Scripts.run(server, "install/jvm-image.sh", data.toString(),
                data.resolve("pgwarden-it-jre.jsa").toString());

        // Only a JDK without jlink or its jmods excuses a failure: then there is nothing to link.
        Assumptions.assumeFalse(result.exitCode() != 0
                && (result.output().contains(" has no jmods: install them")
                        || result.output().contains("jvm-image.sh: no jlink in ")),
                "the server's JDK cannot link a runtime: " + result.output());
        assertEquals(0, result.exitCode(), result.output());
        assertTrue(result.output().contains("checked that PL/Java enforces its policy"),
                result.output());
        String libjvm = printed(result.output(), "pljava.libjvm_location");
        String vmoptions = printed(result.output(), "pljava.vmoptions");
        assertTrue(libjvm.startsWith(data.toString()), libjvm);
        assertEquals("", printed(result.output(), "pljava.module_path"));
        // A new session with the three settings runs a pgwarden Java call.
        String options = "-c pljava.libjvm_location=" + libjvm + " -c pljava.module_path="
                + " -c pljava.vmoptions=" + vmoptions.replace(" ", "\\ ");
        Properties props = new Properties();
        props.setProperty("user", server.superuser);
        if (server.password != null) {
            props.setProperty("password", server.password);
        }
        props.setProperty("options", options);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://"
                + server.host + ":" + server.port + "/" + TestServer.DATABASE, props);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT warden.reap_idle_in_tx_json("
                        + "'3650 days', true, false), current_setting('pljava.libjvm_location')")) {
            rs.next();
            assertEquals("[]", rs.getString(1));
            assertEquals(libjvm, rs.getString(2));
        }
    }

    private static String printed(String output, String name) {
        String prefix = name + " = '";
        return output.lines().filter(l -> l.startsWith(prefix))
                .map(l -> l.substring(prefix.length(), l.length() - 1)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + name + " line in " + output));
    }

    /** What install creates, as text: functions, types, grants, comments, the role. */
    private String catalogState() throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("""
                    SELECT string_agg(line, E'\\n' ORDER BY line) FROM (
                        SELECT p.oid::regprocedure::text || ' returns '
                               || pg_get_function_result(p.oid) || ' ' || p.prosecdef
                               || ' ' || coalesce(p.proacl::text, '') || ' '
                               || coalesce(obj_description(p.oid, 'pg_proc'), '') AS line
                        FROM pg_proc p WHERE p.pronamespace = 'warden'::regnamespace
                        UNION ALL
                        SELECT 'type ' || t.typname || ' ' || format_type(t.oid, NULL)
                        FROM pg_type t WHERE t.typnamespace = 'warden'::regnamespace
                        UNION ALL
                        SELECT 'schema ' || coalesce(n.nspacl::text, '')
                        FROM pg_namespace n WHERE n.nspname = 'warden'
                        UNION ALL
                        SELECT 'operator in ' || r.rolname
                        FROM pg_auth_members m JOIN pg_roles r ON r.oid = m.roleid
                        WHERE m.member = 'warden_operator'::regrole
                        UNION ALL
                        SELECT 'classpath ' || sqlj.get_classpath('warden')
                        UNION ALL
                        SELECT 'exemption ' || e.name || ' ' || e.note FROM warden.exemption e
                        UNION ALL
                        SELECT 'table ' || c.relname || ' ' || coalesce(c.relacl::text, '')
                        FROM pg_class c
                        WHERE c.relnamespace = 'warden'::regnamespace AND c.relkind = 'r'
                    ) AS state(line)
                    """)) {
            rs.next();
            return rs.getString(1);
        }
    }

    @Test
    void twoInstallsAtOnceTakeTurnsAndLeaveAWorkingInstall() throws Exception {
        if (!server.sql().hasPlJava()) {
            System.out.println("[pgwarden-it] SKIPPED InstallScriptIT concurrent case:"
                    + " PL/Java is not installed in this PostgreSQL");
            Assumptions.abort("PL/Java is not installed");
        }
        // A database of its own, without pljava: both runs would create the extension.
        String database = "pgwarden_it_install_race";
        server.sql().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        server.sql().execute("CREATE DATABASE " + database);
        String home = server.sql().releaseHome();
        try {
            Map<String, String> env = Map.of("PGDATABASE", database);
            CompletableFuture<Scripts.Result> first = CompletableFuture.supplyAsync(
                    () -> installQuietly(env));
            CompletableFuture<Scripts.Result> second = CompletableFuture.supplyAsync(
                    () -> installQuietly(env));

            for (Scripts.Result result : List.of(first.get(), second.get())) {
                assertEquals(0, result.exitCode(), result.output());
                assertTrue(result.output().contains("pgwarden installed in database "
                        + database), result.output());
                assertFalse(result.output().contains("libjvm"), result.output());
            }
            try (Connection c = connectTo(database); Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT warden.reap_idle_in_tx_json("
                            + "'3650 days', true, false), (SELECT count(*)"
                            + " FROM sqlj.jar_repository WHERE jarname = 'pgwarden')")) {
                rs.next();
                assertEquals("[]", rs.getString(1));
                assertEquals(1, rs.getInt(2));
            }
        } finally {
            server.sql().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
            server.sql().restoreHome(home);
        }
    }

    @Test
    void anInstallWhileAnotherRunsSaysSoAndWaitsForIt() throws Exception {
        if (!server.sql().hasPlJava()) {
            System.out.println("[pgwarden-it] SKIPPED InstallScriptIT waiting case:"
                    + " PL/Java is not installed in this PostgreSQL");
            Assumptions.abort("PL/Java is not installed");
        }
        Scripts.install(server);
        Path output = Files.createTempFile("pgwarden-install", ".out");
        try (Connection other = server.connect(); Statement st = other.createStatement()) {
            // What an install in progress holds (install/common.sh).
            st.executeQuery("SELECT pg_advisory_lock(1885828964, 2)").close();
            int holder = pidOf(other);
            Process install = start(Map.of(), output);
            try {
                Poll.until("install.sh to say that it waits", Duration.ofSeconds(60),
                        () -> Files.readString(output).contains("waiting for it to finish"));
                assertTrue(install.isAlive(), Files.readString(output));
                assertTrue(Files.readString(output).contains("install.sh: another install of"
                        + " pgwarden is running in this database\ninstall.sh: waiting for it to"
                        + " finish (pid " + holder + ")"), Files.readString(output));

                st.executeQuery("SELECT pg_advisory_unlock(1885828964, 2)").close();

                assertTrue(install.waitFor(120, TimeUnit.SECONDS), Files.readString(output));
                assertEquals(0, install.exitValue(), Files.readString(output));
                assertTrue(Files.readString(output).contains("pgwarden installed in database "
                        + TestServer.DATABASE), Files.readString(output));
            } finally {
                install.destroyForcibly();
            }
        } finally {
            Files.delete(output);
        }
    }

    @Test
    void anInstallLockHeldByANonSuperuserIsNamedAndNotWaitedFor() throws Exception {
        if (!server.sql().hasPlJava()) {
            System.out.println("[pgwarden-it] SKIPPED InstallScriptIT lock-holder case:"
                    + " PL/Java is not installed in this PostgreSQL");
            Assumptions.abort("PL/Java is not installed");
        }
        // Any role may take an advisory lock: today install.sh would wait for it forever.
        server.sql().execute("DROP ROLE IF EXISTS warden_it_lock_holder");
        server.sql().execute("CREATE ROLE warden_it_lock_holder LOGIN PASSWORD 'warden-it'");
        try (Connection holder = server.connect("warden_it_lock_holder", "warden-it",
                "pgwarden-it-lock-holder"); Statement st = holder.createStatement()) {
            st.executeQuery("SELECT pg_advisory_lock(1885828964, 2)").close();

            Scripts.Result result = installQuietly(Map.of());

            assertNotEquals(0, result.exitCode(), result.output());
            assertTrue(result.output().contains("the install lock is held by pid "
                    + pidOf(holder) + " of role warden_it_lock_holder"), result.output());
        } finally {
            server.sql().execute("DROP ROLE IF EXISTS warden_it_lock_holder");
        }
    }

    @Test
    void aMissingJarIsNamedByThePathLookedAt() throws Exception {
        Scripts.Result result = installQuietly(Map.of("PGWARDEN_JAR",
                "/nonexistent/pgwarden-it/pgwarden.jar"));

        assertNotEquals(0, result.exitCode(), result.output());
        assertEquals("install.sh: pgwarden.jar not found at /nonexistent/pgwarden-it/"
                + "pgwarden.jar (PGWARDEN_JAR)\n", result.output());
    }

    @Test
    void aJvmThatCannotStartIsNamedAsTheCause() throws Exception {
        if (!server.sql().hasPlJava()) {
            System.out.println("[pgwarden-it] SKIPPED InstallScriptIT libjvm case:"
                    + " PL/Java is not installed in this PostgreSQL");
            Assumptions.abort("PL/Java is not installed");
        }
        String database = "pgwarden_it_install_nojvm";
        server.sql().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        server.sql().execute("CREATE DATABASE " + database);
        try {
            Scripts.Result result = installQuietly(Map.of("PGDATABASE", database,
                    "PGOPTIONS", "-c pljava.libjvm_location=/nonexistent/libjvm.so"));

            assertNotEquals(0, result.exitCode(), result.output());
            assertTrue(result.output().contains("install.sh: PL/Java could not start a JVM:"
                    + " set pljava.libjvm_location"), result.output());
        } finally {
            server.sql().execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
    }

    /** install/install.sh with the test server's libpq variables and {@code env} over them. */
    private Scripts.Result installQuietly(Map<String, String> env) {
        try {
            Path output = Files.createTempFile("pgwarden-install", ".out");
            try {
                Process p = start(env, output);
                if (!p.waitFor(120, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new AssertionError("install.sh did not finish in 120 s:\n"
                            + Files.readString(output));
                }
                return new Scripts.Result(p.exitValue(), Files.readString(output));
            } finally {
                Files.delete(output);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }

    private Process start(Map<String, String> env, Path output) throws IOException {
        Path basedir = Paths.get(System.getProperty("pgwarden.basedir", "."));
        ProcessBuilder pb = new ProcessBuilder("bash",
                basedir.resolve("install/install.sh").toString())
                .redirectErrorStream(true).redirectOutput(output.toFile());
        pb.environment().putAll(server.libpqEnvironment());
        pb.environment().put("PGWARDEN_JAR", System.getProperty("pgwarden.jar",
                basedir.resolve("target/pgwarden.jar").toString()));
        pb.environment().putAll(env);
        return pb.start();
    }

    private Connection connectTo(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", server.superuser);
        if (server.password != null) {
            props.setProperty("password", server.password);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + server.host + ":"
                + server.port + "/" + database, props);
    }

    private static int pidOf(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
