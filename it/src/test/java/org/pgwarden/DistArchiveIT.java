package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;

/**
 * The distribution archive, target/pgwarden-VERSION-dist.tar.gz and .zip: what it holds,
 * and install/install.sh run from the unpacked archive against the test server.
 */
class DistArchiveIT {

    private static final String VERSION = System.getProperty("pgwarden.version");
    private static final String BASE = "pgwarden-" + VERSION + "/";
    private static final Set<String> FILES = new TreeSet<>(List.of(BASE + "pgwarden.jar",
            BASE + "pgwarden-cli.jar", BASE + "README.md", BASE + "install/install.sh",
            BASE + "install/uninstall.sh", BASE + "install/cds-archive.sh",
            BASE + "install/jvm-image.sh", BASE + "install/common.sh",
            BASE + "install/vmoptions.md", BASE + "install/pgwarden-watch.service",
            BASE + "install/pgwarden-watch.env", BASE + "docker/runner.Dockerfile",
            BASE + "docker/README.md",
            BASE + "sql/schema.sql",
            BASE + "sql/functions.sql", BASE + "sql/generated/backend_report.sql",
            BASE + "sql/generated/horizon_report.sql", BASE + "sql/remove.sql",
            BASE + "TESTING.md", BASE + "docs/functions.md", BASE + "docs/install.md",
            BASE + "docs/scheduling.md", BASE + "docs/runner.md", BASE + "docs/security.md",
            BASE + "docs/monitoring.md", BASE + "docs/benchmarks.md",
            BASE + "docs/postgres_exporter-queries.yaml"));

    private final Path dist = Paths.get(System.getProperty("pgwarden.dist",
            "target/pgwarden-" + VERSION + "-dist"));
    private final Path jar = Paths.get(System.getProperty("pgwarden.jar",
            "target/pgwarden.jar"));

    @Test
    void theZipHoldsTheJarsScriptsDescriptorAndReadme() throws Exception {
        try (ZipFile zip = new ZipFile(dist + ".zip")) {
            Set<String> files = new TreeSet<>(zip.stream().filter(e -> !e.isDirectory())
                    .map(ZipEntry::getName).toList());
            assertEquals(FILES, files);
            try (var in = zip.getInputStream(zip.getEntry(BASE + "pgwarden.jar"))) {
                assertArrayEquals(Files.readAllBytes(jar), in.readAllBytes());
            }
        }
    }

    @Test
    void theTarballHoldsTheSameWithExecutableScripts() throws Exception {
        List<String> listing = Shell.run(List.of("tar", "tzvf", dist + ".tar.gz"), null)
                .lines().toList();
        Set<String> files = new TreeSet<>();
        for (String line : listing) {
            String[] fields = line.trim().split("\\s+");
            String name = fields[fields.length - 1];
            if (!name.endsWith("/")) {
                files.add(name);
            }
            if (name.endsWith(".sh")) {
                assertTrue(fields[0].startsWith("-rwxr-xr-x"), line);
            }
        }
        assertEquals(FILES, files);
    }

    @Test
    void theRunnerJarCarriesPgjdbcAndItsMainClass() throws Exception {
        try (JarFile cli = new JarFile(Cli.jar().toFile())) {
            assertEquals("org.pgwarden.cli.Main",
                    cli.getManifest().getMainAttributes().getValue("Main-Class"));
            assertNotNull(cli.getEntry("org/postgresql/Driver.class"));
            assertNotNull(cli.getEntry("org/pgwarden/LongRunningCanceller.class"));
        }
    }

    @Test
    void installShFromTheUnpackedArchiveFindsTheJarBesideIt() throws Exception {
        TestServer server = TestServer.get();
        Path unpacked = Files.createTempDirectory("pgwarden-dist");
        try {
            Shell.run(List.of("tar", "xzf", dist + ".tar.gz", "-C", unpacked.toString()),
                    null);
            Path home = unpacked.resolve(BASE);

            Scripts.Result installed = installFrom(home, server);

            if (server.sql().hasPlJava()) {
                assertEquals(0, installed.exitCode(), installed.output());
                assertTrue(installed.output().contains("pgwarden installed in database "
                        + TestServer.DATABASE + " from " + home.resolve("install")
                        + "/../pgwarden.jar"), installed.output());
                assertTrue(server.sql().queryBoolean(
                        "SELECT count(*) >= 0 FROM warden.backend_report()"));
            } else {
                System.out.println("[pgwarden-it] DistArchiveIT: PL/Java is not installed;"
                        + " install.sh from the archive found its jar and stopped with its"
                        + " message (the install itself runs only where PL/Java is)");
                assertNotEquals(0, installed.exitCode(), installed.output());
                assertTrue(installed.output().contains(
                        "install.sh: PL/Java is not installed in this server"),
                        installed.output());
            }
            Cli.Result report = Cli.run(home.resolve("pgwarden-cli.jar"),
                    Map.copyOf(server.libpqEnvironment()), "report");
            assertEquals(0, report.exitCode(), report.toString());
        } finally {
            deleteTree(unpacked);
        }
    }

    /** Runs install/install.sh as an operator would: from the archive, no PGWARDEN_JAR. */
    private static Scripts.Result installFrom(Path home, TestServer server) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "install/install.sh")
                .directory(home.toFile()).redirectErrorStream(true);
        pb.environment().remove("PGWARDEN_JAR");
        pb.environment().putAll(server.libpqEnvironment());
        Process p = pb.start();
        String output = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), output);
        return new Scripts.Result(p.exitValue(), output);
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
