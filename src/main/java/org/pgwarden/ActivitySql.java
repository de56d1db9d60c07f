package org.pgwarden;

/** SQL fragments that the selection and the report share. */
final class ActivitySql {

    private ActivitySql() {
    }

    /**
     * A CTE {@code waits(pid, blockers, wait_start)}: every backend waiting for a heavyweight
     * lock, the pids it waits for, and since when. pg_blocking_pids takes the lock manager's
     * partition locks, so it is called once per waiter, not per backend. Before PostgreSQL 14
     * there is no pg_locks.waitstart; the query's start is the earliest the wait can have
     * begun.
     */
    static String waits(Installation installation) {
        String waitStart = installation.hasWaitStart()
                ? "(SELECT min(l.waitstart) FROM pg_catalog.pg_locks AS l"
                        + " WHERE l.pid = w.pid AND NOT l.granted)"
                : "w.query_start";
        return """
            waits AS (
                SELECT w.pid, pg_catalog.pg_blocking_pids(w.pid) AS blockers,
                       %s AS wait_start
                FROM pg_catalog.pg_stat_activity AS w
                WHERE w.wait_event_type = 'Lock'
            )""".formatted(waitStart);
    }

    /** How many backends wait directly for a lock {@code a} holds. */
    static final String BLOCKING =
            "(SELECT count(*) FROM waits WHERE a.pid = ANY (waits.blockers))::integer";

    /**
     * The note of the first exemption (by name) that matches backend {@code a}, or NULL.
     * Every non-NULL column of the exemption must match.
     */
    static String exemption(Installation installation) {
        if (!installation.tables()) {
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
