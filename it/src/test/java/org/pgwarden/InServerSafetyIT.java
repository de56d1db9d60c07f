package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Escalation.ESCALATE;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The safety rules end to end through the warden SQL functions inside the server, where a
 * call is one statement of the caller's. Skipped, with a line saying so, where PL/Java is
 * not installed.
 */
class InServerSafetyIT extends SafetyScenarios {

    private final SqlClient client = new SqlClient();

    @BeforeAll
    static void installPgwarden() throws Exception {
        Scripts.installInServer(TestServer.get(), "InServerSafetyIT");
    }

    @Override
    protected WardenClient client() {
        return client;
    }

    @Override
    List<String> operatorRefusals() {
        // PL/Java's jar management: an operator needs USAGE on schema sqlj to load
        // pgwarden's classes, and must gain nothing else from it.
        List<String> refusals = new ArrayList<>(super.operatorRefusals());
        refusals.addAll(List.of(
                "SELECT sqlj.install_jar('\\x504b0506'::bytea, 'it_mine', false)",
                "SELECT sqlj.replace_jar('\\x504b0506'::bytea, 'pgwarden', false)",
                "SELECT sqlj.remove_jar('pgwarden', false)",
                "SELECT sqlj.set_classpath('warden', 'it_mine')",
                "SELECT sqlj.add_type_mapping('integer', 'java.lang.Object')"));
        return refusals;
    }

    @Test
    void aStatementTimeoutShorterThanTheWaitsIsRefusedBeforeTheCancel() throws Exception {
        Victim stubborn = victim("safety-short-timeout").start(IGNORES_CANCEL);
        stubborn.awaitAge("100 milliseconds");
        try (Statement st = caller.createStatement()) {
            st.execute("SET statement_timeout = '2s'");
        }

        SQLException e = assertThrows(SQLException.class,
                () -> cancel("50 milliseconds", ESCALATE, "5 seconds", FOR_REAL));

        assertEquals(SqlState.INVALID_PARAMETER_VALUE.code(), e.getSQLState(), e.getMessage());
        assertTrue(e.getMessage().contains(
                "invalid value for parameter \"statement_timeout\": \"2s\""), e.getMessage());
        assertEquals(0, swallowedCancels(stubborn), "a cancel was sent");
        assertTrue(stubborn.stillRunning());
    }

    @Test
    void aStatementTimeoutLongEnoughForTheWaitsLetsTheCallEscalate() throws Exception {
        Victim stubborn = victim("safety-long-timeout").start(IGNORES_CANCEL);
        stubborn.awaitAge("100 milliseconds");
        try (Statement st = caller.createStatement()) {
            st.execute("SET statement_timeout = '30s'");
        }

        ActionRow row = rowFor(cancel("50 milliseconds", ESCALATE, "500 milliseconds", FOR_REAL),
                stubborn);

        assertEquals(Outcome.TERMINATED, row.outcome());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), stubborn.awaitFailure());
    }
}
