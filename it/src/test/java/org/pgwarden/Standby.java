package org.pgwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;

/**
 * A streaming hot standby of the test cluster: a base backup of {@link TestServer#get()}
 * (BaseBackup: the low-level API and a file copy, no client tool, so any server major the
 * tests run on) streaming through a physical replication slot, started on its own free port
 * on 127.0.0.1, read-only connections to its {@code pgwarden_test} database. Made once per
 * test JVM ({@link #get()}: a base backup costs seconds), stopped and removed when the JVM
 * exits. The primary needs nothing beyond initdb's defaults: wal_level replica,
 * max_wal_senders 10, and the {@code host replication all 127.0.0.1/32 trust} line that
 * {@code initdb -A trust} writes.
 */
final class Standby implements AutoCloseable {

    /** The standby's walreceiver shows this as application_name in the primary's views. */
    static final String CLUSTER_NAME = "pgwarden-standby";
    /** The primary keeps WAL for the standby in this slot, however far behind it falls. */
    static final String SLOT = "pgwarden_standby";
    private static final Duration REPLAY_LIMIT = Duration.ofSeconds(30);

    private static Standby instance;
    /** A standby that failed to start fails every test that asks for it, at once. */
    private static IllegalStateException failure;

    final String host = "127.0.0.1";
    final int port;
    final String superuser;
    final String password;
    private final TestServer primary;
    private final ServerDir dir;
    private final List<String> stop;
    private boolean closed;

    private Standby(TestServer primary, ServerDir dir, int port) {
        this.primary = primary;
        this.dir = dir;
        this.port = port;
        this.superuser = primary.superuser;
        this.password = primary.password;
        this.stop = dir.asServerUser(primary.bindir.resolve("pg_ctl").toString(), "-D",
                dir.path.resolve("data").toString(), "-m", "fast", "-w", "stop");
    }

    /**
     * The standby, made and started on first use, replayed up to the primary's WAL position
     * at that moment. Skips the calling test, saying so in a line of its own, where the test
     * server is not a throwaway cluster of the tests' own (PGWARDEN_TEST_HOST, Docker).
     */
    static synchronized Standby get() {
        TestServer primary = TestServer.get();
        if (primary.dataDir() == null) {
            System.out.println("[pgwarden-it] SKIPPED a standby test: the test server is not"
                    + " a local throwaway cluster (PGWARDEN_TEST_HOST or Docker), so the tests"
                    + " make no standby of it");
            Assumptions.abort("no standby of an existing server");
        }
        if (failure != null) {
            throw failure;
        }
        if (instance == null) {
            try {
                instance = start(primary);
            } catch (Exception e) {
                failure = new IllegalStateException("cannot start the standby: " + e, e);
                throw failure;
            }
        }
        return instance;
    }

    private static Standby start(TestServer primary) throws Exception {
        long started = System.nanoTime();
        ServerDir dir = ServerDir.create("pgwarden-standby");
        int port = LocalCluster.freePort();
        Standby standby = new Standby(primary, dir, port);
        AtExit.register(() -> standby.shutDown(true));
        dropSlot(primary);
        createSlot(primary);
        Path data = dir.path.resolve("data");
        BaseBackup.take(primary, data);
        // What pg_basebackup -R wrote: start as a standby, streaming through the slot.
        Files.createFile(data.resolve("standby.signal"));
        Files.writeString(data.resolve("postgresql.auto.conf"), replication(primary),
                StandardOpenOption.APPEND);
        Files.writeString(data.resolve("postgresql.conf"), settings(port),
                StandardOpenOption.APPEND);
        dir.handOver(data);
        // The server refuses a data directory that others may read.
        Files.setPosixFilePermissions(data, PosixFilePermissions.fromString("rwx------"));
        long copied = System.nanoTime();
        try {
            Shell.run(dir.asServerUser(primary.bindir.resolve("pg_ctl").toString(), "-D",
                    data.toString(), "-l", dir.path.resolve("startup.log").toString(), "-w",
                    "-t", "60", "start"), null);
        } catch (IOException e) {
            // The walsender's side of a failed stream is in the primary's log.
            throw new IOException(e.getMessage() + "\nstartup.log:\n" + dir.read("startup.log")
                    + "\nserver log:\n" + dir.read("data/log/postgresql.log")
                    + "\nprimary's server log, last lines:\n"
                    + ServerDir.serverLogTail(primary.dataDir()), e);
        }
        standby.awaitReplay();
        System.out.printf("[pgwarden-it] started a streaming hot standby of %s:%d on"
                + " 127.0.0.1:%d in %s: base backup %d ms, start and catch-up %d ms%n",
                primary.host, primary.port, port, data, (copied - started) / 1_000_000,
                (System.nanoTime() - copied) / 1_000_000);
        return standby;
    }

