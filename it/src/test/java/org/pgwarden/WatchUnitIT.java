package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * install/pgwarden-watch.service and install/pgwarden-watch.env as systemd reads them. This
 * machine runs no systemd, so the unit is checked offline (systemd-analyze), and its
 * ExecStart line is expanded with the environment file's variables as systemd expands it
 * ({@code $VAR} split into words, {@code ${VAR}} one word), pointed at the test server, and
 * run: it must be a watcher that applies a policy and stops with 0 on SIGTERM.
 */
class WatchUnitIT {

    private static final Path BASEDIR = Paths.get(System.getProperty("pgwarden.basedir", "."));
    private static final Path UNIT = BASEDIR.resolve("install/pgwarden-watch.service");
    private static final Path ENV = BASEDIR.resolve("install/pgwarden-watch.env");
    private static final Duration LIMIT = Duration.ofSeconds(30);
    /** The worst overall exposure systemd-analyze security may give the unit ("OK" is < 4). */
    private static final double MAX_EXPOSURE = 2.0;

    private final TestServer server = TestServer.get();
    private final List<Victim> victims = new ArrayList<>();

    @AfterEach
    void cleanUp() throws Exception {
        victims.forEach(Victim::close);
        Victims.terminateLeftovers(server);
        if (server.sql().queryBoolean("SELECT to_regclass('warden.policy') IS NOT NULL")) {
            server.sql().execute("DELETE FROM warden.policy WHERE name = 'it_watch_unit'");
        }
    }

    @Test
    void theUnitVerifiesAndItsSandboxScoresOk() throws Exception {
        Path analyze = Paths.get("/usr/bin/systemd-analyze");
        if (!Files.isExecutable(analyze)) {
            System.out.println("[pgwarden-it] SKIPPED WatchUnitIT's offline check of the"
                    + " unit: no systemd-analyze (Debian package systemd)");
            Assumptions.abort("no systemd-analyze");
        }
        assertEquals("", Shell.run(List.of(analyze.toString(), "verify",
                UNIT.toString()), null).trim());
        String security = Shell.run(List.of(analyze.toString(), "security",
                "--offline=true", UNIT.toString()), null);
        Matcher level = Pattern.compile("Overall exposure level for pgwarden-watch.service:"
                + " ([0-9.]+)").matcher(security);
        assertTrue(level.find(), security);
        assertTrue(Double.parseDouble(level.group(1)) <= MAX_EXPOSURE, security);
    }

    @Test
    void itsCommandLineWithTheEnvironmentFileRunsAWatcher() throws Exception {
        server.sql().installSchema();
        server.sql().execute("INSERT INTO warden.policy"
                + " (name, kind, threshold, application_name_like)"
                + " VALUES ('it_watch_unit', 'idle_in_tx', '200 milliseconds', '"
                + Victims.APP_PREFIX + "-unit-%')");
        Map<String, String> env = environmentFile();
        // The sample names a managed server over TLS; the test server is local, plain TCP.
        env.keySet().removeIf(name -> name.startsWith("PGSSL"));
        pointAtTheTestServer(env);

        assertAWatcherTerminatesAndStops(execStart(env), env, "unit-victim");
    }

