package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The lock that keeps two enforce() runs from acting at once, held for the rest of the
 * caller's transaction (so an error that aborts it releases the lock too).
 *
 * <p>On a primary: the one row of warden.enforce_lock, locked FOR UPDATE SKIP LOCKED, which
 * returns no row rather than an error when another run holds it (an error would abort the
 * caller's transaction, and PL/Java's savepoints do not mix with the SQL function around the
 * call). Not an advisory lock, which any role may take with no privilege at all and so stop
 * every scheduled run: locking the row needs UPDATE on the table, which only warden_operator
 * has, and a plain SELECT (pg_dump's) does not conflict with it. A hot standby can lock no
 * row, so there the advisory lock remains.
 */
final class EnforceLock {

    // pg_advisory locks with two int4 keys: "pgwd" and 1 for enforce.
    static final int KEY_CLASS = 0x70677764;
    static final int KEY_ENFORCE = 1;

    private static final String LOCK_ROW =
            "SELECT true FROM warden.enforce_lock FOR UPDATE SKIP LOCKED";
    // The row's locker is the transaction in its xmax, held by the locking backend.
    private static final String ROW_HOLDER = """
        SELECT l.pid FROM warden.enforce_lock AS e
        JOIN pg_catalog.pg_locks AS l
          ON l.locktype = 'transactionid' AND l.transactionid = e.xmax
         AND l.mode = 'ExclusiveLock' AND l.granted
        WHERE l.pid <> pg_catalog.pg_backend_pid()
        LIMIT 1
        """;
    private static final String TRY_ADVISORY =
            "SELECT pg_catalog.pg_try_advisory_xact_lock(?, ?)";
    private static final String ADVISORY_HOLDER = """
        SELECT pid FROM pg_catalog.pg_locks
        WHERE locktype = 'advisory' AND classid::bigint = ? AND objid::bigint = ?
          AND objsubid = 2 AND granted AND pid <> pg_catalog.pg_backend_pid()
        LIMIT 1
        """;

    private EnforceLock() {
    }

    /** Takes the lock in the caller's transaction, or returns false if another run holds it. */
    static boolean tryAcquire(Connection conn, Installation installation)
            throws SQLException {
        boolean advisory = installation.standby();
        try (PreparedStatement ps = conn.prepareStatement(advisory ? TRY_ADVISORY : LOCK_ROW)) {
            if (advisory) {
                ps.setInt(1, KEY_CLASS);
                ps.setInt(2, KEY_ENFORCE);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && rs.getBoolean(1);
            }
        }
    }

    /** The pid of the backend that holds the lock, or 0 if it was released meanwhile. */
    static int holder(Connection conn, Installation installation) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(
                installation.standby() ? ADVISORY_HOLDER : ROW_HOLDER)) {
            if (installation.standby()) {
                ps.setLong(1, KEY_CLASS);
                ps.setLong(2, KEY_ENFORCE);
            }
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }
}
