package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** OneTransaction on a real server whose backend goes away under the work. */
class OneTransactionIT {

    private final TestServer server = TestServer.get();

    @Test
    void theErrorOfTheWorkIsThrownWhenItsBackendIsTerminated() throws Exception {
        try (Connection conn = server.connect()) {
            int pid = ScenarioBase.pidOf(conn);

            SQLException thrown = assertThrows(SQLException.class,
                    () -> OneTransaction.run(conn, () -> {
                        Victims.terminate(server, List.of(pid));
                        Poll.until("pid " + pid + " to exit", Duration.ofSeconds(20),
                                () -> server.sql().queryBoolean("SELECT NOT EXISTS (SELECT FROM"
                                        + " pg_stat_activity WHERE pid = " + pid + ")"));
                        try (Statement st = conn.createStatement()) {
                            st.execute("SELECT 1");
                        }
                        return null;
                    }));

            // Not "This connection has been closed." from the rollback after it: that says
            // nothing of why.
            assertEquals(SqlState.ADMIN_SHUTDOWN.code(), thrown.getSQLState(), thrown.toString());
            assertTrue(thrown.getSuppressed().length > 0, "the rollback's failure is lost");
        }
    }
}
