package org.pgwarden;

import java.util.List;

/**
 * What kind of client backend an action targets, and what "still the one selected" means for
 * it when the signal is sent: the same state, and the same start of the query or state whose
 * age was measured.
 */
enum Selection {
    /** Active in a query: measured from query_start. */
    LONG_RUNNING("a.query_start", List.of(States.ACTIVE), ""),
    /** Idle in a transaction, aborted or not: measured from state_change. */
    IDLE_IN_TRANSACTION("a.state_change", States.IDLE_IN_ANY_TRANSACTION, ""),
    /**
     * Idle outside a transaction: measured from state_change. Only a lock root is targeted
     * in this state, holding a session-level advisory lock others wait for, and that as a
     * {@link #LOCK_ROOT}.
     */
    IDLE("a.state_change", List.of(States.IDLE), ""),
    /**
     * In a transaction, whatever its state (end_long_transactions): measured from
     * xact_start, the same target while it is in the same transaction. PostgreSQL clears
     * xact_start when a transaction block fails: 'idle in transaction (aborted)' shows none
     * until ROLLBACK, and then this measures from the start of the statement that failed
     * (query_start, which stays until the next statement), a lower bound of the
     * transaction's age and a key that changes with every statement sent to the failed
     * block. An aborted transaction has released its locks and snapshot: only the connection
     * is held. A failed subtransaction (ROLLBACK TO SAVEPOINT pending) keeps xact_start. An
     * active backend without xact_start (VACUUM between the transactions it runs itself)
     * is never selected. A fast-path function call (the protocol's FunctionCall message,
     * libpq's PQfn) runs in a transaction like a statement and holds its locks and snapshot
     * as one does, but shows 'fastpath function call' and keeps the query_start of the last
     * statement.
     */
    LONG_TRANSACTION("""
        CASE WHEN a.state = '%s'
             THEN coalesce(a.xact_start, a.query_start)
             ELSE a.xact_start END""".formatted(States.IDLE_IN_TRANSACTION_ABORTED),
            List.of(States.ACTIVE, States.FASTPATH, States.IDLE_IN_TRANSACTION,
                    States.IDLE_IN_TRANSACTION_ABORTED), ""),
    /**
     * The root of a lock wait, in whatever state (terminate_blockers): the same target while
     * it is in the same transaction and still blocks some backend. A pool that keeps using a
     * leaked transaction for health checks moves its query_start and state_change, and flips
     * between active and idle in transaction, but keeps the transaction and its locks.
     * Outside a transaction (a session-level advisory lock) xact_start is NULL: then the
     * session itself is the key. An aborted transaction has released its locks and shows
     * no xact_start.
     */
    LOCK_ROOT("coalesce(a.xact_start, a.backend_start)",
            List.of(States.ACTIVE, States.IDLE, States.IDLE_IN_TRANSACTION,
                    States.IDLE_IN_TRANSACTION_ABORTED), """

        AND a.pid IN (SELECT pg_catalog.unnest(pg_catalog.pg_blocking_pids(w.pid))
                      FROM pg_catalog.pg_stat_activity AS w
                      WHERE %s)""".formatted(waitsForLock("w")));

    private final String since;
    private final List<String> states;
    private final String statePredicate;

    /**
     * @param states the states it selects
     * @param more what else the state predicate asks, after its states
     */
    Selection(String since, List<String> states, String more) {
        this.since = since;
        this.states = states;
        this.statePredicate = States.in("a.state", states) + more;
    }

    /** The selection a backend in {@code state} falls under, or null for other states. */
    static Selection forState(String state) {
        if (state == null) {
            return null;
        }
        return switch (state) {
            case States.ACTIVE -> LONG_RUNNING;
            case States.IDLE_IN_TRANSACTION, States.IDLE_IN_TRANSACTION_ABORTED ->
                    IDLE_IN_TRANSACTION;
            case States.IDLE -> IDLE;
            default -> null;
        };
    }

    /**
     * The pg_stat_activity column whose age is compared with the threshold; for
     * {@link #LOCK_ROOT}, the start of the transaction that holds the locks.
     */
    String since() {
        return since;
    }

    /**
     * The state a backend must be in to be selected, and still be in when signalled; for
     * {@link #LOCK_ROOT}, also that it still blocks some backend.
     */
    String statePredicate() {
        return statePredicate;
    }

    /** SQL: {@code column} (a pg_stat_activity.state) is one of the states it selects. */
    String inState(String column) {
        return States.in(column, states);
    }

    /**
     * SQL over pg_stat_activity as {@code a}: the backend is in a state this selects, and has
     * been longer than {@code threshold}, an interval expression ({@code ?::interval} bound to
     * {@link Interval#sql}, or {@link IntervalRule#fixed} of a stored interval): the one test
     * of age that the core's selection and the SQL wrappers' pre-checks share.
     */
    String due(String threshold) {
        return statePredicate + "\nAND " + since + " < pg_catalog.clock_timestamp()\n    - "
                + threshold;
    }

    /** SQL: backend {@code alias} of pg_stat_activity waits for a heavyweight lock. */
    static String waitsForLock(String alias) {
        return alias + ".wait_event_type = 'Lock'";
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