    @Test
    void theContainersEntrypointWithTheEnvironmentFileRunsAWatcher() throws Exception {
        // No Docker engine here: the entrypoint's shell line, run as the image would run it,
        // with its ENV defaults under what docker run --env-file gives.
        String dockerfile = Files.readString(BASEDIR.resolve("docker/runner.Dockerfile"));
        Matcher entrypoint = Pattern.compile("ENTRYPOINT \\[\"/bin/sh\", \"-c\","
                + " \"((?:[^\"\\\\]|\\\\.)*)\"\\]").matcher(dockerfile);
        assertTrue(entrypoint.find(), dockerfile);
        String line = entrypoint.group(1).replace("\\\"", "\"")
                .replace("/opt/pgwarden/pgwarden-cli.jar", Cli.jar().toString());
        server.sql().installSchema();
        server.sql().execute("INSERT INTO warden.policy"
                + " (name, kind, threshold, application_name_like)"
                + " VALUES ('it_watch_unit', 'idle_in_tx', '200 milliseconds', '"
                + Victims.APP_PREFIX + "-unit-%')");
        Map<String, String> env = new LinkedHashMap<>();
        Matcher defaults = Pattern.compile("(PGWARDEN_[A-Z_]+)=(\"[^\"]*\"|\\S+)")
                .matcher(dockerfile.substring(dockerfile.indexOf("\nENV ")));
        while (defaults.find()) {
            env.put(defaults.group(1), defaults.group(2).replace("\"", ""));
        }
        env.putAll(environmentFile());
        env.keySet().removeIf(name -> name.startsWith("PGSSL"));
        pointAtTheTestServer(env);

        // exec: the shell is gone, SIGTERM reaches the JVM, which ends its run and exits 0.
        assertAWatcherTerminatesAndStops(List.of("/bin/sh", "-c", line), env, "unit-container");
    }

    /** The test server instead of the sample's, a 1 s interval, a free metrics port. */
    private void pointAtTheTestServer(Map<String, String> env) throws Exception {
        env.putAll(server.libpqEnvironment());
        env.put("PGWARDEN_INTERVAL", "1s");
        env.put("PGWARDEN_OPTIONS", env.get("PGWARDEN_OPTIONS").replace("9187",
                String.valueOf(LocalCluster.freePort())));
    }

    /** {@code command} terminates a victim the policy names, and exits 0 on SIGTERM. */
    private void assertAWatcherTerminatesAndStops(List<String> command, Map<String, String> env,
            String victimName) throws Exception {
        try (WatchProcess watch = WatchProcess.start(command, env)) {
            watch.awaitLine("the started line", LIMIT, l -> l.contains("\"started\""));
            Victim v = Victim.open(server, victimName).idleInTransaction("SELECT 1");
            victims.add(v);
            watch.awaitLine("the action on pid " + v.pid, LIMIT,
                    l -> l.contains("\"event\":\"action\"") && l.contains("\"pid\":" + v.pid
                            + ","));
            assertEquals(SqlState.ADMIN_SHUTDOWN.code(), v.nextStatementSqlState());

            assertEquals(0, watch.stop(LIMIT), watch.stderr());
        }
    }

    /** VARIABLE=value lines, in order; comments and blank lines skipped. */
    private static Map<String, String> environmentFile() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        for (String line : Files.readAllLines(ENV)) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int equals = line.indexOf('=');
            assertTrue(equals > 0, "not VARIABLE=value: " + line);
            env.put(line.substring(0, equals), line.substring(equals + 1));
        }
        return env;
    }

    /**
     * The unit's ExecStart, expanded as systemd does, with the jar this build made and, where
     * this machine has none at /usr/bin/java, the test JVM's java.
     */
    private static List<String> execStart(Map<String, String> env) throws Exception {
        String line = Files.readAllLines(UNIT).stream().filter(l -> l.startsWith("ExecStart="))
                .findFirst().orElseThrow().substring("ExecStart=".length());
        List<String> command = new ArrayList<>();
        for (String word : line.trim().split("\\s+")) {
            if (word.startsWith("${") && word.endsWith("}")) {
                command.add(required(env, word.substring(2, word.length() - 1)));
            } else if (word.startsWith("$")) {
                String value = required(env, word.substring(1)).trim();
                if (!value.isEmpty()) {
                    command.addAll(List.of(value.split("\\s+")));
                }
            } else if (word.equals("/opt/pgwarden/pgwarden-cli.jar")) {
                command.add(Cli.jar().toString());
            } else if (word.equals("/usr/bin/java") && !Files.isExecutable(Paths.get(word))) {
                command.add(Paths.get(System.getProperty("java.home"), "bin", "java")
                        .toString());
            } else {
                command.add(word);
            }
        }
        return command;
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        assertTrue(value != null, "the unit uses $" + name + ", which the environment file"
                + " does not set");
        return value;
    }
}
