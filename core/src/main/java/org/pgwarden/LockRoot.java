package org.pgwarden;

/**
 * A root of lock waits as {@link Candidates#lockRoots} found it: what holds a lock some
 * backend waits for, directly or through other waiters, while waiting for none itself.
 *
 * @param candidate the backend, with blockedCount and waitingPids; for a prepared
 *     transaction pid 0, state 'prepared', its owner as usename, its database as datname
 *     and its age since PREPARE TRANSACTION
 * @param node its key among the roots: the pid, minus the xid for a prepared transaction,
 *     0 for one that could not be told (it committed or rolled back as it was read)
 * @param backendType pg_stat_activity's backend_type; null for a prepared transaction
 * @param gidLiteral a prepared transaction's gid as an SQL literal; else null
 * @param due whether some backend behind it has waited longer than min_wait
 * @param matched whether it matches the policy's filter (always, outside enforce)
 * @param own whether it is the caller's own session
 */
record LockRoot(Candidate candidate, long node, String backendType, String gidLiteral,
        boolean due, boolean matched, boolean own) {

    static final String CLIENT_BACKEND = "client backend";
    static final String PREPARED = "prepared";

    boolean prepared() {
        return PREPARED.equals(candidate.state()) && backendType == null;
    }

    int pid() {
        return candidate.pid();
    }
}
