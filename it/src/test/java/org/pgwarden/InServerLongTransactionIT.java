package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pgwarden.WardenClient.DryRun.DRY_RUN;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    @Test
    void aRunWithNoTransactionDueStartsNoJvm() throws Exception {
        assumeMinimumServerVersion(14, "pg_backend_memory_contexts exists from 14 on");
        policy("it_tx_later", PolicyKind.LONG_TRANSACTION.sql(), "1 hour");
        Victim idleTx = victim("tx-not-yet-due").idleInTransaction("SELECT 1");
        Victim busy = victim("tx-busy-not-yet-due").start("SELECT pg_sleep(60)");
        idleTx.awaitAge(THRESHOLD);
        busy.awaitAge(THRESHOLD);

        try (Connection scheduled = server.connect()) {
            assertEquals(List.of(), client.endLongTransactions(scheduled, "1 hour", "5 seconds",
                    FOR_REAL));
            assertEquals(List.of(), client.enforce(scheduled, FOR_REAL));
            assertEquals(0, plJavaContexts(scheduled), "a call with nothing due started a JVM");

            assertEquals(Outcome.DRY_RUN, rowFor(client.endLongTransactions(scheduled,
                    THRESHOLD, "1 second", DRY_RUN), idleTx).outcome());
            assertEquals(1, plJavaContexts(scheduled));
        }
    }

    /** 1 once PL/Java has started its JVM in the session, else 0. */
    private static long plJavaContexts(Connection c) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(
                "SELECT count(*) FROM pg_backend_memory_contexts WHERE name = 'PL/Java'")) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
