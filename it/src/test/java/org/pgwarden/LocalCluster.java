package org.pgwarden;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A throwaway cluster made with the server binaries: initdb under target/ (or a temporary
 * directory the postgres account can reach), the tests' settings, a free port, pg_ctl start;
 * stopped and, if temporary, removed when the test JVM exits.
 */
final class LocalCluster {

    private LocalCluster() {
    }

    /**
     * Starts a cluster under target/{@code dirName} with {@code extraSettings} appended to
     * postgresql.conf after the tests' settings (so they win).
     */
    static TestServer start(String dirName, String extraSettings)
            throws IOException, InterruptedException {
        Path bindir = ServerBinaries.findBindir();
        Path base = Paths.get(System.getProperty("pgwarden.builddir", "target"))
                .toAbsolutePath().resolve(dirName);
        boolean root = Shell.isRoot();
        boolean temporary = root && !Shell.accessibleToPostgres(base.getParent());
        if (temporary) {
            // initdb refuses to run as root, and the postgres account cannot reach target/
            // here (a checkout under /root, say): keep the cluster in a temporary directory.
            base = Files.createTempDirectory(dirName);
            System.out.println("[pgwarden-it] target/ is not reachable for the postgres"
                    + " account; cluster in " + base);
        }
        Path data = base.resolve("data");
        Path socketDir = base.resolve("socket");
        List<String> stop = pgCtl(root, bindir, data, "-m", "fast", "-w", "stop");
        Path cluster = base;
        // Registered before initdb: a cluster that fails to start leaves no directory behind.
        AtExit.register(() -> {
            Shell.runQuietly(stop);
            if (temporary) {
                // Nothing else removes it; InstallScriptIT leaves a linked Java runtime in it.
                Shell.deleteQuietly(cluster);
            }
        });
        if (Files.exists(data.resolve("postmaster.pid"))) {
            Shell.runQuietly(pgCtl(root, bindir, data, "-m", "immediate", "stop"));
        }
        Shell.deleteTree(base);
        Files.createDirectories(socketDir);
        if (root) {
            Shell.run(List.of("chown", "-R", "postgres:postgres", base.toString()), null);
        }
        Shell.run(Shell.asServerUser(root, bindir.resolve("initdb").toString(), "-D",
                data.toString(), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C",
                "--no-sync"), null);
        int port = freePort();
        Files.writeString(data.resolve("postgresql.conf"), settings(bindir, port, socketDir)
                + extraSettings, StandardOpenOption.APPEND);
        Shell.run(pgCtl(root, bindir, data, "-l", base.resolve("startup.log").toString(), "-w",
                "-t", "60", "start"), null);
        System.out.println("[pgwarden-it] started a throwaway PostgreSQL cluster (" + bindir
                + ") on 127.0.0.1:" + port + " in " + data);
        return new TestServer("127.0.0.1", port, "postgres", null, bindir, data);
    }

    /** Stops the cluster in {@code data} (fast shutdown), if it runs. */
    static void stop(Path bindir, Path data) throws IOException, InterruptedException {
        Shell.runQuietly(pgCtl(Shell.isRoot(), bindir, data, "-m", "fast", "-w", "stop"));
    }

    /** A TCP port nobody listens on now. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static List<String> pgCtl(boolean root, Path bindir, Path data, String... args) {
        String[] command = new String[args.length + 3];
        command[0] = bindir.resolve("pg_ctl").toString();
        command[1] = "-D";
        command[2] = data.toString();
        System.arraycopy(args, 0, command, 3, args.length);
        return Shell.asServerUser(root, command);
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
}
