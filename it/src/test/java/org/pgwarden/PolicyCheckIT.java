package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import org.junit.jupiter.api.Test;

/**
 * An install re-adds the CHECKs on warden.policy's kind and mode (generated from PolicyKind
 * and PolicyMode). A row they would refuse, written while the owner had dropped one or by a
 * newer release before a downgrade, fails the install with the rows named, not with
 * PostgreSQL's "is violated by some row".
 */
class PolicyCheckIT {

    private final TestServer server = TestServer.get();

    @Test
    void anInstallOverARowItsCheckRefusesNamesTheRow() throws Exception {
        server.sql().installSchema();
        server.sql().execute("ALTER TABLE warden.policy DROP CONSTRAINT policy_mode_check");
        server.sql().execute("INSERT INTO warden.policy (name, kind, threshold, mode) VALUES"
                + " (E'it_bad\\nDETAIL: forged', 'idle_in_tx', '1 hour', 'Observe')");
        try {
            SQLException e = assertThrows(SQLException.class, server.sql()::installSchema);

            assertEquals(SqlState.CHECK_VIOLATION.code(), e.getSQLState(), e.getMessage());
            assertTrue(e.getMessage().contains("warden.policy has rows whose mode this release"
                    + " does not know: \"it_bad\\nDETAIL: forged\" (mode \"Observe\")"),
                    e.getMessage());
        } finally {
            server.sql().execute("DELETE FROM warden.policy WHERE name LIKE 'it_bad%'");
            server.sql().installSchema();
        }
        assertTrue(server.sql().queryBoolean("SELECT EXISTS (SELECT FROM pg_constraint"
                + " WHERE conname = 'policy_mode_check')"));
    }
}
