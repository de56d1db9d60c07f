package org.pgwarden;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * warden.policy.mode: whether a policy signals. The CHECK on the column is generated from
 * this (GeneratedSql).
 */
enum PolicyMode {
    /** Signal. */
    ENFORCE("enforce"),
    /** Signal nothing: the would-be actions are dry-run rows that the audit log records. */
    OBSERVE("observe");

    private final String sql;

    PolicyMode(String sql) {
        this.sql = sql;
    }

    /** Its name in warden.policy.mode. */
    String sql() {
        return sql;
    }

    /** {@link #sql} as a SQL literal. */
    String literal() {
        return "'" + sql + "'";
    }

    /** The mode named {@code sql}, or null for one this release lacks (or NULL). */
    static PolicyMode fromSql(String sql) {
        for (PolicyMode mode : values()) {
            if (mode.sql.equals(sql)) {
                return mode;
            }
        }
        return null;
    }

    /** Every mode's literal, for an IN list. */
    static String literals() {
        return Arrays.stream(values()).map(PolicyMode::literal)
                .collect(Collectors.joining(", "));
    }

    /** Whether a policy in this mode signals nothing. */
    boolean observes() {
        return switch (this) {
            case ENFORCE -> false;
            case OBSERVE -> true;
        };
    }
}
