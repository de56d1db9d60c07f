package org.pgwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The PostgreSQL server the integration tests run against, and how to reach it: a throwaway
 * cluster made with the installed server binaries ({@link LocalCluster}), or an existing
 * server named by PGWARDEN_TEST_HOST, PGWARDEN_TEST_PORT, PGWARDEN_TEST_USER (a superuser)
 * and PGWARDEN_TEST_PASSWORD, or with -Dpgwarden.docker=true a container of
 * docker/Dockerfile's image (DockerServer). SQL run on it: {@link #sql()}; its version
 * gates: {@link ServerVersion}; victim sessions: {@link Victims}.
 */
final class TestServer {

    static final String DATABASE = "pgwarden_test";
    /** Kept for callers written before the split: use {@link Victims#APP_PREFIX}. */
    static final String VICTIM_APP = Victims.APP_PREFIX;

    private static TestServer instance;
    /** A server that started but is not the one asked for fails every test, not the first. */
    private static IllegalStateException failure;

    final String host;
    final int port;
    final String superuser;
    final String password;
    final Path bindir;
    private final Path dataDir;
    private final Sql sql = new Sql(this);

    TestServer(String host, int port, String superuser, String password, Path bindir,
            Path dataDir) {
        this.host = host;
        this.port = port;
        this.superuser = superuser;
        this.password = password;
        this.bindir = bindir;
        this.dataDir = dataDir;
    }

    static synchronized TestServer get() {
        if (failure != null) {
            throw failure;
        }
        if (instance == null) {
            try {
                if (DockerServer.requested()) {
                    instance = DockerServer.start();
                }
                if (instance == null) {
                    instance = System.getenv("PGWARDEN_TEST_HOST") != null ? external()
                            : LocalCluster.start("pgwarden-it", "");
                }
                instance.createDatabase();
                instance.checkMajor();
            } catch (IllegalStateException e) {
                failure = e;
                throw e;
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the test server: " + e, e);
            }
        }
        return instance;
    }

    /**
     * Which server the tests ran against, for {@link MajorSummary}: its version, where its
     * binaries are; null when no test started one.
     */
    static synchronized String startedDescription() {
        if (instance == null) {
            return null;
        }
        try {
            return "PostgreSQL " + instance.sql.queryString("SHOW server_version") + " ("
                    + instance.bindir + ")";
        } catch (SQLException e) {
            return "PostgreSQL (" + instance.bindir + "), version unknown: " + e.getMessage();
        }
    }

    /**
     * A matrix execution that ran its suites on another major than it names would pass for
     * the wrong server: refuse to start instead.
     */
    private void checkMajor() throws SQLException {
        String expected = System.getProperty(ServerBinaries.MAJOR_PROPERTY, "");
        ServerVersion version = version();
        if (!expected.isEmpty() && version.major() != Integer.parseInt(expected)) {
            throw new IllegalStateException("the test server is PostgreSQL "
                    + version.num() + ", not " + expected + " as "
                    + ServerBinaries.MAJOR_PROPERTY + " says");
        }
        // 16.15.0, the artifact's version: the server reports 16.15.
        String artifact = System.getProperty(ServerBinaries.VERSION_PROPERTY, "");
        String shown = sql.queryString("SHOW server_version");
        if (!artifact.isEmpty() && !(artifact + ".").startsWith(shown + ".")) {
            throw new IllegalStateException("the test server is PostgreSQL " + shown + ", not "
                    + artifact + " as " + ServerBinaries.VERSION_PROPERTY + " says");
        }
    }

    /** SQL run as the superuser on this server, each call in a session of its own. */
    Sql sql() {
        return sql;
    }

    /** This server's version, for a version gate. */
    ServerVersion version() throws SQLException {
        return ServerVersion.of(this);
    }

    Connection connect() throws SQLException {
        return connect(superuser, password, "pgwarden-test");
    }

