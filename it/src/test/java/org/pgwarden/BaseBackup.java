package org.pgwarden;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;

/**
 * A base backup of the local test cluster, taken through PostgreSQL's low-level API ("Making
 * a Base Backup Using the Low Level API") over an ordinary pgjdbc session and a file copy of
 * its data directory. It needs no client tool: pg_basebackup refuses to stream from a server
 * of a newer major than its own, and the server binaries under test may come without one.
 * The copy holds no WAL; whoever starts a server on it must get the WAL from the backup's
 * checkpoint on from the primary (Standby: streaming through a slot made beforehand).
 */
final class BaseBackup {

    /**
     * PostgreSQL 15 renamed pg_start_backup and pg_stop_backup to pg_backup_start and
     * pg_backup_stop, and removed exclusive backups with their {@code exclusive} argument.
     */
    private static final int BACKUP_FUNCTIONS_RENAMED = 15;
    private static final String LABEL = "pgwarden-standby";

    /**
     * Files of the top directory the copy leaves out: the running postmaster's, the logging
     * collector's and half-written ones, and those of another backup, which would mislead
     * recovery.
     */
    private static final Set<String> SKIPPED_FILES = Set.of("postmaster.pid",
            "postmaster.opts", "current_logfiles", "current_logfiles.tmp",
            "postgresql.auto.conf.tmp", "backup_label", "tablespace_map", "backup_manifest");
    /**
     * Directories copied empty. pg_wal: a standby streams its WAL from the primary instead.
     * pg_replslot: the primary's slots are not the standby's. pg_tblspc: its links name the
     * primary's own tablespace directories (the tests make none; take() refuses them). log:
     * the primary's log. The others are reset at startup anyway, as the docs list them.
     */
    private static final Set<String> EMPTIED = Set.of("pg_wal", "pg_replslot", "pg_tblspc",
            "log", "pg_stat_tmp", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots",
            "pg_subtrans");

    private BaseBackup() {
    }

    /**
     * Copies the data directory of {@code primary} (a local cluster) to {@code target}, which
     * must not exist, as a base backup: {@code backup_label} included. The test cluster runs
     * with full_page_writes off; the copy is still consistent after replay because the server
     * forces full-page writes while a backup is in progress, whatever the setting.
     */
    static void take(TestServer primary, Path target) throws IOException, SQLException {
        boolean renamed = primary.version().isAtLeast(BACKUP_FUNCTIONS_RENAMED);
        // fast: an immediate checkpoint starts the backup, not one spread over minutes.
        String start = renamed ? "SELECT pg_backup_start('" + LABEL + "', fast => true)"
                : "SELECT pg_start_backup('" + LABEL + "', true, false)";
        // The backup is the session's: stopped on the same connection, or aborted when it
        // closes (a failed copy leaves nothing behind on the primary).
        String stop = renamed ? "SELECT labelfile, spcmapfile FROM pg_backup_stop(false)"
                : "SELECT labelfile, spcmapfile FROM pg_stop_backup(false, false)";
        String label;
        String tablespaceMap;
        try (Connection c = primary.connect(); Statement st = c.createStatement()) {
            execute(primary, st, start).close();
            copy(primary, primary.dataDir(), target);
            try (ResultSet rs = execute(primary, st, stop)) {
                rs.next();
                label = rs.getString(1);
                tablespaceMap = rs.getString(2);
            }
        }
        if (tablespaceMap != null && !tablespaceMap.isBlank()) {
            throw failure(primary, "the primary has tablespaces; a standby on this machine"
                    + " would write into their directories too. tablespace_map:\n"
                    + tablespaceMap, null);
        }
        Files.writeString(target.resolve("backup_label"), label);
    }

    private static ResultSet execute(TestServer primary, Statement st, String sql)
            throws IOException {
        try {
            return st.executeQuery(sql);
        } catch (SQLException e) {
            throw failure(primary, sql + " failed on the primary: " + e, e);
        }
    }

    private static void copy(TestServer primary, Path source, Path target) throws IOException {
        try {
            Files.walkFileTree(source, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
                        throws IOException {
                    Path relative = source.relativize(dir);
                    Path parent = relative.getParent();
                    if (parent != null && EMPTIED.contains(parent.toString())) {
                        // pg_wal keeps its (empty) subdirectories, archive_status and from
                        // PostgreSQL 17 summaries, as pg_basebackup writes them; elsewhere
                        // a subdirectory is state left out (a slot's).
                        if (parent.toString().equals("pg_wal")) {
                            copyEntry(dir, target.resolve(relative.toString()));
                        }
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    if (isTemporary(dir)) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    copyEntry(dir, target.resolve(relative.toString()));
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
                        throws IOException {
                    Path relative = source.relativize(file);
                    Path parent = relative.getParent();
                    boolean skipped = parent == null
                            ? SKIPPED_FILES.contains(relative.toString())
                            : EMPTIED.contains(parent.toString());
                    // pg_internal.init: relation cache files, rebuilt on first use.
                    if (!skipped && !isTemporary(file)
                            && !file.getFileName().toString().equals("pg_internal.init")) {
                        copyEntry(file, target.resolve(relative.toString()));
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException e)
                        throws IOException {
                    // The server removes files as it goes (a dropped table's, a temporary
                    // one); the WAL replayed from the backup's start recreates what matters.
                    if (e instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw e;
                }
            });
        } catch (IOException e) {
            throw failure(primary, "cannot copy the primary's data directory " + source
                    + " to " + target + ": " + e, e);
        }
    }

    /** Copies a file, or a directory without its entries, keeping its mode and owner. */
    private static void copyEntry(Path from, Path to) throws IOException {
        try {
            Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException e) {
            // Vanished since the directory was listed: as in visitFileFailed.
        }
    }

    /** Temporary files of queries and of CREATE DATABASE, meaningless after a restart. */
    private static boolean isTemporary(Path path) {
        return path.getFileName() != null
                && path.getFileName().toString().startsWith("pgsql_tmp");
    }

    /** A failure of the backup, with the end of the primary's log, where the reason is. */
    private static IOException failure(TestServer primary, String what, Exception cause) {
        return new IOException("the base backup of " + primary.host + ":" + primary.port
                + " failed: " + what + "\nprimary's server log, last lines:\n"
                + ServerDir.serverLogTail(primary.dataDir()),
                cause);
    }
}
