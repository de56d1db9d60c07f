package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The exemption and policy matching scenarios through the Java core over pgjdbc, with
 * pgwarden's tables from sql/schema.sql; plus the upgrade of tables an older release made,
 * whose match columns were LIKE patterns.
 */
class CoreExemptionIT extends ExemptionScenarios {

    private static final String UPGRADE_DATABASE = "pgwarden_upgrade_it";

    private final CoreClient client = new CoreClient();

    @BeforeAll
    static void installSchema() throws Exception {
        TestServer.get().sql().installSchema();
    }

    @Override
    protected WardenClient client() {
        return client;
    }

    @Test
    void anUpgradeKeepsWhatEveryOldRowProtectsAndSelects() throws Throwable {
        server.sql().execute("DROP DATABASE IF EXISTS " + UPGRADE_DATABASE + " WITH (FORCE)");
        server.sql().execute("CREATE DATABASE " + UPGRADE_DATABASE);
        // One home per cluster (Home): the upgrade runs in a database of its own, so the
        // test database lends it the home for the test.
        String home = server.sql().releaseHome();
        try (Connection old = connectTo(UPGRADE_DATABASE); Statement st = old.createStatement()) {
            st.execute(OldRelease.TABLES);
            st.execute(OldRelease.ROWS);

            OldRelease.assertUpgradeKeepsMatches(st, () -> st.execute(schemaScript()));

            // Once upgraded, a name is a name: a second run moves nothing.
            st.execute("INSERT INTO warden.exemption (name, usename, note)"
                    + " VALUES ('exact', 'etl_2', 'exact')");
            List<String> before = OldRelease.exemptions(st, SessionMatch.condition("e", true));
            st.execute(schemaScript());
            assertEquals(List.of("etl_2"), OldRelease.column(st,
                    "SELECT usename FROM warden.exemption WHERE name = 'exact'"));
            assertEquals(before, OldRelease.exemptions(st, SessionMatch.condition("e", true)));
        } finally {
            server.sql().execute("DROP DATABASE IF EXISTS " + UPGRADE_DATABASE + " WITH (FORCE)");
            server.sql().restoreHome(home);
        }
    }

    @Test
    void theConcurrentIndexExemptionIsSeededOnceAndClaimableOnlyOnceChanged()
            throws Exception {
        server.sql().execute("DROP DATABASE IF EXISTS " + UPGRADE_DATABASE + " WITH (FORCE)");
        server.sql().execute("CREATE DATABASE " + UPGRADE_DATABASE);
        String home = server.sql().releaseHome();
        try (Connection old = connectTo(UPGRADE_DATABASE); Statement st = old.createStatement()) {
            st.execute(OldRelease.TABLES);

            assertEquals("exemptions that any client can claim: patroni, pg_dump",
                    claimable(st));
            assertEquals(List.of("concurrent_index_builds"), OldRelease.column(st,
                    "SELECT name FROM warden.exemption WHERE query IS NOT NULL"));
            // deleted by the operator, it stays deleted
            st.execute("DELETE FROM warden.exemption WHERE name = 'concurrent_index_builds'");
            st.execute("UPDATE warden.exemption SET member_of = 'warden_exempt_tools'");
            assertEquals(null, claimable(st));
            assertEquals(List.of(), OldRelease.column(st,
                    "SELECT name FROM warden.exemption WHERE query IS NOT NULL"));
            st.execute("INSERT INTO warden.exemption (name, query, note) VALUES"
                    + " ('concurrent_index_builds', '(?i)create index', 'mine')");
            assertEquals("exemptions that any client can claim: concurrent_index_builds",
                    claimable(st));
        } finally {
            server.sql().execute("DROP DATABASE IF EXISTS " + UPGRADE_DATABASE + " WITH (FORCE)");
            server.sql().restoreHome(home);
        }
    }

    /** Runs sql/schema.sql and returns its warning about claimable exemptions, or null. */
    private static String claimable(Statement st) throws Exception {
        st.clearWarnings();
        st.execute(schemaScript());
        for (SQLWarning w = st.getWarnings(); w != null; w = w.getNextWarning()) {
            if (w.getMessage().startsWith("exemptions that any client can claim")) {
                return w.getMessage();
            }
        }
        return null;
    }

    @Test
    void aFreshInstallSeedsToolExemptionsThatAskForTheToolsRole() throws Exception {
        try (Statement st = caller.createStatement()) {
            List<String> seeded = OldRelease.column(st, """
                    SELECT name || ' ' || application_name_like || ' ' || member_of
                    FROM warden.exemption WHERE name IN ('pg_dump', 'patroni') ORDER BY name""");
            assertEquals(List.of("patroni Patroni% warden_exempt_tools",
                    "pg_dump pg\\_dump% warden_exempt_tools"), seeded);
            assertEquals(List.of("false"), OldRelease.column(st, "SELECT rolcanlogin::text"
                    + " FROM pg_roles WHERE rolname = 'warden_exempt_tools'"));
        }
    }

    private static String schemaScript() throws Exception {
        Path basedir = Paths.get(System.getProperty("pgwarden.basedir", "."));
        return Files.readString(basedir.resolve("sql/schema.sql"));
    }

    private Connection connectTo(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", server.superuser);
        if (server.password != null) {
            props.setProperty("password", server.password);
        }
        return DriverManager.getConnection(
                "jdbc:postgresql://" + server.host + ":" + server.port + "/" + database, props);
    }
}
