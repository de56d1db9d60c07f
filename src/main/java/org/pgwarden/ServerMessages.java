package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * Lines for the server log and errors for the caller, both raised by the server itself.
 *
 * <p>A log line is written at once and is not undone when the caller's transaction rolls
 * back, so it remains the record of last resort. LOG goes to the server log under the default
 * log_min_messages and not to the client.
 *
 * <p>An error raised in SQL reaches a psql user exactly as written, with its SQLSTATE, both
 * over pgjdbc and inside PL/Java, which rethrows a server error unchanged but would prefix
 * the class name to the message of an SQLException thrown in Java.
 */
final class ServerMessages {

    // SQL has no function that writes a log line or raises an error, and a DO block takes no
    // parameters: the text travels in session settings, so it stays a bound value.
    private static final String SET = """
        SELECT pg_catalog.set_config('pgwarden.message', ?, false),
               pg_catalog.set_config('pgwarden.sqlstate', ?, false)
        """;
    private static final String LOG = """
        DO $$
        BEGIN
            RAISE LOG 'pgwarden: % caller=%', current_setting('pgwarden.message'), current_user;
        END
        $$""";
    private static final String RAISE = """
        DO $$
        BEGIN
            RAISE EXCEPTION USING
                ERRCODE = current_setting('pgwarden.sqlstate'),
                MESSAGE = current_setting('pgwarden.message');
        END
        $$""";

    private ServerMessages() {
    }

    /** Writes {@code line}, prefixed "pgwarden: " and followed by the caller, at LOG level. */
    static void log(Connection conn, String line) throws SQLException {
        run(conn, line, "00000", LOG);
    }

    /** Raises {@code message} as an ERROR with {@code state}; always throws. */
    static SQLException raise(Connection conn, SqlState state, String message)
            throws SQLException {
        run(conn, message, state.code(), RAISE);
        throw new IllegalStateException("the server did not raise: " + message);
    }

    private static void run(Connection conn, String message, String sqlstate, String block)
            throws SQLException {
        try (PreparedStatement set = conn.prepareStatement(SET)) {
            set.setString(1, message);
            set.setString(2, sqlstate);
            // A SELECT runs as its rows are read: inside PL/Java, execute() alone does nothing.
            try (ResultSet rs = set.executeQuery()) {
                rs.next();
            }
        }
        try (Statement st = conn.createStatement()) {
            st.execute(block);
        }
    }

    /** A value for a log line: double-quoted, with backslash escapes, or NULL. */
    static String quote(String value) {
        if (value == null) {
            return "NULL";
        }
        return '"' + value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n")
                + '"';
    }
}
