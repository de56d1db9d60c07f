package org.pgwarden;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The PostgreSQL server the integration tests run against: a throwaway cluster made with the
 * installed server binaries (initdb, pg_ctl, a free port, data under target/, stopped when
 * the test JVM exits), or an existing server named by PGWARDEN_TEST_HOST, PGWARDEN_TEST_PORT,
 * PGWARDEN_TEST_USER (a superuser) and PGWARDEN_TEST_PASSWORD, or with -Dpgwarden.docker=true
 * a container of docker/Dockerfile's image (DockerServer).
 */
final class TestServer {

    static final String DATABASE = "pgwarden_test";
    /** Every victim session's application_name starts with this, so cleanup finds them. */
    static final String VICTIM_APP = "pgwarden-victim";

    private static TestServer instance;
    private static final java.util.Deque<Runnable> AT_EXIT = new java.util.ArrayDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(TestServer::runAtExit,
                "pgwarden-it-cleanup"));
    }
    /** A server that started but is not the one asked for fails every test, not the first. */
    private static IllegalStateException failure;

    final String host;
    final int port;
    final String superuser;
    final String password;
    final Path bindir;
    private final Path dataDir;

    private TestServer(String host, int port, String superuser, String password, Path bindir,
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
                            : local("pgwarden-it", "");
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
        try (Connection c = instance.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW server_version")) {
            rs.next();
            return "PostgreSQL " + rs.getString(1) + " (" + instance.bindir + ")";
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
        if (!expected.isEmpty() && serverVersionNum() / 10000 != Integer.parseInt(expected)) {
            throw new IllegalStateException("the test server is PostgreSQL "
                    + serverVersionNum() + ", not " + expected + " as "
                    + ServerBinaries.MAJOR_PROPERTY + " says");
        }
        // 16.15.0, the artifact's version: the server reports 16.15.
        String version = System.getProperty(ServerBinaries.VERSION_PROPERTY, "");
        String shown = queryString("SHOW server_version");
        if (!version.isEmpty() && !(version + ".").startsWith(shown + ".")) {
            throw new IllegalStateException("the test server is PostgreSQL " + shown + ", not "
                    + version + " as " + ServerBinaries.VERSION_PROPERTY + " says");
        }
    }

    String queryString(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /** Removes {@code dir} when the JVM exits. */
    static void deleteOnExit(Path dir) {
        atExit(() -> deleteQuietly(dir));
    }

    /**
     * Runs {@code cleanup} when the JVM exits, in one thread, before everything registered
     * earlier: a server stops before the binaries it runs from are removed, a standby before
     * its primary. Separate shutdown hooks would run all at once.
     */
    static void atExit(Runnable cleanup) {
        synchronized (AT_EXIT) {
            AT_EXIT.push(cleanup);
        }
    }

    private static void runAtExit() {
        while (true) {
            Runnable cleanup;
            synchronized (AT_EXIT) {
                cleanup = AT_EXIT.poll();
            }
            if (cleanup == null) {
                return;
            }
            try {
                cleanup.run();
            } catch (RuntimeException e) {
                System.out.println("[pgwarden-it] a cleanup at exit failed: " + e);
            }
        }
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

    /** Whether PL/Java is installed in this server: pg_available_extensions lists it. */
    boolean hasPlJava() throws SQLException {
        return queryBoolean("SELECT EXISTS (SELECT FROM pg_available_extensions"
                + " WHERE name = 'pljava')");
    }

    int serverVersionNum() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW server_version_num")) {
            rs.next();
            return Integer.parseInt(rs.getString(1));
        }
    }

    /**
     * The server log so far, or null when the server keeps no log file SQL can read. Read as
     * bytes: the server writes a statement's text as the client sent it, which need not be
     * UTF-8 (a SQL_ASCII database's), and pg_read_file would refuse the whole file.
     */
    String serverLog() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            return readLog(st);
        }
    }

    /** The current log file of the server {@code st} is connected to, decoded leniently. */
    static String readLog(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT CASE WHEN pg_current_logfile() IS NOT NULL"
                + " THEN pg_read_binary_file(pg_current_logfile()) END")) {
            rs.next();
            byte[] log = rs.getBytes(1);
            return log == null ? null
                    : new String(log, java.nio.charset.StandardCharsets.UTF_8);
        }
    }

    /** Terminates these backends, if they still exist. */
    void terminate(List<Integer> pids) throws SQLException {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid)"
                        + " FROM pg_stat_activity WHERE pid = ? AND pid <> pg_backend_pid()")) {
            for (int pid : pids) {
                ps.setInt(1, pid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getBoolean(1);
                    }
                }
            }
        }
    }

    /** Installs sql/schema.sql, pgwarden's tables and role, as a server without PL/Java
     * would take them with psql -f. */
    void installSchema() throws IOException, SQLException {
        Path basedir = Paths.get(System.getProperty("pgwarden.basedir", "."));
        String script = Files.readString(basedir.resolve("sql/schema.sql"));
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(script);
        }
    }

    /** Terminates every victim session left over, and waits until they are gone. */
    void terminateVictims() throws SQLException {
        try (Connection c = connect()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE application_name LIKE ? || '%' AND pid <> pg_backend_pid()
                    """)) {
                ps.setString(1, VICTIM_APP);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getBoolean(1);
                    }
                }
            }
            Poll.until("victim sessions to exit", Duration.ofSeconds(20), () -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) = 0 FROM pg_stat_activity"
                                + " WHERE application_name LIKE ? || '%'")) {
                    ps.setString(1, VICTIM_APP);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getBoolean(1);
                    }
                }
            });
        }
    }

    /**
     * Frees pgwarden's one home database of the cluster (org.pgwarden.Home) for a test that
     * installs into a database of its own, and returns the mark to give to
     * {@link #restoreHome} afterwards.
     */
    String releaseHome() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT shobj_description(oid, 'pg_authid')"
                    + " FROM pg_roles WHERE rolname = 'warden_operator'")) {
                if (!rs.next()) {
                    return null;
                }
                String mark = rs.getString(1);
                st.execute("COMMENT ON ROLE warden_operator IS NULL");
                return mark;
            }
        }
    }

    /** Gives the home back to where {@link #releaseHome} found it. */
    void restoreHome(String mark) throws SQLException {
        try (Connection c = connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT format('COMMENT ON ROLE warden_operator IS %L', ?::text)")) {
            ps.setString(1, mark);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                execute(rs.getString(1));
            }
        }
    }

    boolean queryBoolean(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    void execute(String sql) throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
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
        return new TestServer(host, port, superuser, password, findBindir(), null);
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
                findBindir(), null);
    }

    /**
     * A throwaway cluster of its own, never an existing server, under target/{@code dirName},
     * with {@code extraSettings} appended to postgresql.conf after the tests' settings (so they
     * win), and the database {@link #DATABASE} in it. The benchmark uses it.
     */
    static TestServer startLocal(String dirName, String extraSettings) throws Exception {
        TestServer server = local(dirName, extraSettings);
        server.createDatabase();
        return server;
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
        execute("SELECT pg_reload_conf()");
    }

    /**
     * Stops a local cluster that a test started for itself ({@link #startLocal}) before the
     * JVM exits; the exit hook then finds it stopped.
     */
    void stop() throws IOException, InterruptedException {
        boolean root = "0".equals(run(List.of("id", "-u"), null).trim());
        runQuietly(asServerUser(root, bindir.resolve("pg_ctl").toString(), "-D",
                dataDir.toString(), "-m", "fast", "-w", "stop"));
    }

    /** The data directory of a local cluster, or null for an existing server. */
    Path dataDir() {
        return dataDir;
    }

    private static TestServer local(String dirName, String extraSettings)
            throws IOException, InterruptedException {
        Path bindir = findBindir();
        Path base = Paths.get(System.getProperty("pgwarden.builddir", "target"))
                .toAbsolutePath().resolve(dirName);
        boolean root = "0".equals(run(List.of("id", "-u"), null).trim());
        boolean temporary = root && !accessibleToPostgres(base.getParent());
        if (temporary) {
            // initdb refuses to run as root, and the postgres account cannot reach target/
            // here (a checkout under /root, say): keep the cluster in a temporary directory.
            base = Files.createTempDirectory(dirName);
            System.out.println("[pgwarden-it] target/ is not reachable for the postgres"
                    + " account; cluster in " + base);
        }
        Path data = base.resolve("data");
        Path socketDir = base.resolve("socket");
        List<String> stop = asServerUser(root, bindir.resolve("pg_ctl").toString(), "-D",
                data.toString(), "-m", "fast", "-w", "stop");
        Path cluster = base;
        // Registered before initdb: a cluster that fails to start leaves no directory behind.
        atExit(() -> {
            runQuietly(stop);
            if (temporary) {
                // Nothing else removes it; InstallScriptIT leaves a linked Java runtime in it.
                deleteQuietly(cluster);
            }
        });
        if (Files.exists(data.resolve("postmaster.pid"))) {
            runQuietly(asServerUser(root, bindir.resolve("pg_ctl").toString(), "-D",
                    data.toString(), "-m", "immediate", "stop"));
        }
        deleteTree(base);
        Files.createDirectories(socketDir);
        if (root) {
            run(List.of("chown", "-R", "postgres:postgres", base.toString()), null);
        }
        run(asServerUser(root, bindir.resolve("initdb").toString(), "-D", data.toString(),
                "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"), null);
        int port = freePort();
        Files.writeString(data.resolve("postgresql.conf"), settings(bindir, port, socketDir)
                + extraSettings,
                java.nio.file.StandardOpenOption.APPEND);
        run(asServerUser(root, bindir.resolve("pg_ctl").toString(), "-D", data.toString(),
                "-l", base.resolve("startup.log").toString(), "-w", "-t", "60", "start"), null);
        System.out.println("[pgwarden-it] started a throwaway PostgreSQL cluster (" + bindir
                + ") on 127.0.0.1:" + port + " in " + data);
        return new TestServer("127.0.0.1", port, "postgres", null, bindir, data);
    }

    private static String settings(Path bindir, int port, Path socketDir) {
        StringBuilder conf = new StringBuilder("\n# pgwarden integration tests\n")
                .append("port = ").append(port).append('\n')
                .append("listen_addresses = '127.0.0.1'\n")
                .append("unix_socket_directories = '").append(socketDir).append("'\n")
                .append("max_connections = 300\n")
                .append("max_prepared_transactions = 10\n")
                // A logical slot (horizon_report's tests) needs it; replica's streaming and
                // the standby's work the same under it.
                .append("wal_level = logical\n")
                .append("fsync = off\n")
                .append("synchronous_commit = off\n")
                .append("full_page_writes = off\n")
                .append("logging_collector = on\n")
                .append("log_directory = 'log'\n")
                .append("log_filename = 'postgresql.log'\n")
                .append("log_line_prefix = '%m [%p] '\n");
        Path lib = bindir.getParent().resolve("lib");
        if (Files.exists(lib.resolve("pg_cron.so"))) {
            // pg_cron's launcher is a background worker: rule 1 tests it is never signalled.
            // Its jobs connect like clients; this cluster has TCP on 127.0.0.1 only.
            conf.append("shared_preload_libraries = 'pg_cron'\n")
                    .append("cron.database_name = 'postgres'\n")
                    .append("cron.host = '127.0.0.1'\n");
        }
        if (hasFile(lib, "libpljava-so-")) {
            String libjvm = Paths.get(System.getProperty("java.home"), "lib", "server",
                    "libjvm.so").toString();
            conf.append("pljava.libjvm_location = '").append(libjvm).append("'\n")
                    .append("pljava.vmoptions = '-Xshare:auto -XX:+UseSerialGC")
                    .append(" -XX:TieredStopAtLevel=1 -Xms8m'\n");
        }
        return conf.toString();
    }

    private static Path unpackedBindir;

    /**
     * The server binaries: those of the archive {@value ServerBinaries#PROPERTY} names (the
     * pg-matrix profile sets it), else PGWARDEN_PG_BINDIR, else the newest
     * /usr/lib/postgresql/N/bin that has initdb, else the directory of initdb on the PATH.
     */
    static synchronized Path findBindir() {
        String archive = System.getProperty(ServerBinaries.PROPERTY, "");
        if (!archive.isEmpty()) {
            if (unpackedBindir == null) {
                try {
                    unpackedBindir = ServerBinaries.bindir(Paths.get(archive));
                } catch (IOException | InterruptedException e) {
                    throw new IllegalStateException("cannot unpack the server binaries: " + e,
                            e);
                }
            }
            return unpackedBindir;
        }
        String configured = System.getenv("PGWARDEN_PG_BINDIR");
        if (configured != null) {
            return Paths.get(configured);
        }
        Path debian = Paths.get("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path newest = versions
                        .filter(v -> Files.isExecutable(v.resolve("bin/initdb")))
                        .max(Comparator.comparingInt(TestServer::versionOf)).orElse(null);
                if (newest != null) {
                    return newest.resolve("bin");
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Paths.get(dir, "initdb"))) {
                return Paths.get(dir);
            }
        }
        throw new IllegalStateException("no PostgreSQL server binaries found (initdb): install"
                + " postgresql-15 or set PGWARDEN_PG_BINDIR");
    }

    /**
     * A client program ({@code psql}): the server's own when its bindir has one, else the
     * newest installed under /usr/lib/postgresql, else the PATH's. Server binaries fetched
     * from Maven Central (the major-version matrix) hold initdb, pg_ctl and postgres only;
     * psql of any major talks to servers of other majors, unlike the streaming tools.
     */
    Path clientProgram(String name) {
        if (Files.isExecutable(bindir.resolve(name))) {
            return bindir.resolve(name);
        }
        Path debian = Paths.get("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path newest = versions
                        .filter(v -> Files.isExecutable(v.resolve("bin").resolve(name)))
                        .max(Comparator.comparingInt(TestServer::versionOf)).orElse(null);
                if (newest != null) {
                    return newest.resolve("bin").resolve(name);
                }
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        }
        for (String dir : System.getenv("PATH").split(":")) {
            if (Files.isExecutable(Paths.get(dir, name))) {
                return Paths.get(dir, name);
            }
        }
        throw new IllegalStateException("no " + name + " beside the server binaries (" + bindir
                + "), under /usr/lib/postgresql or on the PATH: install postgresql-client");
    }

    private static int versionOf(Path dir) {
        try {
            return Integer.parseInt(dir.getFileName().toString());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    private static boolean hasFile(Path dir, String prefix) {
        if (!Files.isDirectory(dir)) {
            return false;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*")) {
            return files.iterator().hasNext();
        } catch (IOException e) {
            return false;
        }
    }

    static boolean accessibleToPostgres(Path dir) throws IOException {
        Files.createDirectories(dir);
        try {
            run(List.of("runuser", "-u", "postgres", "--", "test", "-x", dir.toString()), null);
            return true;
        } catch (IOException | InterruptedException e) {
            return false;
        }
    }

    static List<String> asServerUser(boolean root, String... command) {
        List<String> full = new ArrayList<>();
        if (root) {
            full.addAll(List.of("runuser", "-u", "postgres", "--"));
        }
        full.addAll(List.of(command));
        return full;
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    /** Runs a command to completion; its output on failure is part of the exception. */
    static String run(List<String> command, Map<String, String> env)
            throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        if (env != null) {
            pb.environment().putAll(env);
        }
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException(String.join(" ", command) + " failed:\n" + output);
        }
        return output;
    }

    static void runQuietly(List<String> command) {
        try {
            run(command, null);
        } catch (IOException | InterruptedException e) {
            // the cluster was not running
        }
    }

    static void deleteQuietly(Path dir) {
        try {
            deleteTree(dir);
        } catch (IOException e) {
            System.out.println("[pgwarden-it] could not remove " + dir + ": " + e);
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
