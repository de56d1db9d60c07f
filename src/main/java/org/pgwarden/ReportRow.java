package org.pgwarden;

import java.util.List;

/**
 * One row of {@code warden.backend_report}: a client backend as pg_stat_activity shows it,
 * its ages measured to clock_timestamp(), and what pgwarden would do to it. Columns and order
 * match the SQL type {@code warden.backend_row}.
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
        String queryAge,
        String stateAge,
        List<Integer> blockedBy,
        String queryPreview,
        String advice) {

    ReportRow withAdvice(String text) {
        return new ReportRow(pid, datname, usename, applicationName, clientAddr, backendType,
                state, waitEventType, waitEvent, backendStart, backendAge, xactAge, queryAge,
                stateAge, blockedBy, queryPreview, text);
    }
}
