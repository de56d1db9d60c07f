package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The safety rules through the Java core over pgjdbc, with pgwarden's tables installed from
 * sql/schema.sql as on a server without PL/Java.
 */
class CoreSafetyIT extends SafetyScenarios {

    private final CoreClient client = new CoreClient();

    @BeforeAll
    static void installSchema() throws Exception {
        TestServer.get().installSchema();
    }

    @Override
    protected WardenClient client() {
        return client;
    }

    @Test
    void aShortStatementTimeoutDoesNotStopTheRunnerWhoseStatementsAreShort() throws Exception {
        Victim stubborn = victim("safety-runner-timeout").start(IGNORES_CANCEL);
        stubborn.awaitAge("100 milliseconds");
        try (Statement st = caller.createStatement()) {
            // Over pgjdbc every wait is its own short statement: the call fits.
            st.execute("SET statement_timeout = '300ms'");
        }

        ActionRow row = rowFor(cancel("50 milliseconds", true, "500 milliseconds", false),
                stubborn);

        assertEquals(Outcome.TERMINATED, row.outcome());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), stubborn.awaitFailure());
    }
}
