package org.pgwarden;

import org.junit.jupiter.api.BeforeAll;

/**
 * end_long_transactions and long_transaction policies end to end through the warden SQL
 * functions inside the server. Skipped, with a line saying so, where PL/Java is not
 * installed.
 */
class InServerLongTransactionIT extends LongTransactionScenarios {

    private final SqlClient client = new SqlClient();

    @BeforeAll
    static void installPgwarden() throws Exception {
        Scripts.installInServer(TestServer.get(), "InServerLongTransactionIT");
    }

    @Override
    protected WardenClient client() {
        return client;
    }
}
