package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;

import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The observe mode scenarios end to end through the warden SQL functions inside the server,
 * where the whole call is one statement and its waits count against statement_timeout.
 * Skipped, with a line saying so, where PL/Java is not installed.
 */
class InServerObserveModeIT extends ObserveModeScenarios {

    private final SqlClient client = new SqlClient();

    @BeforeAll
    static void installPgwarden() throws Exception {
        Scripts.installInServer(TestServer.get(), "InServerObserveModeIT");
    }

    @Override
    protected WardenClient client() {
        return client;
    }

    @Test
    void anObservingPolicyAddsNoWaitsToTheStatementTimeoutCheck() throws Exception {
        // Armed, its escalation could wait 10 minutes, which a 3 second timeout refuses.
        policy("it_watch_grace", PolicyKind.LONG_RUNNING.sql(), "observe", "obs-grace");
        server.sql().execute("UPDATE warden.policy SET escalate = true, grace = '10 minutes'"
                + " WHERE name = 'it_watch_grace'");
        Victim slow = victim("obs-grace").start("SELECT pg_sleep(60)");
        slow.awaitAge("100 milliseconds");
        try (Statement st = caller.createStatement()) {
            st.execute("SET statement_timeout = '3s'");
        }

        assertEquals(Outcome.DRY_RUN, rowFor(client.enforce(caller, FOR_REAL), slow).outcome());

        assertTrue(slow.stillRunning());
    }
}
