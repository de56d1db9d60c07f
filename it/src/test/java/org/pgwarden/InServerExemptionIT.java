package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Connection;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The exemption and policy matching scenarios end to end through the warden SQL functions
 * inside the server, and an upgrade through install/install.sh, which runs sql/schema.sql as
 * PL/Java's deployment descriptor. Skipped, with a line saying so, where PL/Java is not
 * installed.
 */
class InServerExemptionIT extends ExemptionScenarios {

    private final SqlClient client = new SqlClient();

    @BeforeAll
    static void installPgwarden() throws Exception {
        Scripts.installInServer(TestServer.get(), "InServerExemptionIT");
    }

    @Override
    protected WardenClient client() {
        return client;
    }

    @Test
    void anUpgradeThroughTheDescriptorKeepsWhatEveryOldRowMatches() throws Throwable {
        try {
            Scripts.Result removed = Scripts.run(server, "install/uninstall.sh");
            assertEquals(0, removed.exitCode(), removed.output());
            try (Connection c = server.connect(); Statement st = c.createStatement()) {
                st.execute(OldRelease.TABLES);
                st.execute(OldRelease.ROWS);

                OldRelease.assertUpgradeKeepsMatches(st, () -> Scripts.install(server));
            }
        } finally {
            // what the other suites expect: a fresh install with the default rows
            Scripts.run(server, "install/uninstall.sh");
            Scripts.install(server);
        }
    }
}
