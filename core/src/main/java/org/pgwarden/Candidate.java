package org.pgwarden;

import java.util.List;
import java.util.Objects;

/**
 * A client backend an action function selected, as pg_stat_activity showed it then.
 *
 * @param pid the backend's process id
 * @param backendStartMicros backend_start, see {@link Selection#micros}
 * @param sinceMicros query_start, state_change or xact_start, whichever the selection
 *     measures
 * @param selection what it was selected as, and so what must still hold when signalled
 * @param usename the session's role
 * @param applicationName its application_name
 * @param datname its database
 * @param clientAddr its client address, NULL for a Unix socket
 * @param backendStart backend_start in the server's text form
 * @param state its state
 * @param age how long it has been in that query or state, measured to clock_timestamp()
 * @param queryPreview the first 100 characters of its query
 * @param signallable whether the caller's role may signal it (pg_signal_backend rules)
 * @param exemption the note of the exemption that protects it, or null
 * @param blockedCount for a lock root, how many backends wait behind it; else null
 * @param waitingPids for a lock root, the pids waiting behind it; else null
 */
record Candidate(
        int pid,
        long backendStartMicros,
        long sinceMicros,
        Selection selection,
        String usename,
        String applicationName,
        String datname,
        String clientAddr,
        String backendStart,
        String state,
        String age,
        String queryPreview,
        boolean signallable,
        String exemption,
        Integer blockedCount,
        List<Integer> waitingPids) {

    /*
     * Written out: the equals and hashCode a record generates are bootstrapped through method
     * handles on their first use, which costs a backend's new JVM some 15 ms, and every
     * scheduled run is a new backend (docs/benchmarks.md, W2).
     */
    @Override
    public boolean equals(Object other) {
        return other instanceof Candidate c && pid == c.pid
                && backendStartMicros == c.backendStartMicros && sinceMicros == c.sinceMicros
                && selection == c.selection && signallable == c.signallable
                && Objects.equals(usename, c.usename)
                && Objects.equals(applicationName, c.applicationName)
                && Objects.equals(datname, c.datname) && Objects.equals(clientAddr, c.clientAddr)
                && Objects.equals(backendStart, c.backendStart) && Objects.equals(state, c.state)
                && Objects.equals(age, c.age) && Objects.equals(queryPreview, c.queryPreview)
                && Objects.equals(exemption, c.exemption)
                && Objects.equals(blockedCount, c.blockedCount)
                && Objects.equals(waitingPids, c.waitingPids);
    }

    @Override
    public int hashCode() {
        return 31 * pid + Long.hashCode(backendStartMicros);
    }

    /** The same backend keyed by another start of what its selection measures. */
    Candidate withSince(long micros) {
        return new Candidate(pid, backendStartMicros, micros, selection, usename,
                applicationName, datname, clientAddr, backendStart, state, age, queryPreview,
                signallable, exemption, blockedCount, waitingPids);
    }

    /** The same backend as seen at another backend_start: what a reused pid looks like. */
    Candidate withBackendStart(long micros) {
        return new Candidate(pid, micros, sinceMicros, selection, usename, applicationName,
                datname, clientAddr, backendStart, state, age, queryPreview, signallable,
                exemption, blockedCount, waitingPids);
    }
}
