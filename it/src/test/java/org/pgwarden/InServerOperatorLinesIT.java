package org.pgwarden;

import org.junit.jupiter.api.BeforeAll;

/**
 * The log line scenarios through the warden SQL functions inside the server, where the log
 * lines are written through SPI. Skipped, with a line saying so, without PL/Java.
 */
class InServerOperatorLinesIT extends OperatorLinesScenarios {

    private final SqlClient client = new SqlClient();

    @BeforeAll
    static void installPgwarden() throws Exception {
        Scripts.installInServer(TestServer.get(), "InServerOperatorLinesIT");
    }

    @Override
    protected WardenClient client() {
        return client;
    }
}
