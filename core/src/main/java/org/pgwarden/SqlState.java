package org.pgwarden;

import java.sql.SQLException;

/**
 * The SQLSTATE codes pgwarden raises or expects, named in one place.
 */
public enum SqlState {
    /** A parameter has a value the function refuses: NULL, out of range, not an interval. */
    INVALID_PARAMETER_VALUE("22023"),
    /** The audit log cannot be written: the caller's transaction is read-only. */
    READ_ONLY_SQL_TRANSACTION("25006"),
    /** An install finds warden.policy rows its CHECKs would refuse (a kind or mode unknown). */
    CHECK_VIOLATION("23514"),
    /** pgwarden's home in this cluster is another database (Home). */
    OBJECT_NOT_IN_PREREQUISITE_STATE("55000"),
    /** pgwarden's tables are not installed in this database. */
    UNDEFINED_TABLE("42P01"),
    /** The caller may not do this, e.g. EXECUTE on a warden function was not granted. */
    INSUFFICIENT_PRIVILEGE("42501"),
    /** What a victim sees after pg_cancel_backend: its statement was cancelled. */
    QUERY_CANCELED("57014"),
    /** What a victim sees after pg_terminate_backend: its connection was closed. */
    ADMIN_SHUTDOWN("57P01");

    private final String code;

    SqlState(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** Whether {@code e} carries this SQLSTATE. */
    public boolean matches(SQLException e) {
        return e != null && code.equals(e.getSQLState());
    }

    public SQLException exception(String message) {
        return new SQLException(message, code);
    }

    public SQLException exception(String message, Throwable cause) {
        return new SQLException(message, code, cause);
    }

    /** An error raised in the client with a DETAIL, as a server's error has one. */
    SQLException exception(String message, String detail, Throwable cause) {
        return new DetailedException(message, code, detail, cause);
    }
}
