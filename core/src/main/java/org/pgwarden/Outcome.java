package org.pgwarden;

/**
 * What became of a targeted backend, as reported in the {@code outcome} column. Some
 * outcomes carry a detail (an exemption's note, a prepared transaction's gid, ...) that the
 * column shows in a fixed place: {@link #text} writes it, {@link #ofLabel} and
 * {@link #detailOf} read it back.
 */
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
    EXEMPT("skipped: exempt", "skipped: exempt (%s)"),
    /** What would have been done; nothing was sent. */
    DRY_RUN("dry run"),
    /**
     * A lock root that is a prepared transaction: no process to signal, only ROLLBACK
     * PREPARED or COMMIT PREPARED ends it. Shown with its gid as an SQL literal.
     */
    PREPARED_TRANSACTION("skipped: prepared transaction",
            "skipped: prepared transaction %s, needs ROLLBACK PREPARED or COMMIT PREPARED"),
    /**
     * A lock root whose end would release no waiter: each one behind it also waits for a
     * root that stays. Shown with those roots.
     */
    WAITERS_STAY_BLOCKED("skipped: the waiters stay blocked",
            "skipped: the waiters stay blocked by %s"),
    /** A lock root that is no client backend (autovacuum, a walsender, ...). */
    NOT_CLIENT_BACKEND("skipped: not a client backend", "skipped: not a client backend (%s)"),
    /** A lock root that is the caller's own session. */
    OWN_SESSION("skipped: your own session"),
    /** A lock root in a state no signal is chosen for, or whose state is hidden. */
    UNSIGNALLED_STATE("skipped: state", "skipped: state %s");

    private final String label;
    private final String prefix;
    private final String suffix;

    Outcome(String label) {
        this(label, null);
    }

    /**
     * @param format the column's text, with %s where the detail goes; null for none
     */
    Outcome(String label, String format) {
        this.label = label;
        if (format == null) {
            this.prefix = null;
            this.suffix = null;
        } else {
            int at = format.indexOf("%s");
            this.prefix = format.substring(0, at);
            this.suffix = format.substring(at + 2);
        }
    }

    public String label() {
        return label;
    }

    /** The outcome column: the label, or with a detail, the text that shows it. */
    public String text(String detail) {
        return prefix == null || detail == null ? label : prefix + detail + suffix;
    }

    /** The detail in an outcome column's {@code text}, or null for an outcome without. */
    public String detailOf(String text) {
        return prefix == null || !matches(text) ? null
                : text.substring(prefix.length(), text.length() - suffix.length());
    }

    private boolean matches(String text) {
        return text.length() >= prefix.length() + suffix.length()
                && text.startsWith(prefix) && text.endsWith(suffix);
    }

    /** The constant whose label or text is {@code label}, as a result row shows it. */
    public static Outcome ofLabel(String label) {
        for (Outcome value : values()) {
            if (value.label.equals(label) || value.prefix != null && value.matches(label)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown outcome: \"" + label + "\"");
    }
}
