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
 *
 * <p>Over pgjdbc the transaction is many statements, with the client's round trips between
 * them, each a moment idle in transaction for the server: an
 * idle_in_transaction_session_timeout the caller's session has (PGOPTIONS, ALTER ROLE or
 * DATABASE ... SET, postgresql.conf) would end the session there, after signals and before
 * their audit rows are written and committed. So a transaction it opens turns that timeout
 * off for itself (SET LOCAL: the setting is back at the commit, and any role may change it)
 * before any work. Inside the server the call is one statement and never idle; there the
 * caller's transaction is kept as it is. idle_session_timeout (PostgreSQL 14) applies only
 * outside a transaction, between calls, when everything is committed.
 */
public final class OneTransaction {

    /** Work on the connection that may fail with an SQLException. */
    public interface Work<T> {
        T run() throws SQLException;
    }

    private static final String PIN_SEARCH_PATH = "SET LOCAL search_path = pg_catalog, pg_temp";
    private static final String NO_IDLE_TIMEOUT =
            "SET LOCAL idle_in_transaction_session_timeout = 0";

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
                // The first statement goes with pgjdbc's BEGIN, before the session is ever
                // idle in this transaction.
                st.execute(NO_IDLE_TIMEOUT);
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
