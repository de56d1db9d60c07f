package org.pgwarden;

import java.util.List;

/**
 * One row of {@code warden.backend_report}: a client backend as pg_stat_activity shows it,
 * its ages measured to clock_timestamp(), its place in lock waits, the exemption that
 * protects it, and what pgwarden would do to it. Columns and order match the SQL type
 * {@code warden.backend_row}.
 *
 * @param xminAge age(backend_xmin): how many transactions old the snapshot it holds is, the
 *     xmin horizon it holds back ({@code warden.horizon_report}); null when it holds none
 * @param blockedBy the pids holding the lock it waits for
 * @param blocking how many backends wait directly for a lock it holds
 * @param exemption the note of the exemption that protects it, or null
 */
public record ReportRow(
        int pid,
        String datname,
        String usename,
        String applicationName,
        String clientAddr,
        String backendType,
        String state,
        String waitEventType,
        String waitEvent,
        String backendStart,
        String backendAge,
        String xactAge,
        Integer xminAge,
        String queryAge,
        String stateAge,
        List<Integer> blockedBy,
        int blocking,
        String exemption,
        String queryPreview,
        String advice) {
}
