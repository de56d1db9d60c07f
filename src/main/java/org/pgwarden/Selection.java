package org.pgwarden;

/**
 * Which client backends an action function targets, and what "still the one selected" means
 * for it when the signal is sent.
 */
public enum Selection {
    /** Active backends whose current query started more than the threshold ago. */
    LONG_RUNNING("a.query_start", "a.state = 'active'"),
    /** Backends idle in a transaction, aborted or not, whose state has not changed since. */
    IDLE_IN_TRANSACTION(
            "a.state_change",
            "a.state IN ('idle in transaction', 'idle in transaction (aborted)')");

    private final String since;
    private final String statePredicate;

    Selection(String since, String statePredicate) {
        this.since = since;
        this.statePredicate = statePredicate;
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
