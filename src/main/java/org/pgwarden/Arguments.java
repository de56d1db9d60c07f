package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Checks the arguments of the SQL-facing functions before anything is read or signalled.
 * Every refusal is SQLSTATE 22023, raised by the server, with a message that names the
 * parameter and its value and a detail that says what it must be.
 */
public final class Arguments {

    /** The longest grace a caller may ask for: a cancel that needs longer is not honoured. */
    public static final Duration MAX_GRACE = Duration.ofMinutes(10);

    // extract(epoch ...) counts a month as 30 days, as interval comparison does.
    private static final String READ_INTERVAL = """
        SELECT v::text, extract(epoch FROM v)::float8
        FROM (SELECT ?::interval AS v) AS arg
        """;

    private Arguments() {
    }

    /** A threshold: not NULL, greater than zero. */
    public static Interval threshold(Connection conn, String name, String value)
            throws SQLException {
        Interval interval = interval(conn, name, value);
        if (interval.duration().isNegative() || interval.duration().isZero()) {
            throw invalid(conn, name, interval.text(), "must be greater than zero");
        }
        return interval;
    }

    /** A grace period: not NULL, not negative, at most {@link #MAX_GRACE}. */
    public static Interval grace(Connection conn, String name, String value)
            throws SQLException {
        Interval interval = interval(conn, name, value);
        if (interval.duration().isNegative()) {
            throw invalid(conn, name, interval.text(), "must not be negative");
        }
        if (interval.duration().compareTo(MAX_GRACE) > 0) {
            throw invalid(conn, name, interval.text(), "must be at most 10 minutes");
        }
        return interval;
    }

    /** A boolean switch that SQL may pass as NULL. */
    public static boolean flag(Connection conn, String name, Boolean value)
            throws SQLException {
        if (value == null) {
            throw invalid(conn, name, null, "must be true or false");
        }
        return value;
    }

    private static Interval interval(Connection conn, String name, String value)
            throws SQLException {
        if (value == null) {
            throw invalid(conn, name, null, "must be an interval");
        }
        try (PreparedStatement ps = conn.prepareStatement(READ_INTERVAL)) {
            ps.setString(1, value);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                double seconds = rs.getDouble(2);
                return new Interval(rs.getString(1), Duration.ofNanos((long) (seconds * 1e9)));
            }
        } catch (SQLException e) {
            // Only a client that passes text can get here (22007, 22015): inside the server
            // the argument is already an interval when the function is called. The failed
            // statement may have aborted the client's transaction, so the error is not
            // raised through the server.
            if (e.getSQLState() != null && e.getSQLState().startsWith("22")) {
                // Laid out as pgjdbc lays out a server's error and its detail.
                throw SqlState.INVALID_PARAMETER_VALUE.exception(message(name, value)
                        + "\n  Detail: " + detail(name, "must be an interval"), e);
            }
            throw e;
        }
    }

    static SQLException invalid(Connection conn, String name, String value, String rule)
            throws SQLException {
        return ServerMessages.raise(conn, SqlState.INVALID_PARAMETER_VALUE,
                message(name, value), detail(name, rule));
    }

    /** The message, in PostgreSQL's words for a bad setting. */
    static String message(String name, String value) {
        String shown = value == null ? "NULL" : '"' + value + '"';
        return "invalid value for parameter \"" + name + "\": " + shown;
    }

    /** The detail: a sentence, as PostgreSQL writes details. */
    static String detail(String name, String rule) {
        return "The value of \"" + name + "\" " + rule + ".";
    }
}
