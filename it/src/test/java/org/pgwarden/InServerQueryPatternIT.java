package org.pgwarden;

import org.junit.jupiter.api.BeforeAll;

/**
 * The query pattern scenarios end to end through the warden SQL functions inside the server.
 * Skipped, with a line saying so, where PL/Java is not installed.
 */
class InServerQueryPatternIT extends QueryPatternScenarios {

    private final SqlClient client = new SqlClient();

    @BeforeAll
    static void installPgwarden() throws Exception {
        Scripts.installInServer(TestServer.get(), "InServerQueryPatternIT");
    }

    @Override
    protected WardenClient client() {
        return client;
    }
}
