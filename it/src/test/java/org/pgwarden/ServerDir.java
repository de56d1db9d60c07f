package org.pgwarden;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;

/**
 * The working directory of a server process a fixture starts (the standby, pgbouncer), and
 * the account it runs as. PostgreSQL and pgbouncer both refuse to run as root: run as root,
 * the process runs as the postgres account, in a directory that account owns, under
 * target/ or, when that account cannot reach target/ (a checkout under /root, as in CI), in
 * a temporary directory, as LocalCluster does for the test cluster.
 */
final class ServerDir {

    /** How much of a server log goes into a failure's message. */
    private static final int LOG_TAIL = 8192;

    final Path path;
    private final boolean root;

    private ServerDir(Path path, boolean root) {
        this.path = path;
        this.root = root;
    }

    /** The pid file pgbouncer writes in its directory (Pooler's pidfile setting). */
    static final String PGBOUNCER_PID = "pgbouncer.pid";

    /** An empty directory {@code name} under target/ (or a temporary one), owned as needed. */
    static ServerDir create(String name) throws IOException, InterruptedException {
        Path base = Paths.get(System.getProperty("pgwarden.builddir", "target"))
                .toAbsolutePath().resolve(name);
        boolean root = Shell.isRoot();
        if (root && !Shell.accessibleToPostgres(base.getParent())) {
            base = Files.createTempDirectory(name);
        } else {
            // A test JVM that was killed left its server running in there.
            stopLeftover(base.resolve("data/postmaster.pid"), base.resolve("data"));
            stopLeftover(base.resolve(PGBOUNCER_PID), base);
            Shell.deleteQuietly(base);
            Files.createDirectories(base);
        }
        if (root) {
            Shell.run(List.of("chown", "-R", "postgres:postgres", base.toString()), null);
        }
        return new ServerDir(base, root);
    }

    /**
     * Stops the process a leftover pid file names, if it still runs and is the one that
     * wrote it: its command line names {@code dir} (a pid is reused once its process is
     * gone, and then it is somebody else's). SIGQUIT is a postmaster's immediate shutdown,
     * and pgbouncer's too.
     */
    private static void stopLeftover(Path pidFile, Path dir) {
        try {
            if (!Files.exists(pidFile)) {
                return;
            }
            long pid = Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
            Path cmdline = Paths.get("/proc", String.valueOf(pid), "cmdline");
            if (!Files.exists(cmdline) || !new String(Files.readAllBytes(cmdline))
                    .replace('\0', ' ').contains(dir.toString())) {
                return;
            }
            Shell.runQuietly(List.of("kill", "-QUIT", String.valueOf(pid)));
            ProcessHandle.of(pid).ifPresent(p -> Poll.until("leftover pid " + pid + " to exit",
                    java.time.Duration.ofSeconds(20), () -> !p.isAlive()));
            System.out.println("[pgwarden-it] stopped pid " + pid + ", left running in " + dir
                    + " by an earlier test JVM");
        } catch (IOException | RuntimeException e) {
            System.out.println("[pgwarden-it] could not stop what " + pidFile + " names: " + e);
        }
    }

    /** {@code command} as the account the server process runs as. */
    List<String> asServerUser(String... command) {
        return Shell.asServerUser(root, command);
    }

    /** Makes a file the fixture wrote, or a whole directory tree, the server account's. */
    void handOver(Path file) throws IOException, InterruptedException {
        if (root) {
            Shell.run(List.of("chown", "-R", "postgres:postgres", file.toString()), null);
        }
    }

    /** The text of a file in it, or a note that it is missing, for an error message. */
    String read(String file) {
        Path p = path.resolve(file);
        try {
            return Files.exists(p) ? Files.readString(p) : "(no " + p + ")";
        } catch (IOException e) {
            return "(cannot read " + p + ": " + e + ")";
        }
    }

    /**
     * The last lines of the server log of the cluster in {@code dataDir}, where the tests'
     * settings put it, or a note that it is missing, for an error message: a few kilobytes,
     * since the test cluster's log holds a whole test run.
     */
    static String serverLogTail(Path dataDir) {
        Path file = dataDir.resolve("log/postgresql.log");
        try {
            byte[] log = Files.readAllBytes(file);
            int start = Math.max(0, log.length - LOG_TAIL);
            // Decoded leniently: the server writes a statement as the client sent it.
            String text = new String(log, start, log.length - start, StandardCharsets.UTF_8);
            return start == 0 ? text : "[...]\n" + text.substring(text.indexOf('\n') + 1);
        } catch (NoSuchFileException e) {
            return "(no " + file + ")";
        } catch (IOException e) {
            return "(cannot read " + file + ": " + e + ")";
        }
    }

    void delete() {
        Shell.deleteQuietly(path);
    }
}
