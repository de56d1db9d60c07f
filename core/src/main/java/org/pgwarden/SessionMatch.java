package org.pgwarden;

/**
 * The matching language of warden.exemption and warden.policy, written once: the exemption
 * that selection checks, the policy filters enforce() applies and the report's exemption
 * and advice all use this text, so that the report and the functions cannot disagree about
 * which sessions a row covers.
 *
 * <p>A row matches a session when every one of its non-NULL match columns matches:
 * {@code usename}, {@code application_name} and {@code datname} are names compared with =,
 * so a name protects exactly that name whatever characters it holds; {@code usename_like},
 * {@code application_name_like} and {@code datname_like} are LIKE patterns (% any text, _
 * any character, a backslash makes the next character literal); {@code member_of} matches
 * a session whose role is a member of that role, directly or through other roles, as
 * pg_has_role(..., 'MEMBER') says (which counts a superuser as a member of every role);
 * a role that does not exist has no members, so it matches nothing; {@code query} is a POSIX
 * regular expression (the ~ operator, PostgreSQL's advanced flavour; {@code (?i)} at its start
 * ignores case) that must find a match in the text of the statement the backend runs:
 * pg_stat_activity.query in state 'active' only, the whole string the client sent (every
 * statement of a multi-statement string), cut at track_activity_query_size bytes. A text that
 * {@code warden.concurrent_index_builds()} matches counts only while PostgreSQL reports that
 * build (pg_stat_progress_create_index). Exemptions also have {@code client_addr}, a network
 * that must hold the client's address.
 *
 * <p>The session is {@code a}, with pg_stat_activity's pid, usename, application_name,
 * datname, usesysid, client_addr, state and query; where the report matches one group of
 * backends at once, pid is the backend's own when it runs a concurrent index build
 * ({@link #concurrentBuild}), else NULL. A query pattern needs warden's schema.sql
 * (the function it calls), as the rows it reads do.
 */
final class SessionMatch {

    /*
     * usename is name and the columns text: name = text compares bytes under the
     * deterministic collations a role or database name has, as LIKE without metacharacters
     * does, which is what lets an upgrade keep such values where they were.
     */
    private static final String NAMES = """
        (%1$s.usename IS NULL OR a.usename = %1$s.usename)
                   AND (%1$s.usename_like IS NULL OR a.usename LIKE %1$s.usename_like)
                   AND (%1$s.application_name IS NULL
                        OR a.application_name = %1$s.application_name)
                   AND (%1$s.application_name_like IS NULL
                        OR a.application_name LIKE %1$s.application_name_like)
                   AND (%1$s.datname IS NULL OR a.datname = %1$s.datname)
                   AND (%1$s.datname_like IS NULL OR a.datname LIKE %1$s.datname_like)
                   AND (%1$s.member_of IS NULL OR EXISTS (
                        SELECT FROM pg_catalog.pg_roles AS m
                        WHERE m.rolname = %1$s.member_of
                          AND pg_catalog.pg_has_role(a.usesysid, m.oid, 'MEMBER')))
                   AND (%1$s.query IS NULL
                        OR a.state = %3$s AND a.query ~ %1$s.query
                           AND (a.query !~ warden.concurrent_index_builds() OR %2$s))""";

    /*
     * A pattern reads the statement the backend runs. PostgreSQL keeps an idle session's
     * last text, which it no longer runs: in a transaction block a client can leave any
     * text there, a statement that failed inside a savepoint or a Parse message it then
     * syncs, while it keeps its locks and snapshot ('fastpath function call' runs no text
     * at all). A Parse message it never syncs shows as 'active' with that text: so a text
     * that looks like a concurrent index build counts only while the server reports the
     * build, from its start (the table's lock taken) to its last phase, the span in which
     * a cancel leaves an invalid index behind. The progress view shows its command to whom
     * pg_stat_activity shows the text: the backend's own role, its members, and
     * pg_read_all_stats (warden_operator).
     */
    private static final String CONCURRENT_BUILD = """
        EXISTS (SELECT FROM pg_catalog.pg_stat_progress_create_index AS c
                                WHERE c.pid = %s
                                  AND c.command IN ('CREATE INDEX CONCURRENTLY',
                                                    'REINDEX CONCURRENTLY'))""";

    private static final String CLIENT_ADDR = """

                   AND (%1$s.client_addr IS NULL OR a.client_addr <<= %1$s.client_addr)""";

    /*
     * application_name, the database and the query text are whatever the client sends; the
     * role is authenticated and the address comes from the connection.
     */
    private static final String CLIENT_CHOSEN = """
        (%1$s.usename IS NULL AND %1$s.usename_like IS NULL AND %1$s.member_of IS NULL
                    AND %1$s.client_addr IS NULL)""";

    private static final String MARKER = """
        CASE WHEN %1$s
                    THEN '; ' || pg_catalog.concat_ws(' and ',
                        CASE WHEN %2$s.application_name IS NOT NULL
                                  OR %2$s.application_name_like IS NOT NULL
                            THEN 'application_name' END,
                        CASE WHEN %2$s.datname IS NOT NULL OR %2$s.datname_like IS NOT NULL
                            THEN 'datname' END,
                        CASE WHEN %2$s.query IS NOT NULL THEN 'query' END)
                        || ' chosen by the client'
                    ELSE '' END""";

    private SessionMatch() {
    }

    /**
     * The condition that session {@code a} matches the exemption or policy row {@code row};
     * with {@code clientAddr}, the row's client_addr too (exemptions only).
     */
    static String condition(String row, boolean clientAddr) {
        return (NAMES + (clientAddr ? CLIENT_ADDR : "")).formatted(row,
                concurrentBuild("a.pid"), States.literal(States.ACTIVE));
    }

    /**
     * The condition that backend {@code pid} (an integer expression) runs a concurrent index
     * build that PostgreSQL reports: CREATE INDEX CONCURRENTLY or REINDEX CONCURRENTLY past
     * the wait for its table's lock. Works without warden's tables.
     */
    static String concurrentBuild(String pid) {
        return CONCURRENT_BUILD.formatted(pid);
    }

    /**
     * Whether exemption {@code row} matches only on what the client chose (application_name,
     * datname, query): any client may then claim it.
     */
    static String clientChosen(String row) {
        return CLIENT_CHOSEN.formatted(row);
    }

    /**
     * How an exemption is shown, in the report and in an exempt action's outcome: its note,
     * and when it matches only on what the client chose, which, e.g.
     * {@code backup: pg_dump; application_name chosen by the client}.
     */
    static String shown(String row) {
        return row + ".note || " + MARKER.formatted(clientChosen(row), row);
    }
}
