package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The runner connects as psql does: over the cluster's Unix socket with a scram-sha-256
 * password from a password file, through a service file, with a connection string or URI
 * given to -d, to the second of several hosts; and refuses bad connection input before it
 * connects.
 */
class CliConnectIT {

    private static final String ROLE = "warden_it_scram";
    private static final String PASSWORD = "sc:ram\\pw";

    private final TestServer server = TestServer.get();
    private Path home;
    private Victim victim;

    @BeforeEach
    void setUp() throws Exception {
        home = Files.createTempDirectory("pgwarden-connect");
    }

    @AfterEach
    void cleanUp() throws Exception {
        if (victim != null) {
            victim.close();
        }
        Victims.terminateLeftovers(server);
        try (var files = Files.walk(home)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    @Test
    void aScramRoleConnectsOverTheSocketWithThePasswordFile() throws Exception {
        Map<String, String> env = socketEnv();
        Path pgpass = home.resolve("pgpass");
        // The password's ":" and "\" escaped, as the file's format wants.
        Files.writeString(pgpass, "# test\n" + server.socketDir() + ":" + server.port + ":"
                + TestServer.DATABASE + ":" + ROLE + ":sc\\:ram\\\\pw\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        env.put("PGPASSFILE", pgpass.toString());

        Cli.Result result = Cli.run(env, "report", "--format", "csv");

        assertEquals(0, result.exitCode(), result.toString());
        assertTrue(result.out().startsWith("pid,"), result.toString());
    }

    @Test
    void theDefaultPasswordFileIsInHome() throws Exception {
        Map<String, String> env = socketEnv();
        Path pgpass = home.resolve(".pgpass");
        Files.writeString(pgpass, "*:*:*:" + ROLE + ":sc\\:ram\\\\pw\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));

        Cli.Result result = Cli.run(env, "report");

        assertEquals(0, result.exitCode(), result.toString());
    }

    @Test
    void withoutAPasswordTheSocketConnectionFails() throws Exception {
        Map<String, String> env = socketEnv();
        Cli.Result none = Cli.run(env, "report");
        // libpq ignores a password file others may read, and says so.
        Path pgpass = home.resolve(".pgpass");
        Files.writeString(pgpass, "*:*:*:" + ROLE + ":sc\\:ram\\\\pw\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-r--r--"));
        Cli.Result readable = Cli.run(env, "report");

        assertEquals(3, none.exitCode(), none.toString());
        assertTrue(none.err().startsWith("pgwarden: cannot connect to socket \""
                + server.socketDir() + "/.s.PGSQL." + server.port + "\" database \""
                + TestServer.DATABASE + "\" as \"" + ROLE + "\": "), none.toString());
        assertTrue(none.err().contains("no password was provided"), none.toString());
        assertEquals(3, readable.exitCode(), readable.toString());
        assertTrue(readable.err().startsWith("WARNING: password file \"" + pgpass
                + "\" has group or world access"), readable.toString());
        assertFalse(readable.err().contains(PASSWORD), readable.toString());
    }

    @Test
    void aServiceFileNamesTheServer() throws Exception {
        Path services = home.resolve("services.conf");
        Files.writeString(services, "# services\n[other]\nport=1\n\n[warden-it]\nhost="
                + server.host + "\nport=" + server.port + "\ndbname=" + TestServer.DATABASE
                + "\nuser=" + server.superuser + "\nconnect_timeout=5\n");
        Map<String, String> env = new HashMap<>(Map.of("HOME", home.toString(),
                "PGSERVICEFILE", services.toString()));
        Map<String, String> byVariable = new HashMap<>(env);
        byVariable.put("PGSERVICE", "warden-it");
        // The service file's setting wins over the variable, as in libpq.
        byVariable.put("PGPORT", "1");

        Cli.Result variable = Cli.run(byVariable, "report");
        Cli.Result conninfo = Cli.run(env, "report", "-d", "service=warden-it");
        Path userFile = home.resolve(".pg_service.conf");
        Files.copy(services, userFile);
        Cli.Result inHome = Cli.run(Map.of("HOME", home.toString(), "PGSERVICE", "warden-it"),
                "report");

        assertEquals(0, variable.exitCode(), variable.toString());
        assertEquals(0, conninfo.exitCode(), conninfo.toString());
        assertEquals(0, inHome.exitCode(), inHome.toString());
    }

    @Test
    void aConnectionStringOrUriGoesToDbname() throws Exception {
        Map<String, String> env = Map.of("HOME", home.toString());
        String unused = String.valueOf(unusedPort());

        Cli.Result conninfo = Cli.run(env, "report", "-d", "host=" + server.host + " port='"
                + server.port + "' dbname=" + TestServer.DATABASE + " user="
                + server.superuser);
        Cli.Result uri = Cli.run(env, "report", "--dbname", "postgresql://" + server.superuser
                + "@" + server.host + ":" + server.port + "/pgwarden%5Ftest?connect_timeout=5");
        Cli.Result secondHost = Cli.run(env, "report", "-d", "postgres://" + server.superuser
                + "@" + server.host + ":" + unused + "," + server.host + ":" + server.port
                + "/" + TestServer.DATABASE);
        Cli.Result options = Cli.run(Map.of("HOME", home.toString(), "PGHOST", "/nowhere",
                "PGPORT", unused), "report", "-h", "/nowhere," + server.host, "-p", unused
                + "," + server.port, "-U", server.superuser, "-d", TestServer.DATABASE);
        Cli.Result noneUp = Cli.run(env, "report", "-d", "host=" + server.host + ","
                + server.host + " port=" + unused + " user=" + server.superuser);

        assertEquals(0, conninfo.exitCode(), conninfo.toString());
        assertEquals(0, uri.exitCode(), uri.toString());
        assertEquals(0, secondHost.exitCode(), secondHost.toString());
        assertEquals(0, options.exitCode(), options.toString());
        assertEquals(3, noneUp.exitCode(), noneUp.toString());
        assertTrue(noneUp.err().startsWith("pgwarden: cannot connect to " + server.host + ":"
                + unused + " database \"" + server.superuser + "\" as \"" + server.superuser
                + "\": " + server.host + ":" + unused + ": Connection to "), noneUp.toString());
    }

    @Test
    void badConnectionInputIsRefusedBeforeAnythingIsSignalled() throws Exception {
        victim = Victim.open(server, "connect-bad-input").idleInTransaction("SELECT 1");
        victim.awaitAge("100 milliseconds");
        Path services = home.resolve("services.conf");
        Files.writeString(services, "[known]\nhost=" + server.host + "\n");
        Map<String, String> env = new HashMap<>(server.libpqEnvironment());
        env.put("HOME", home.toString());
        env.put("PGSERVICEFILE", services.toString());
        env.put("PGSYSCONFDIR", home.toString());
        Map<String, String> noService = new HashMap<>(env);
        noService.put("PGSERVICE", "nosuch");
        Map<String, String> badPort = new HashMap<>(env);
        badPort.put("PGPORT", "70000");
        String[] reap = {"reap", "--threshold", "50 milliseconds"};

        assertRefused(run(noService, reap), "definition of service \"nosuch\" not found");
        assertRefused(run(env, reap, "-d", "host=" + server.host + " password=hush port"),
                "invalid connection string in option --dbname: missing \"=\" after \"port\"");
        assertRefused(run(env, reap, "-d", "host='" + server.host + " password=hush"),
                "unterminated quoted string in the value of \"host\"");
        assertRefused(run(env, reap, "-d", "postgresql://postgres:hush@" + server.host
                + "/db?sslmode=require&bogus=1"), "invalid connection option \"bogus\" in"
                + " option --dbname");
        assertRefused(run(env, reap, "-d", "postgresql://[::1/db"), "missing \"]\"");
        assertRefused(run(badPort, reap), "invalid port number \"70000\" (from PGPORT)");
        assertRefused(run(env, reap, "-p", "54x2"), "invalid port number \"54x2\" (from"
                + " option --port)");
        assertRefused(run(env, reap, "-d", "port=1,2,3 host=a,b"), "could not match 3 port"
                + " numbers to 2 hosts");
        Map<String, String> verifyFull = new HashMap<>(env);
        verifyFull.put("PGSSLMODE", "verify-full");
        // Empty is not pgjdbc's default "prefer" in place of the variable's verify-full.
        assertRefused(run(verifyFull, reap, "-d", "host=" + server.host + " sslmode="),
                "invalid sslmode value \"\" (from option --dbname");
        Map<String, String> crl = new HashMap<>(env);
        crl.put("PGSSLCRL", "/etc/ssl/pg.crl");
        assertRefused(run(crl, reap), "connection option \"sslcrl\" (from PGSSLCRL) is not"
                + " supported by the runner");
        assertRefused(run(env, reap, "--url", "jdbc:postgresql://" + server.host + ":bad/"
                + TestServer.DATABASE + "?user=pgw&password=hush"), "invalid value for option"
                + " --url: \"jdbc:postgresql://" + server.host + ":bad/" + TestServer.DATABASE
                + "?user=pgw&password=***\"");
        victim.assertUsable();
    }

    /** A role that may log in only over the socket, with a scram-sha-256 password. */
    private Map<String, String> socketEnv() throws Exception {
        assumeTrue(server.socketDir() != null, "a local cluster has a socket directory");
        server.sql().execute("DROP ROLE IF EXISTS " + ROLE);
        server.sql().execute("SET password_encryption = 'scram-sha-256'; CREATE ROLE " + ROLE
                + " LOGIN PASSWORD '" + PASSWORD
                + "' IN ROLE pg_signal_backend, pg_read_all_stats");
        server.prependHba("local all " + ROLE + " scram-sha-256\n"
                + "host all " + ROLE + " all reject\n");
        Map<String, String> env = new HashMap<>();
        env.put("HOME", home.toString());
        env.put("PGHOST", server.socketDir().toString());
        env.put("PGPORT", String.valueOf(server.port));
        env.put("PGDATABASE", TestServer.DATABASE);
        env.put("PGUSER", ROLE);
        return env;
    }

    private static Cli.Result run(Map<String, String> env, String[] command, String... more)
            throws IOException, InterruptedException {
        String[] args = new String[command.length + more.length];
        System.arraycopy(command, 0, args, 0, command.length);
        System.arraycopy(more, 0, args, command.length, more.length);
        return Cli.run(env, args);
    }

    private static void assertRefused(Cli.Result result, String message) {
        assertEquals(2, result.exitCode(), result.toString());
        assertTrue(result.err().startsWith("pgwarden: "), result.toString());
        assertTrue(result.err().contains(message), result.toString());
        assertFalse(result.err().contains("hush"), result.toString());
        assertEquals("", result.out(), result.toString());
    }

    private static int unusedPort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
