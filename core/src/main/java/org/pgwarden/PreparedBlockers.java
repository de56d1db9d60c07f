package org.pgwarden;

/**
 * SQL that names the prepared transactions lock waiters wait for. pg_blocking_pids reports a
 * prepared transaction as pid 0: it has no process, survives restarts, and ends only with
 * ROLLBACK PREPARED or COMMIT PREPARED. The report advises that, and terminate_blockers
 * reports such a root instead of signalling anything.
 */
final class PreparedBlockers {

    private static final String[] MODES = {"AccessShareLock", "RowShareLock",
        "RowExclusiveLock", "ShareUpdateExclusiveLock", "ShareLock", "ShareRowExclusiveLock",
        "ExclusiveLock", "AccessExclusiveLock"};

    /** Each of {@link #MODES}' conflicts, as indexes into it. */
    private static final int[][] CONFLICTS = {{7}, {6, 7}, {4, 5, 6, 7}, {3, 4, 5, 6, 7},
        {2, 3, 5, 6, 7}, {2, 3, 4, 5, 6, 7}, {1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}};

    private PreparedBlockers() {
    }

    /**
     * A CTE {@code prepared_blockers(waiter, xid, gid, gid_literal, owner, database,
     * prepared)}, after {@link ActivitySql#waits}: for each waiter whose pg_blocking_pids
     * holds 0, the prepared transactions holding a lock that conflicts with the one it waits
     * for. A prepared transaction's locks show in pg_locks without a pid, under a virtual
     * transaction whose form differs between versions and restarts: so they are found
     * through the one that also holds the prepared transaction's own xid lock. pg_locks is
     * read only when some waiter waits for pid 0.
     */
    static String cte() {
        return """
            locks AS MATERIALIZED (
                SELECT l.locktype, l.database, l.relation, l.page, l.tuple, l.virtualxid,
                       l.transactionid, l.classid, l.objid, l.objsubid, l.virtualtransaction,
                       l.pid, l.mode, l.granted
                FROM pg_catalog.pg_locks AS l
            ),
            prepared_blockers AS (
                SELECT w.pid AS waiter, p.xid, p.gid, %s AS gid_literal, p.owner,
                       p.database, p.prepared
                FROM waits AS w
                CROSS JOIN LATERAL (
                    SELECT DISTINCT px.transaction AS xid, px.gid, px.owner, px.database,
                           px.prepared
                    FROM locks AS wl
                    JOIN locks AS hl
                      ON hl.granted AND hl.pid IS NULL
                     AND hl.locktype = wl.locktype
                     AND hl.database IS NOT DISTINCT FROM wl.database
                     AND hl.relation IS NOT DISTINCT FROM wl.relation
                     AND hl.page IS NOT DISTINCT FROM wl.page
                     AND hl.tuple IS NOT DISTINCT FROM wl.tuple
                     AND hl.virtualxid IS NOT DISTINCT FROM wl.virtualxid
                     AND hl.transactionid IS NOT DISTINCT FROM wl.transactionid
                     AND hl.classid IS NOT DISTINCT FROM wl.classid
                     AND hl.objid IS NOT DISTINCT FROM wl.objid
                     AND hl.objsubid IS NOT DISTINCT FROM wl.objsubid
                     AND hl.mode = ANY (%s)
                    JOIN locks AS xl
                      ON xl.locktype = 'transactionid' AND xl.granted AND xl.pid IS NULL
                     AND xl.virtualtransaction = hl.virtualtransaction
                    JOIN pg_catalog.pg_prepared_xacts AS px
                      ON px.transaction = xl.transactionid
                    WHERE wl.pid = w.pid AND NOT wl.granted
                ) AS p
                WHERE 0 = ANY (w.blockers)
            )""".formatted(SqlLiteral.of("p.gid"), conflicting("wl.mode"));
    }

    /**
     * The lock modes that conflict with {@code mode}, as a text[]: PostgreSQL's table of
     * conflicting lock modes, which holds for every lockable object.
     */
    static String conflicting(String mode) {
        StringBuilder sql = new StringBuilder("CASE ").append(mode);
        for (int i = 0; i < MODES.length; i++) {
            sql.append("\n                         WHEN '").append(MODES[i]).append("' THEN '{");
            for (int j = 0; j < CONFLICTS[i].length; j++) {
                sql.append(j == 0 ? "" : ",").append(MODES[CONFLICTS[i][j]]);
            }
            sql.append("}'::text[]");
        }
        return sql.append("\n                     END").toString();
    }
}
