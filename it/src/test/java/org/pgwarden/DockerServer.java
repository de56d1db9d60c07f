package org.pgwarden;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.ImageFromDockerfile;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.postgresql.PostgreSQLContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The Docker fixture: with {@code -Dpgwarden.docker=true} and a reachable Docker engine, the
 * integration tests run against a container of the image docker/Dockerfile builds (PL/Java,
 * pg_cron and pgwarden from the PostgreSQL project's apt packages) instead of a local
 * cluster. Nothing here touches Docker unless that property is set.
 */
final class DockerServer {

    static final String PROPERTY = "pgwarden.docker";
    static final String DATABASE = "postgres";
    private static final String PASSWORD = "pgwarden-it";

    /** Test settings on top of the image's, as TestServer gives its local cluster. */
    private static final String[] COMMAND = {"postgres",
        "-c", "fsync=off",
        "-c", "max_connections=300",
        "-c", "logging_collector=on",
        "-c", "log_directory=log",
        "-c", "log_filename=postgresql.log",
        "-c", "log_line_prefix=%m [%p] ",
        "-c", "pljava.vmoptions=-Xshare:auto -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms8m"};

    /** Walsender's physical replication connection comes from outside the container. */
    private static final String REPLICATION_HBA = """
        #!/usr/bin/env bash
        echo 'host replication all all scram-sha-256' >> "$PGDATA/pg_hba.conf"
        """;

    private static PostgreSQLContainer container;

    private DockerServer() {
    }

    static boolean requested() {
        return Boolean.getBoolean(PROPERTY);
    }

    /**
     * Builds the image and starts a container of it, or returns null, with a line saying
     * why, when no Docker engine is reachable.
     */
    static synchronized TestServer start() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            System.out.println("[pgwarden-it] SKIPPED the Docker fixture: -D" + PROPERTY
                    + "=true but no Docker engine is reachable; using a local cluster");
            return null;
        }
        Path basedir = Paths.get(System.getProperty("pgwarden.basedir", "."));
        Path jar = Paths.get(System.getProperty("pgwarden.jar", "target/pgwarden.jar"));
        // The build context holds only what the Dockerfile copies, as .dockerignore says.
        ImageFromDockerfile image = new ImageFromDockerfile("pgwarden-postgres-it", true)
                .withFileFromPath("docker", basedir.resolve("docker"))
                .withFileFromPath("install", basedir.resolve("install"))
                .withFileFromPath("sql", basedir.resolve("sql"))
                .withFileFromPath("target/pgwarden.jar", jar)
                .withDockerfilePath("docker/Dockerfile");
        container = new PostgreSQLContainer(DockerImageName.parse(image.get())
                .asCompatibleSubstituteFor("postgres"))
                .withDatabaseName(DATABASE)
                .withUsername("postgres")
                .withPassword(PASSWORD)
                .withCommand(COMMAND)
                .withCopyToContainer(Transferable.of(REPLICATION_HBA, 0755),
                        "/docker-entrypoint-initdb.d/10-pgwarden-it-replication.sh")
                // With logging_collector on, "ready to accept connections" goes to the log
                // file, not to the container's output: wait for the port instead.
                .waitingFor(Wait.forListeningPort()
                        .withStartupTimeout(Duration.ofMinutes(3)));
        container.start();
        Runtime.getRuntime().addShutdownHook(new Thread(container::stop));
        System.out.println("[pgwarden-it] Docker fixture: started " + image.get() + " (from"
                + " docker/Dockerfile) on " + container.getHost() + ":"
                + container.getMappedPort(5432));
        return TestServer.existing(container.getHost(), container.getMappedPort(5432),
                "postgres", PASSWORD);
    }

    static boolean running() {
        return container != null;
    }
}
