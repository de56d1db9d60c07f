package org.pgwarden;

/** What became of a targeted backend, as reported in the {@code outcome} column. */
public enum Outcome {
    /** The query stopped within grace after the cancel; the connection stays open. */
    CANCELLED("cancelled"),
    /** The backend exited after pg_terminate_backend. */
    TERMINATED("terminated"),
    /** The last signal sent had not taken effect when the wait for it ended. */
    STILL_RUNNING("still running"),
    /** The backend ended or moved on before it was signalled; nothing was sent. */
    GONE("gone"),
    /** The caller's role may not signal this backend; nothing was sent. */
    NOT_PERMITTED("skipped: not permitted"),
    /** An exemption protects this backend; nothing was sent. Shown with its note. */
    EXEMPT("skipped: exempt"),
    /** What would have been done; nothing was sent. */
    DRY_RUN("dry run");

    private final String label;

    Outcome(String label) {
        this.label = label;
    }

    public String label() {
        return label;
    }

    /** The constant whose label is {@code label}, as a result row shows it. */
    public static Outcome ofLabel(String label) {
        if (label.startsWith(EXEMPT.label + " (")) {
            return EXEMPT;
        }
        for (Outcome value : values()) {
            if (value.label.equals(label)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown outcome: \"" + label + "\"");
    }
}
