package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;

/**
 * Lines for the server log, notices and errors for the caller, all raised by the server.
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
    // parameters: the text travels in settings, so it stays a bound value. Inside a
    // transaction (always, inside the server) they are local to it and vanish with it.
    private static final String SET = """
        SELECT pg_catalog.set_config('pgwarden.message', ?, ?),
               pg_catalog.set_config('pgwarden.sqlstate', ?, ?),
               pg_catalog.set_config('pgwarden.detail', ?, ?)
        """;
    // One line per element: the quoting of values in a line escapes newlines.
    private static final String LOG = """
        DO $$
        DECLARE
            line text;
        BEGIN
            FOREACH line IN ARRAY
                    string_to_array(current_setting('pgwarden.message'), E'\\n') LOOP
                RAISE LOG 'pgwarden: % caller=%', line, current_user;
            END LOOP;
        END
        $$""";
    private static final String NOTICE = """
        DO $$
        BEGIN
            RAISE NOTICE '%', current_setting('pgwarden.message');
        END
        $$""";
    private static final String RAISE = """
        DO $$
        BEGIN
            RAISE EXCEPTION USING
                ERRCODE = current_setting('pgwarden.sqlstate'),
                MESSAGE = current_setting('pgwarden.message'),
                DETAIL = current_setting('pgwarden.detail');
        END
        $$""";

    private ServerMessages() {
    }

    /** Writes each line, prefixed "pgwarden: " and followed by the caller, at LOG level. */
    static void log(Connection conn, List<String> lines) throws SQLException {
        if (!lines.isEmpty()) {
            run(conn, String.join("\n", lines), "00000", "", LOG);
        }
    }

    /** Sends {@code message} to the caller as a NOTICE. */
    static void notice(Connection conn, String message) throws SQLException {
        run(conn, message, "00000", "", NOTICE);
    }

    /** Raises an ERROR with {@code state}, {@code message} and {@code detail}; throws. */
    static SQLException raise(Connection conn, SqlState state, String message, String detail)
            throws SQLException {
        run(conn, message, state.code(), detail, RAISE);
        throw new IllegalStateException("the server did not raise: " + message);
    }

    private static void run(Connection conn, String message, String sqlstate, String detail,
            String block) throws SQLException {
        boolean local = !conn.getAutoCommit();
        try (PreparedStatement set = conn.prepareStatement(SET)) {
            set.setString(1, message);
            set.setBoolean(2, local);
            set.setString(3, sqlstate);
            set.setBoolean(4, local);
            set.setString(5, detail);
            set.setBoolean(6, local);
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
