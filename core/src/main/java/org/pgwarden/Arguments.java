package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Checks the arguments of the SQL-facing functions, and the policy rows enforce() applies,
 * before anything is read or signalled. Every refusal is SQLSTATE 22023, raised by the
 * server, with a message that names the parameter and its value and a detail that says what
 * it must be. Intervals are read by {@link IntervalRule}, the same text the policy table's
 * trigger runs.
 */
final class Arguments {

    private Arguments() {
    }

    /** A threshold or min_wait, read by {@link IntervalRule}: greater than zero. */
    public static Interval threshold(Connection conn, String name, String value)
            throws SQLException {
        return interval(conn, name, value, IntervalRule.Use.THRESHOLD);
    }

    /** A grace period, read by {@link IntervalRule}: not negative, at most 10 minutes. */
    public static Interval grace(Connection conn, String name, String value)
            throws SQLException {
        return interval(conn, name, value, IntervalRule.Use.GRACE);
    }

    /**
     * A policy row's interval column ({@code threshold} or {@code grace}), read by the same
     * rule as the function arguments; a refusal names the column and the policy.
     */
    static Interval policyInterval(Connection conn, String policy, String column, String value,
            IntervalRule.Use use) throws SQLException {
        return interval(conn, "column \"" + column + "\" of policy \"" + policy + '"', column,
                value, use);
    }

    /** A boolean switch that SQL may pass as NULL. */
    public static boolean flag(Connection conn, String name, Boolean value)
            throws SQLException {
        if (value == null) {
            throw invalid(conn, name, null, "must be true or false");
        }
        return value;
    }

    private static Interval interval(Connection conn, String name, String value,
            IntervalRule.Use use) throws SQLException {
        return interval(conn, "parameter \"" + name + '"', name, value, use);
    }

    /**
     * @param subject what the message names: {@code parameter "threshold"}, or a policy's
     *     column
     */
    private static Interval interval(Connection conn, String subject, String name, String value,
            IntervalRule.Use use) throws SQLException {
        if (value == null) {
            throw invalid(conn, subject, name, null, "must be an interval");
        }
        String text;
        long micros;
        String problem;
        try (PreparedStatement ps = conn.prepareStatement(IntervalRule.READ)) {
            ps.setString(1, value);
            ps.setString(2, use.name().toLowerCase(java.util.Locale.ROOT));
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                text = rs.getString(1);
                micros = rs.getLong(2);
                problem = rs.getString(3);
            }
        } catch (SQLException e) {
            // Only a client that passes text can get here (22007, 22015): inside the server
            // the argument is already an interval when the function is called. The failed
            // statement may have aborted the client's transaction, so the error is not
            // raised through the server.
            if (e.getSQLState() != null && e.getSQLState().startsWith("22")) {
                throw SqlState.INVALID_PARAMETER_VALUE.exception(messageFor(subject, value),
                        detail(name, "must be an interval"), e);
            }
            throw e;
        }
        if (problem != null) {
            throw invalid(conn, subject, name, text, problem);
        }
        return new Interval(text, Duration.ofNanos(micros * 1000));
    }

    static SQLException invalid(Connection conn, String name, String value, String rule)
            throws SQLException {
        return invalid(conn, "parameter \"" + name + '"', name, value, rule);
    }

    private static SQLException invalid(Connection conn, String subject, String name,
            String value, String rule) throws SQLException {
        return ServerMessages.raise(conn, SqlState.INVALID_PARAMETER_VALUE,
                messageFor(subject, value), detail(name, rule));
    }

    /** The message, in PostgreSQL's words for a bad setting. */
    static String message(String name, String value) {
        return messageFor("parameter \"" + name + '"', value);
    }

    private static String messageFor(String subject, String value) {
        String shown = value == null ? "NULL" : '"' + value + '"';
        return "invalid value for " + subject + ": " + shown;
    }

    /** The detail: a sentence, as PostgreSQL writes details. */
    static String detail(String name, String rule) {
        return "The value of \"" + name + "\" " + rule + ".";
    }
}
