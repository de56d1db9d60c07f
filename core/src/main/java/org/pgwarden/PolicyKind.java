package org.pgwarden;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * The kinds of warden.policy, in the order enforce() applies them: blockers first, since
 * resolving a root may end the waits the other kinds would act on; long_transaction last, so
 * that a backend both a state's kind and it select is left to the policy of its state, the
 * DBA's narrower choice (long_running may only cancel), and it takes what those leave,
 * transactions no state's age shows (a pool's leaked one). Every use is a {@code switch}
 * without a default: a new kind does not compile until each place handles it. The CHECK on
 * warden.policy.kind and the SQL pre-checks are generated from this (GeneratedSql).
 */
enum PolicyKind {
    /** terminate_blockers: the roots of lock waits longer than the threshold. */
    BLOCKERS("blockers"),
    /** reap_idle_in_tx. */
    IDLE_IN_TX("idle_in_tx"),
    /** cancel_long_running. */
    LONG_RUNNING("long_running"),
    /** end_long_transactions. */
    LONG_TRANSACTION("long_transaction");

    private final String sql;

    PolicyKind(String sql) {
        this.sql = sql;
    }

    /** Its name in warden.policy.kind. */
    String sql() {
        return sql;
    }

    /** {@link #sql} as a SQL literal. */
    String literal() {
        return "'" + sql + "'";
    }

    /** The kind named {@code sql} in warden.policy.kind, or null for one this release lacks. */
    static PolicyKind fromSql(String sql) {
        for (PolicyKind kind : values()) {
            if (kind.sql.equals(sql)) {
                return kind;
            }
        }
        return null;
    }

    /** Every kind's literal, in order, for an IN list: {@code 'blockers', 'idle_in_tx', ...}. */
    static String literals() {
        return Arrays.stream(values()).map(PolicyKind::literal)
                .collect(Collectors.joining(", "));
    }

    /** Every kind's name, for a message: {@code blockers, idle_in_tx, ... and long_transaction}. */
    static String names() {
        String all = Arrays.stream(values()).map(PolicyKind::sql)
                .collect(Collectors.joining(", "));
        int last = all.lastIndexOf(", ");
        return all.substring(0, last) + " and " + all.substring(last + 2);
    }

    /** SQL over a kind {@code column}: its place in the order enforce() applies the kinds. */
    static String order(String column) {
        StringBuilder sql = new StringBuilder("CASE ").append(column);
        for (PolicyKind kind : values()) {
            sql.append(" WHEN ").append(kind.literal()).append(" THEN ").append(kind.ordinal());
        }
        return sql.append(" ELSE ").append(values().length).append(" END").toString();
    }

    /** The backends a policy of this kind selects. */
    Selection selection() {
        return switch (this) {
            case BLOCKERS -> Selection.LOCK_ROOT;
            case IDLE_IN_TX -> Selection.IDLE_IN_TRANSACTION;
            case LONG_RUNNING -> Selection.LONG_RUNNING;
            case LONG_TRANSACTION -> Selection.LONG_TRANSACTION;
        };
    }

    /**
     * SQL over pg_stat_activity as {@code a}: whether a policy of this kind with
     * {@code threshold} (an interval expression IntervalRule accepts) could select backend a.
     * Wider than the core's selection, never narrower: it ignores filters, exemptions,
     * privileges and other pgwarden calls, and for blockers asks only whether a backend waits
     * for a lock (the roots are found from those waits). The others ask about client backends
     * other than the caller's, whose state is the selection's and has lasted longer than
     * threshold, read as the fixed length IntervalRule gives it.
     */
    String couldSelect(String threshold) {
        return switch (this) {
            case BLOCKERS -> Selection.waitsForLock("a");
            case IDLE_IN_TX, LONG_RUNNING, LONG_TRANSACTION ->
                    "a.backend_type = 'client backend'\n  AND "
                            + selection().due(IntervalRule.fixed(threshold)).replace("\n",
                                    "\n  ")
                            + "\n  AND a.pid <> pg_catalog.pg_backend_pid()";
        };
    }
}
