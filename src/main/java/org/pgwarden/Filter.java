package org.pgwarden;

/**
 * LIKE patterns a policy puts on the sessions it targets; NULL matches any.
 *
 * @param usename pattern for pg_stat_activity.usename
 * @param applicationName pattern for application_name
 * @param datname pattern for datname
 */
public record Filter(String usename, String applicationName, String datname) {

    /** Matches every session. */
    public static final Filter NONE = new Filter(null, null, null);

    /** The WHERE condition, with three pairs of parameters, for pg_stat_activity as a. */
    static final String CONDITION = """
        (?::text IS NULL OR a.usename LIKE ?)
        AND (?::text IS NULL OR a.application_name LIKE ?)
        AND (?::text IS NULL OR a.datname LIKE ?)""";
}
