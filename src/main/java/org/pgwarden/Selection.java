package org.pgwarden;

/**
 * What kind of client backend an action targets, and what "still the one selected" means for
 * it when the signal is sent: the same state, and the same start of the query or state whose
 * age was measured.
 */
public enum Selection {
    /** Active in a query: measured from query_start. */
    LONG_RUNNING("a.query_start", "a.state = 'active'"),
    /** Idle in a transaction, aborted or not: measured from state_change. */
    IDLE_IN_TRANSACTION(
            "a.state_change",
            "a.state IN ('idle in transaction', 'idle in transaction (aborted)')"),
    /**
     * Idle outside a transaction: measured from state_change. Only a lock root can be
     * targeted so, holding a session-level advisory lock that others wait for.
     */
    IDLE("a.state_change", "a.state = 'idle'");

    private final String since;
    private final String statePredicate;

    Selection(String since, String statePredicate) {
        this.since = since;
        this.statePredicate = statePredicate;
    }

    /** The selection a backend in {@code state} falls under, or null for other states. */
    static Selection forState(String state) {
        if (state == null) {
            return null;
        }
        return switch (state) {
            case "active" -> LONG_RUNNING;
            case "idle in transaction", "idle in transaction (aborted)" -> IDLE_IN_TRANSACTION;
            case "idle" -> IDLE;
            default -> null;
        };
    }

    /** The pg_stat_activity column whose age is compared with the threshold. */
    String since() {
        return since;
    }

    /** The state a backend must be in to be selected, and still be in when signalled. */
    String statePredicate() {
        return statePredicate;
    }

    /**
     * A timestamptz column as whole microseconds since the epoch: an exact, DateStyle- and
     * TimeZone-independent key that survives a round trip through Java on every supported
     * version (extract returns float8 before PostgreSQL 14, exact to well under 1 µs here).
     */
    static String micros(String column) {
        return "(extract(epoch FROM " + column + ") * 1000000)::bigint";
    }
}
