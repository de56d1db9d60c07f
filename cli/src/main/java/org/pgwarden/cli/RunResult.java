package org.pgwarden.cli;

/** How one of watch's runs ended: the result of its log line and of pgwarden_runs_total. */
enum RunResult {
    /** enforce ran; its rows say what it did. */
    OK("ok"),
    /** Another enforce run (pg_cron's, another runner's) held the lock: this one did nothing. */
    SKIPPED("skipped"),
    /** The server raised an error: the run's transaction, and its audit rows, rolled back. */
    FAILED("failed"),
    /** The connection broke during the run; signals sent before are in the server log. */
    CONNECTION_LOST("connection_lost"),
    /**
     * Nothing was read or signalled: there was no connection when the run was due, or the
     * run before was still going (its message says which).
     */
    MISSED("missed"),
    /**
     * A stop was asked for and the run was still going past the stop timeout: the process
     * exited under it, and the server rolls its transaction and audit rows back.
     */
    INTERRUPTED("interrupted");

    private final String label;

    RunResult(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }
}
