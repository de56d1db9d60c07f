package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * What the image of docker/Dockerfile does at init, checked in the container the Docker
 * fixture started; the other integration tests then run in the same container. Skipped, with
 * a line saying so, unless -Dpgwarden.docker=true and a Docker engine is reachable.
 */
class DockerIT {

    @Test
    void theImageInstallsPgwardenAndPgCronAtInit() throws Exception {
        if (!DockerServer.requested()) {
            System.out.println("[pgwarden-it] SKIPPED the Docker suite (DockerIT): run with"
                    + " -D" + DockerServer.PROPERTY + "=true and a reachable Docker engine to"
                    + " build docker/Dockerfile and run the integration tests in it");
            Assumptions.abort("-D" + DockerServer.PROPERTY + "=true not set");
        }
        TestServer server = TestServer.get();
        if (!DockerServer.running()) {
            Assumptions.abort("no Docker engine is reachable");
        }
        Properties props = new Properties();
        props.setProperty("user", server.superuser);
        props.setProperty("password", server.password);
        try (Connection c = DriverManager.getConnection("jdbc:postgresql://" + server.host
                + ":" + server.port + "/" + DockerServer.DATABASE, props);
                Statement st = c.createStatement()) {
            assertTrue(bool(st, "SELECT to_regnamespace('warden') IS NOT NULL"),
                    "pgwarden was not installed at init");
            assertTrue(bool(st, "SELECT count(*) >= 0 FROM warden.backend_report()"));
            assertTrue(bool(st, "SELECT EXISTS (SELECT FROM pg_extension"
                    + " WHERE extname = 'pg_cron')"), "pg_cron was not created at init");
            assertTrue(bool(st, "SELECT current_setting('shared_preload_libraries')"
                    + " LIKE '%pg_cron%'"));
            assertTrue(bool(st, "SELECT current_setting('pljava.vmoptions')"
                    + " LIKE '%UseSerialGC%'"));
        }
    }

    private static boolean bool(Statement st, String sql) throws Exception {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }
}
