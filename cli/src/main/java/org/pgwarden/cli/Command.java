package org.pgwarden.cli;

/** What the runner does: one of pgwarden's functions, run by the core over pgjdbc. */
enum Command {
    /** warden.backend_report. */
    REPORT("report"),
    /** warden.horizon_report. */
    HORIZON("horizon"),
    /** warden.cancel_long_running. */
    CANCEL("cancel"),
    /** warden.reap_idle_in_tx. */
    REAP("reap"),
    /** warden.end_long_transactions. */
    END_TX("end-tx"),
    /** warden.terminate_blockers. */
    BLOCKERS("blockers"),
    /** warden.enforce. */
    ENFORCE("enforce"),
    /** warden.enforce again and again, in one long-lived process (Watch). */
    WATCH("watch");

    /** The commands, as a usage message lists them. */
    static final String LIST =
            "report, horizon, cancel, reap, end-tx, blockers, enforce or watch";

    private final String word;

    Command(String word) {
        this.word = word;
    }

    String word() {
        return word;
    }

    static Command of(String word) throws UsageException {
        for (Command c : values()) {
            if (c.word.equals(word)) {
                return c;
            }
        }
        throw new UsageException("unknown command \"" + word + "\" (expected " + LIST + ")");
    }
}
