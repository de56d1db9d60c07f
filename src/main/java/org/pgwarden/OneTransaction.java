package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Runs a call of the core in one transaction of the caller's connection, as it always is
 * inside the server: its locks (enforce()'s, the audit's, the mark of a call in progress)
 * last until its end, and behind a pooler in transaction mode (pgbouncer) every statement of
 * it reaches the same backend. A transaction it opens has search_path pinned, as the SQL
 * functions pin theirs, so that objects a database owner or any role with CREATE on a schema
 * of the connection's path put there never run in place of pg_catalog's. A caller already in
 * a transaction keeps it, its search_path and the commit.
 */
public final class OneTransaction {

    /** Work on the connection that may fail with an SQLException. */
    public interface Work<T> {
        T run() throws SQLException;
    }

    private static final String PIN_SEARCH_PATH = "SET LOCAL search_path = pg_catalog, pg_temp";

    private OneTransaction() {
    }

    /** Runs {@code work}, in a transaction of its own when the connection is in autocommit. */
    public static <T> T run(Connection conn, Work<T> work) throws SQLException {
        if (!conn.getAutoCommit()) {
            return work.run();
        }
        conn.setAutoCommit(false);
        T result;
        try {
            try (Statement st = conn.createStatement()) {
                st.execute(PIN_SEARCH_PATH);
            }
            result = work.run();
            conn.commit();
        } catch (SQLException | RuntimeException e) {
            // The error that ended the work is the one to show: on a connection the server
            // closed, the rollback and the return to autocommit fail too, with pgjdbc's
            // "This connection has been closed.", which says nothing of why.
            try {
                conn.rollback();
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            try {
                conn.setAutoCommit(true);
            } catch (SQLException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
        conn.setAutoCommit(true);
        return result;
    }
}
