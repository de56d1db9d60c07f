package org.pgwarden;

import org.junit.jupiter.api.BeforeAll;

/**
 * Exemptions, audit, blockers and policies end to end through the warden SQL functions
 * inside the server. Skipped, with a line saying so, where PL/Java is not installed.
 */
class InServerPolicyIT extends PolicyScenarios {

    private final SqlClient client = new SqlClient();

    @BeforeAll
    static void installPgwarden() throws Exception {
        Scripts.installInServer(TestServer.get(), "InServerPolicyIT");
    }

    @Override
    protected WardenClient client() {
        return client;
    }
}
