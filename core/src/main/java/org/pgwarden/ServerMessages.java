package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.StringJoiner;

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
    private static final String CURRENT_USER = "SELECT CURRENT_USER::text";
    /*
     * One line per element. RAISE in a DO block makes PostgreSQL add a CONTEXT line (the
     * PL/pgSQL block, and inside PL/Java the whole DO statement) and a STATEMENT line after
     * each LOG line, and only a superuser may turn them off (log_error_verbosity and
     * log_min_error_statement are superuser settings; errhidecontext() is C only). So the
     * lines go through warden.server_log (sql/schema.sql): SECURITY DEFINER, owned by the
     * installing superuser, it sets both for its own duration. Only such a function is
     * trusted, never one a non-superuser could have put in a schema called warden; where
     * it is missing or the caller may not execute it, the DO block raises the lines itself.
     */
    private static final String LOG = """
        DO $$
        DECLARE
            lines text[] := string_to_array(current_setting('pgwarden.message'), E'\\n');
            line text;
        BEGIN
            IF EXISTS (SELECT FROM pg_catalog.pg_proc AS p
                       JOIN pg_catalog.pg_roles AS r ON r.oid = p.proowner
                       WHERE p.oid = pg_catalog.to_regprocedure('warden.server_log(text[])')
                         AND p.prosecdef AND r.rolsuper
                         AND pg_catalog.has_function_privilege(p.oid, 'EXECUTE')) THEN
                PERFORM warden.server_log(lines);
            ELSE
                FOREACH line IN ARRAY lines LOOP
                    RAISE LOG 'pgwarden: %', line;
                END LOOP;
            END IF;
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

    /**
     * Writes each line, prefixed "pgwarden: " and followed by " caller=" and the current
     * user, at LOG level. Every value in a line must have been put there through
     * {@link #quote} or {@link #name}.
     */
    static void log(Connection conn, List<String> lines) throws SQLException {
        if (lines.isEmpty()) {
            return;
        }
        String caller = " caller=" + name(currentUser(conn));
        StringJoiner text = new StringJoiner("\n");
        for (String line : lines) {
            // A safety net, never a reason to lose the record of a signal already sent: a
            // line with a raw control character in it (a value not quoted) is escaped whole.
            text.add((line.codePoints().anyMatch(Escape::escaped) ? Escape.controls(line)
                    : line) + caller);
        }
        run(conn, text.toString(), "00000", "", LOG);
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
            Notices.keep(st);
        }
    }

    private static String currentUser(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery(CURRENT_USER)) {
            rs.next();
            return rs.getString(1);
        }
    }

    /**
     * A value for a log line: double-quoted, with {@link Escape}'s escapes and {@code \"}
     * for a double quote, or NULL. A reader finds where it ends, and no value can hold a
     * line break or a terminal escape.
     */
    static String quote(String value) {
        if (value == null) {
            return "NULL";
        }
        return '"' + Escape.controls(value).replace("\"", "\\\"") + '"';
    }

    /**
     * A role name for a log line: bare when it is only ASCII letters, digits and
     * underscores, as most are ({@code caller=postgres}), else as {@link #quote} writes it;
     * so a name cannot hold a space and pose as the next field.
     */
    static String name(String role) {
        if (role != null && !role.isEmpty() && role.chars().allMatch(c -> c < 0x80
                && (Character.isLetterOrDigit(c) || c == '_'))) {
            return role;
        }
        return quote(role);
    }
}
