package org.pgwarden;

import org.junit.jupiter.api.BeforeAll;

/**
 * The xmin horizon's holders through warden.horizon_report inside the server. Skipped, with
 * a line saying so, where PL/Java is not installed.
 */
class InServerHorizonIT extends HorizonScenarios {

    private final SqlClient client = new SqlClient();

    @BeforeAll
    static void installPgwarden() throws Exception {
        Scripts.installInServer(TestServer.get(), "InServerHorizonIT");
    }

    @Override
    protected WardenClient client() {
        return client;
    }
}
