package org.pgwarden;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * Which sessions a policy targets, in the matching language of {@link SessionMatch}: names
 * compared exactly, {@code *_like} LIKE patterns, {@code member_of} a role, {@code query} a
 * regular expression for the text of the statement the backend runs; NULL matches any.
 *
 * @param usename the session's role, exactly
 * @param usenameLike a LIKE pattern for its role
 * @param applicationName its application_name, exactly
 * @param applicationNameLike a LIKE pattern for its application_name
 * @param datname its database, exactly
 * @param datnameLike a LIKE pattern for its database
 * @param memberOf a role its role must be a member of
 * @param query a POSIX regular expression (the ~ operator) for the text of the statement it
 *     runs (state active)
 */
record Filter(String usename, String usenameLike, String applicationName,
        String applicationNameLike, String datname, String datnameLike, String memberOf,
        String query) {

    /** Matches every session. */
    public static final Filter NONE =
            new Filter(null, null, null, null, null, null, null, null);

    /*
     * The values, bound as parameters, make a one-row relation shaped like a policy row, so
     * that the condition is SessionMatch's own text, the one the report runs on the table.
     */
    private static final String CONDITION = """
        EXISTS (
                SELECT FROM (SELECT ?::text AS usename, ?::text AS usename_like,
                                    ?::text AS application_name,
                                    ?::text AS application_name_like,
                                    ?::text AS datname, ?::text AS datname_like,
                                    ?::name AS member_of, ?::text AS query) AS f
                WHERE %s)""";

    /**
     * The filter of the current row of a result with warden.policy's match columns, read by
     * name: usename, usename_like, application_name, application_name_like, datname,
     * datname_like, member_of, query.
     */
    static Filter read(ResultSet rs) throws SQLException {
        return new Filter(rs.getString("usename"), rs.getString("usename_like"),
                rs.getString("application_name"), rs.getString("application_name_like"),
                rs.getString("datname"), rs.getString("datname_like"),
                rs.getString("member_of"), rs.getString("query"));
    }

    /**
     * The WHERE condition for pg_stat_activity as {@code a}; its parameters are set by
     * {@link #bind}. {@link #NONE} needs none (told by identity: a record's equals is
     * bootstrapped on first use, which a backend's new JVM pays on every scheduled run).
     */
    String condition() {
        return this == NONE ? "true" : CONDITION.formatted(SessionMatch.condition("f", false));
    }

    /** Sets the parameters of {@link #condition} from {@code first} on; returns the next. */
    int bind(PreparedStatement ps, int first) throws SQLException {
        if (this == NONE) {
            return first;
        }
        String[] values = {usename, usenameLike, applicationName, applicationNameLike, datname,
            datnameLike, memberOf, query};
        for (int i = 0; i < values.length; i++) {
            ps.setString(first + i, values[i]);
        }
        return first + values.length;
    }
}
