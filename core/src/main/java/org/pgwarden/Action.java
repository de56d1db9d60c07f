package org.pgwarden;

/** The strongest signal sent to a backend, as reported in the {@code action} column. */
public enum Action {
    /** SIGINT through pg_cancel_backend: the query stops, the connection stays. */
    CANCEL("cancel", "pg_cancel_backend"),
    /** SIGTERM through pg_terminate_backend: the connection is closed. */
    TERMINATE("terminate", "pg_terminate_backend"),
    /** Nothing was sent. */
    NONE("none", null);

    private final String label;
    private final String function;

    Action(String label, String function) {
        this.label = label;
        this.function = function;
    }

    public String label() {
        return label;
    }

    /** The constant whose label is {@code label}, as a result row shows it. */
    public static Action ofLabel(String label) {
        for (Action value : values()) {
            if (value.label.equals(label)) {
                return value;
            }
        }
        throw new IllegalArgumentException("unknown action: \"" + label + "\"");
    }

    /** The pg_catalog function that sends this signal. */
    String function() {
        return function;
    }
}
