package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Escalation.CANCEL_ONLY;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

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

    @Test
    void aScheduledRunWithNothingToDoStartsNoJvm() throws Exception {
        assumeMinimumServerVersion(14, "pg_backend_memory_contexts");
        policy("it_roots_later", PolicyKind.BLOCKERS.sql(), "1 hour", CANCEL_ONLY, null);
        policy("it_idle_later", PolicyKind.IDLE_IN_TX.sql(), "1 hour", CANCEL_ONLY, null);
        policy("it_slow_later", PolicyKind.LONG_RUNNING.sql(), "1 hour", CANCEL_ONLY, null);
        Victim idleTx = victim("not-yet-due").idleInTransaction("SELECT 1");

        try (Connection scheduled = server.connect()) {
            assertEquals(List.of(), client.enforce(scheduled, FOR_REAL));
            assertEquals(0, plJavaContexts(scheduled), "enforce() started a JVM for nothing");

            server.sql().execute("UPDATE warden.policy SET threshold = '50 milliseconds'"
                    + " WHERE name = 'it_idle_later'");
            idleTx.awaitAge("100 milliseconds");
            assertEquals(Outcome.TERMINATED,
                    rowFor(client.enforce(scheduled, FOR_REAL), idleTx).outcome());
            assertEquals(1, plJavaContexts(scheduled));
        }
    }

    @Test
    void aStreamingWalsenderStartsNoJvmInAScheduledRun() throws Exception {
        assumeMinimumServerVersion(14, "pg_backend_memory_contexts");
        policy("it_slow_walsender", PolicyKind.LONG_RUNNING.sql(),
                "50 milliseconds", CANCEL_ONLY, null);
        try (Walsender walsender = Walsender.start(server, "jvm-walsender");
                Connection scheduled = server.connect()) {
            // Active since its START_REPLICATION, as long as the standby streams.
            Poll.until("the walsender to be active for 100 ms", Duration.ofSeconds(20),
                    () -> activityCount("pid = " + walsender.pid + " AND state = 'active'"
                            + " AND query_start < clock_timestamp() - interval '100 ms'") == 1);

            assertEquals(List.of(), client.cancelLongRunning(scheduled, "50 milliseconds",
                    CANCEL_ONLY, "5 seconds", FOR_REAL));
            assertEquals(List.of(), client.enforce(scheduled, FOR_REAL));

            assertEquals(0, plJavaContexts(scheduled), "the walsender started a JVM");
            walsender.assertStillStreaming();
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