    /**
     * The slot, reserving WAL from now on: the copy holds none, so the standby streams
     * everything from the backup's checkpoint on, and the primary must not recycle it first.
     */
    private static void createSlot(TestServer primary) throws SQLException {
        try (Connection c = primary.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT pg_create_physical_replication_slot(?, true)")) {
            ps.setString(1, SLOT);
            ps.execute();
        }
    }

    /**
     * primary_conninfo and primary_slot_name for postgresql.auto.conf, as pg_basebackup -R
     * writes them. No application_name: the walreceiver then goes by cluster_name.
     */
    private static String replication(TestServer primary) {
        String conninfo = "host=" + primary.host + " port=" + primary.port + " user="
                + conninfoValue(primary.superuser);
        if (primary.password != null) {
            conninfo += " password=" + conninfoValue(primary.password);
        }
        return "primary_conninfo = " + settingValue(conninfo) + "\n"
                + "primary_slot_name = " + settingValue(SLOT) + "\n";
    }

    /** A libpq connection string value, quoted. */
    private static String conninfoValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
    }

    /** A configuration file's string, quoted: the file's parser reads backslash escapes. */
    private static String settingValue(String value) {
        return "'" + value.replace("\\", "\\\\").replace("'", "''") + "'";
    }

    /** The tests' settings, after the primary's copied ones, so they win. */
    private static String settings(int port) {
        return "\n# pgwarden integration tests: the streaming standby\n"
                + "port = " + port + "\n"
                + "listen_addresses = '127.0.0.1'\n"
                + "unix_socket_directories = ''\n"
                + "hot_standby = on\n"
                // Queries on the standby hold back the primary's vacuum instead of being
                // cancelled when replay removes rows they may see (40001). An ACCESS
                // EXCLUSIVE lock from the primary still cancels them after
                // max_standby_streaming_delay (30 s).
                + "hot_standby_feedback = on\n"
                + "cluster_name = '" + CLUSTER_NAME + "'\n"
                + "logging_collector = on\n"
                + "log_directory = 'log'\n"
                + "log_filename = 'postgresql.log'\n";
    }

    /** Waits until the standby has replayed the primary's WAL up to its current position. */
    void awaitReplay() throws SQLException {
        String target;
        try (Connection c = primary.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_current_wal_lsn()::text")) {
            rs.next();
            target = rs.getString(1);
        }
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT pg_last_wal_replay_lsn() >= ?::pg_lsn")) {
            ps.setString(1, target);
            Poll.until("the standby to replay the primary's WAL up to " + target, REPLAY_LIMIT,
                    () -> {
                        try (ResultSet rs = ps.executeQuery()) {
                            return rs.next() && rs.getBoolean(1);
                        }
                    });
        } catch (AssertionError e) {
            // The walreceiver says in the standby's log why WAL stopped coming.
            throw new AssertionError(e.getMessage() + "\nstandby's server log, last lines:\n"
                    + ServerDir.serverLogTail(dir.path.resolve("data"))
                    + "\nprimary's server log, last lines:\n"
                    + ServerDir.serverLogTail(primary.dataDir()), e);
        }
    }

    /** A superuser's session on the standby. */
    Connection connect() throws SQLException {
        return connect(superuser, password, "pgwarden-test");
    }

    /** A session on the standby's pgwarden_test database (read-only, as on any standby). */
    Connection connect(String user, String pass, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        if (pass != null) {
            props.setProperty("password", pass);
        }
        props.setProperty("ApplicationName", applicationName);
        return DriverManager.getConnection(
                "jdbc:postgresql://" + host + ":" + port + "/" + TestServer.DATABASE, props);
    }

    /** The standby's own server log so far (not the primary's, which the copy held). */
    String serverLog() throws SQLException {
        try (Connection c = connect(); Statement st = c.createStatement()) {
            return Sql.readLog(st);
        }
    }

    /** Stops the standby, removes its directory and drops its slot on the primary. */
    @Override
    public void close() {
        shutDown(false);
    }

    private void shutDown(boolean atJvmExit) {
        synchronized (Standby.class) {
            if (closed) {
                return;
            }
            closed = true;
            if (instance == this) {
                instance = null;
            }
        }
        Shell.runQuietly(stop);
        dir.delete();
        if (!atJvmExit) {
            // At JVM exit the primary is going away too; the slot goes with its cluster.
            try {
                dropSlot(primary);
            } catch (SQLException e) {
                System.out.println("[pgwarden-it] could not drop the slot " + SLOT + ": " + e);
            }
        }
    }

    /** Drops the slot, if a standby made earlier in this JVM left it. */
    private static void dropSlot(TestServer primary) throws SQLException {
        try (Connection c = primary.connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                                + " WHERE slot_name = ?")) {
            ps.setString(1, SLOT);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rs.getString(1);
                }
            }
        }
    }
}
