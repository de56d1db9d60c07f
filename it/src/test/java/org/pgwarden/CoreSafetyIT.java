package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Escalation.ESCALATE;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
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
        TestServer.get().sql().installSchema();
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

        ActionRow row = rowFor(cancel("50 milliseconds", ESCALATE, "500 milliseconds", FOR_REAL),
                stubborn);

        assertEquals(Outcome.TERMINATED, row.outcome());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), stubborn.awaitFailure());
    }

    /**
     * Over pgjdbc a call is a transaction of many statements, and a runner far from its
     * server leaves its backend idle in that transaction between them: the
     * idle_in_transaction_session_timeout its role has must not end the session there, after
     * a signal and before its audit row.
     */
    @Test
    void theCallersIdleInTransactionTimeoutNeitherEndsTheCallNorLosesItsAudit()
            throws Exception {
        String operator = role("warden_it_safety_idle_op");
        client().grantOperator(caller, operator);
        server.sql().execute("ALTER ROLE " + operator
                + " SET idle_in_transaction_session_timeout = '20ms'");
        Victim idleTx = victim(role("warden_it_safety_idle_victim"), "safety-idle-timeout")
                .idleInTransaction("SELECT 1");
        idleTx.awaitAge("100 milliseconds");
        try (SlowLink link = new SlowLink(server, Duration.ofMillis(60));
                Connection runner = link.connect(operator, PASSWORD, "pgwarden-it-slow")) {
            assertEquals("20ms", idleTimeout(runner));

            List<ActionRow> rows = client().endLongTransactions(runner, "100 milliseconds",
                    "1 second", FOR_REAL);

            assertEquals(Outcome.TERMINATED, rowFor(rows, idleTx).outcome());
            assertEquals(SqlState.ADMIN_SHUTDOWN.code(), idleTx.nextStatementSqlState());
            assertEquals(List.of("terminate/terminated"), audit(idleTx));
            // SET LOCAL: the session's own setting is back after the call.
            assertEquals("20ms", idleTimeout(runner));
        }
    }

    private static String idleTimeout(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SHOW idle_in_transaction_session_timeout")) {
            rs.next();
            return rs.getString(1);
        }
    }
}
