package org.pgwarden;

/**
 * A client backend an action function selected, as pg_stat_activity showed it then.
 *
 * @param pid the backend's process id
 * @param backendStartMicros backend_start, see {@link Selection#micros}
 * @param sinceMicros query_start or state_change, whichever the selection measures
 * @param usename the session's role
 * @param applicationName its application_name
 * @param datname its database
 * @param clientAddr its client address, NULL for a Unix socket
 * @param backendStart backend_start in the server's text form
 * @param state its state
 * @param age how long it has been in that query or state, measured to clock_timestamp()
 * @param queryPreview the first 100 characters of its query
 * @param signallable whether the caller's role may signal it (pg_signal_backend rules)
 */
public record Candidate(
        int pid,
        long backendStartMicros,
        long sinceMicros,
        String usename,
        String applicationName,
        String datname,
        String clientAddr,
        String backendStart,
        String state,
        String age,
        String queryPreview,
        boolean signallable) {
}
