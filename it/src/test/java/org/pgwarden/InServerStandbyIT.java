package org.pgwarden;

import org.junit.jupiter.api.BeforeAll;

/**
 * The standby scenarios through the warden SQL functions, installed on the primary and
 * replayed on the standby, where PL/Java runs them. Skipped, with a line saying so, where
 * PL/Java is not installed.
 */
class InServerStandbyIT extends StandbyScenarios {

    private final SqlClient client = new SqlClient();

    @BeforeAll
    static void installPgwarden() throws Exception {
        Scripts.installInServer(TestServer.get(), "InServerStandbyIT");
    }

    @Override
    protected WardenClient client() {
        return client;
    }
}
