package org.pgwarden;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * A real pgbouncer in front of the test cluster, in transaction pooling mode with a pool of
 * {@link #POOL_SIZE} server connections: what many applications' sessions really look like
 * from the server. Started once per test JVM ({@link #get()}), stopped when it exits.
 *
 * <p>What a test must know about sessions behind it:
 * <ul>
 * <li>a client keeps one server backend only while it is in a transaction; between
 * transactions its statements may run on any backend of the pool, so a pid read outside a
 * transaction says nothing about the next statement;</li>
 * <li>pgbouncer passes the client's application_name on with a SET when it links the client
 * to a server backend; pg_stat_activity shows the name of the client using the backend, and
 * an idle pooled backend keeps the name of the last client that used it;</li>
 * <li>pgjdbc must not name prepared statements (prepareThreshold=0), and its startup
 * parameter extra_float_digits must be ignored by pgbouncer;</li>
 * <li>auth_type trust with auth_user: any role of the cluster logs in without a password,
 * looked up with pgbouncer's auth_query; the server side trusts 127.0.0.1.</li>
 * </ul>
 */
final class Pooler implements AutoCloseable {

    /** pgbouncer's default_pool_size: a third concurrent transaction waits for a backend. */
    static final int POOL_SIZE = 2;
    /** How long a client waits for a server backend before pgbouncer fails it. */
    private static final int QUERY_WAIT_SECONDS = 30;
    private static final Duration START_LIMIT = Duration.ofSeconds(20);

    private static Pooler instance;
    private static IllegalStateException failure;

    final String host = "127.0.0.1";
    final int port;
    private final TestServer server;
    private final ServerDir dir;
    private final Process process;
    private boolean closed;

    private Pooler(TestServer server, ServerDir dir, int port, Process process) {
        this.server = server;
        this.dir = dir;
        this.port = port;
        this.process = process;
    }

    /**
     * pgbouncer in front of {@link TestServer#get()}, started on first use. Skips the calling
     * test, saying so in a line of its own, where pgbouncer is not installed.
     */
    static synchronized Pooler get() {
        Path binary = findPgbouncer();
        if (binary == null) {
            System.out.println("[pgwarden-it] SKIPPED a pgbouncer test: pgbouncer is not"
                    + " installed (apt-get install pgbouncer)");
            Assumptions.abort("pgbouncer is not installed");
        }
        if (failure != null) {
            throw failure;
        }
        if (instance == null) {
            try {
                instance = start(TestServer.get(), binary);
            } catch (Exception e) {
                failure = new IllegalStateException("cannot start pgbouncer: " + e, e);
                throw failure;
            }
        }
        return instance;
    }

    private static Pooler start(TestServer server, Path binary) throws Exception {
        long started = System.nanoTime();
        ServerDir dir = ServerDir.create("pgwarden-pooler");
        int port = LocalCluster.freePort();
        Path ini = dir.path.resolve("pgbouncer.ini");
        Path users = dir.path.resolve("userlist.txt");
        Files.writeString(ini, settings(server, dir.path, port));
        // auth_user's own entry: pgbouncer logs in with it to look the other roles up.
        Files.writeString(users, quoted(server.superuser) + " "
                + quoted(server.password == null ? "" : server.password) + "\n");
        dir.handOver(ini);
        dir.handOver(users);
        Process process = new ProcessBuilder(dir.asServerUser(binary.toString(), ini.toString()))
                .redirectErrorStream(true)
                .redirectOutput(dir.path.resolve("output.log").toFile())
                .start();
        Pooler pooler = new Pooler(server, dir, port, process);
        AtExit.register(pooler::close);
        Poll.until("pgbouncer to listen on 127.0.0.1:" + port, START_LIMIT,
                () -> !process.isAlive() || pooler.listening());
        if (!process.isAlive()) {
            throw new IOException("pgbouncer exited with " + process.exitValue() + ":\n"
                    + dir.read("output.log"));
        }
        try (Connection c = pooler.connect(); Statement st = c.createStatement()) {
            st.execute("SELECT 1");
        } catch (SQLException e) {
            throw new IOException("pgbouncer does not reach the test database: " + e
                    + "\npgbouncer.log:\n" + dir.read("pgbouncer.log"), e);
        }
        System.out.printf("[pgwarden-it] started pgbouncer (%s, pool_mode transaction,"
                + " default_pool_size %d) on 127.0.0.1:%d in front of %s:%d in %d ms (%s)%n",
                binary, POOL_SIZE, port, server.host, server.port,
                (System.nanoTime() - started) / 1_000_000, dir.path);
        return pooler;
    }

    private static String settings(TestServer server, Path dir, int port) {
        return "[databases]\n"
                + TestServer.DATABASE + " = host=" + server.host + " port=" + server.port
                + " dbname=" + TestServer.DATABASE + "\n"
                + "\n[pgbouncer]\n"
                + "listen_addr = 127.0.0.1\n"
                + "listen_port = " + port + "\n"
                + "unix_socket_dir =\n"
                + "auth_type = trust\n"
                + "auth_file = " + dir.resolve("userlist.txt") + "\n"
                // trust still wants each user in auth_file; auth_user looks the others up
                // in pg_shadow, so roles a test creates can log in at once.
                + "auth_user = " + server.superuser + "\n"
                + "admin_users = " + server.superuser + "\n"
                + "pool_mode = transaction\n"
                + "default_pool_size = " + POOL_SIZE + "\n"
                + "max_client_conn = 100\n"
                + "query_wait_timeout = " + QUERY_WAIT_SECONDS + "\n"
                // pgjdbc sends extra_float_digits at startup; pgbouncer would refuse it.
                + "ignore_startup_parameters = extra_float_digits,options\n"
                + "logfile = " + dir.resolve("pgbouncer.log") + "\n"
                // ServerDir stops a pgbouncer that a killed test JVM left, by this file.
                + "pidfile = " + dir.resolve(ServerDir.PGBOUNCER_PID) + "\n";
    }

    /** A superuser's client session through pgbouncer. */
    Connection connect() throws SQLException {
        return connect(server.superuser, server.password, "pgwarden-test");
    }

    /**
     * A client session through pgbouncer to pgwarden_test. Only a transaction keeps one
     * server backend: see the class comment.
     */
    Connection connect(String user, String pass, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (pass != null) {
            props.setProperty("password", pass);
        }
        props.setProperty("ApplicationName", applicationName);
        // Named server-side prepared statements would outlive the transaction on a backend
        // the next transaction may not get.
        props.setProperty("prepareThreshold", "0");
        return DriverManager.getConnection(
                "jdbc:postgresql://" + host + ":" + port + "/" + TestServer.DATABASE, props);
    }

    /** pgbouncer's log so far. */
    String log() {
        return dir.read("pgbouncer.log");
    }

    /** Stops pgbouncer and removes its directory. */
    @Override
    public void close() {
        synchronized (Pooler.class) {
            if (closed) {
                return;
            }
            closed = true;
            if (instance == this) {
                instance = null;
            }
        }
        // Run as root, the process is runuser: signal pgbouncer itself (SIGTERM, immediate
        // shutdown) rather than count on runuser to pass the signal on.
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        dir.delete();
    }

    private boolean listening() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), 1000);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A name or password as pgbouncer's auth_file writes it: in double quotes, doubled. */
    private static String quoted(String value) {
        return '"' + value.replace("\"", "\"\"") + '"';
    }

    /** pgbouncer on the PATH, or Debian's /usr/sbin/pgbouncer (not on a user's PATH). */
    private static Path findPgbouncer() {
        String path = System.getenv().getOrDefault("PATH", "");
        return Stream.concat(Stream.of(path.split(":")), Stream.of("/usr/sbin"))
                .filter(d -> !d.isEmpty())
                .map(d -> Paths.get(d, "pgbouncer"))
                .filter(Files::isExecutable)
                .findFirst().orElse(null);
    }
}
