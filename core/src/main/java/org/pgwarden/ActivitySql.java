package org.pgwarden;

/** SQL fragments that the selection and the report share. */
final class ActivitySql {

    private ActivitySql() {
    }

    /**
     * A CTE {@code waits(pid, blockers, wait_start)}: every backend waiting for a heavyweight
     * lock, the pids it waits for, and since when. pg_blocking_pids takes the lock manager's
     * partition locks, so it is called once per waiter, not per backend. pg_locks.waitstart
     * exists from PostgreSQL 14 on (read through to_jsonb so that one text serves every
     * version); before, the query's start is the earliest the wait can have begun. On 14 and
     * later a wait that has just begun may not show its start yet: then wait_start is NULL,
     * and no threshold counts it as due.
     *
     * @param activity pg_stat_activity, or a CTE with its pid, wait_event_type and
     *     query_start columns
     */
    static String waits(String activity) {
        return """
            waits AS (
                SELECT w.pid, pg_catalog.pg_blocking_pids(w.pid) AS blockers,
                       CASE WHEN pg_catalog.current_setting('server_version_num')::integer
                                 >= 140000
                           THEN (SELECT min((pg_catalog.to_jsonb(l) ->> 'waitstart')
                                                ::timestamptz)
                                 FROM pg_catalog.pg_locks AS l
                                 WHERE l.pid = w.pid AND NOT l.granted)
                           ELSE w.query_start
                       END AS wait_start
                FROM %s AS w
                WHERE %s
            )""".formatted(activity, Selection.waitsForLock("w"));
    }

    /**
     * How the exemption that protects backend {@code a} is shown ({@link SessionMatch#shown}),
     * or NULL. Of several that match, one that does not rest on what the client chose comes
     * first, then the first by name: the marker then says that nothing but the client's own
     * choice protects the session.
     */
    static String exemption(boolean tables) {
        if (!tables) {
            return "NULL::text";
        }
        return """
            (SELECT %s FROM warden.exemption AS e
             WHERE %s
             ORDER BY %s, e.name
             LIMIT 1)""".formatted(SessionMatch.shown("e"), SessionMatch.condition("e", true),
                SessionMatch.clientChosen("e"));
    }
}
