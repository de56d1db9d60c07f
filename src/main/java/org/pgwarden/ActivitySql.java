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
                WHERE w.wait_event_type = 'Lock'
            )""".formatted(activity);
    }

    /**
     * The note of the first exemption (by name) that matches backend {@code a}, or NULL.
     * Every non-NULL column of the exemption must match.
     */
    static String exemption(boolean tables) {
        if (!tables) {
            return "NULL::text";
        }
        return """
            (SELECT e.note FROM warden.exemption AS e
             WHERE (e.usename IS NULL OR a.usename LIKE e.usename)
               AND (e.application_name IS NULL OR a.application_name LIKE e.application_name)
               AND (e.datname IS NULL OR a.datname LIKE e.datname)
               AND (e.client_addr IS NULL OR a.client_addr <<= e.client_addr)
             ORDER BY e.name
             LIMIT 1)""";
    }
}