    Connection connect(String user, String pass, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (pass != null) {
            props.setProperty("password", pass);
        }
        props.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(
                "jdbc:postgresql://" + host + ":" + port + "/" + DATABASE, props);
    }

    /** The libpq variables that point psql and the install scripts at the test database. */
    Map<String, String> libpqEnvironment() {
        Map<String, String> env = new HashMap<>();
        env.put("PGHOST", host);
        env.put("PGPORT", String.valueOf(port));
        env.put("PGUSER", superuser);
        env.put("PGDATABASE", DATABASE);
        if (password != null) {
            env.put("PGPASSWORD", password);
        }
        return env;
    }

    /** A client program ({@code psql}) for this server: {@link ServerBinaries#clientProgram}. */
    Path clientProgram(String name) {
        return ServerBinaries.clientProgram(bindir, name);
    }

    private void createDatabase() throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", superuser);
        if (password != null) {
            props.setProperty("password", password);
        }
        String url = "jdbc:postgresql://" + host + ":" + port + "/postgres";
        try (Connection c = DriverManager.getConnection(url, props);
                Statement st = c.createStatement()) {
            st.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            st.execute("CREATE DATABASE " + DATABASE);
        }
    }

    /** A server started by a fixture (DockerServer), reached over TCP as a superuser. */
    static TestServer existing(String host, int port, String superuser, String password) {
        return new TestServer(host, port, superuser, password, ServerBinaries.findBindir(),
                null);
    }

    private static TestServer external() {
        String host = System.getenv("PGWARDEN_TEST_HOST");
        if (!"yes".equals(System.getenv("PGWARDEN_TEST_DEDICATED"))) {
            // The scenarios cancel and terminate every matching session of the cluster, in
            // every database, and create and drop cluster-wide roles.
            throw new IllegalStateException("PGWARDEN_TEST_HOST names a server the tests would"
                    + " disrupt: they signal its sessions in every database; set"
                    + " PGWARDEN_TEST_DEDICATED=yes if it is a throwaway server");
        }
        int port = Integer.parseInt(System.getenv().getOrDefault("PGWARDEN_TEST_PORT", "5432"));
        String user = System.getenv().getOrDefault("PGWARDEN_TEST_USER", "postgres");
        System.out.println("[pgwarden-it] using the existing server " + host + ":" + port);
        return new TestServer(host, port, user, System.getenv("PGWARDEN_TEST_PASSWORD"),
                ServerBinaries.findBindir(), null);
    }

    /**
     * A throwaway cluster of its own, never an existing server, under target/{@code dirName},
     * with {@code extraSettings} appended to postgresql.conf after the tests' settings (so they
     * win), and the database {@link #DATABASE} in it. The benchmark uses it.
     */
    static TestServer startLocal(String dirName, String extraSettings) throws Exception {
        TestServer server = LocalCluster.start(dirName, extraSettings);
        server.createDatabase();
        return server;
    }

    /**
     * Stops a local cluster that a test started for itself ({@link #startLocal}) before the
     * JVM exits; the exit hook then finds it stopped.
     */
    void stop() throws IOException, InterruptedException {
        LocalCluster.stop(bindir, dataDir);
    }

    /** The data directory of a local cluster, or null for an existing server. */
    Path dataDir() {
        return dataDir;
    }

    /**
     * The directory of a local cluster's Unix socket (its base directory's "socket"), or
     * null for an existing server.
     */
    Path socketDir() {
        return dataDir == null ? null : dataDir.resolveSibling("socket");
    }

    /**
     * Puts {@code lines} at the top of a local cluster's pg_hba.conf, where they win over
     * initdb's trust lines, and reloads the configuration.
     */
    void prependHba(String lines) throws IOException, SQLException {
        Path hba = dataDir.resolve("pg_hba.conf");
        String current = Files.readString(hba);
        if (!current.startsWith(lines)) {
            // Written in place: the file keeps its owner, the server's account.
            Files.writeString(hba, lines + current);
        }
        sql.execute("SELECT pg_reload_conf()");
    }
}
