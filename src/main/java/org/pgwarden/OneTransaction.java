package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * Runs a call of the core in one transaction of the caller's connection, as it always is
 * inside the server: its locks (enforce()'s, the audit's, the mark of a call in progress)
 * last until its end, and behind a pooler in transaction mode every statement of it reaches
 * the same backend. A caller already in a transaction keeps it and commits it itself.
 */
final class OneTransaction {

    /** Work on the connection that may fail with an SQLException. */
    interface Work<T> {
        T run() throws SQLException;
    }

    private OneTransaction() {
    }

    static <T> T run(Connection conn, Work<T> work) throws SQLException {
        if (!conn.getAutoCommit()) {
            return work.run();
        }
        conn.setAutoCommit(false);
        try {
            T result = work.run();
            conn.commit();
            return result;
        } catch (SQLException | RuntimeException e) {
            try {
                conn.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        } finally {
            conn.setAutoCommit(true);
        }
    }
}
