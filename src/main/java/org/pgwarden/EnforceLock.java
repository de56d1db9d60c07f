package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * The advisory lock that keeps two enforce() runs from acting at once. Inside a transaction
 * (always, inside the server) it is transaction-scoped, so an error that aborts the
 * transaction releases it too. In autocommit mode a transaction-scoped lock would end with
 * its own statement, so there it is session-scoped and released on close.
 */
final class EnforceLock implements AutoCloseable {

    // pg_advisory locks with two int4 keys: "pgwd" and 1 for enforce.
    static final int KEY_CLASS = 0x70677764;
    static final int KEY_ENFORCE = 1;

    private static final String TRY_XACT = "SELECT pg_catalog.pg_try_advisory_xact_lock(?, ?)";
    private static final String TRY_SESSION = "SELECT pg_catalog.pg_try_advisory_lock(?, ?)";
    private static final String UNLOCK = "SELECT pg_catalog.pg_advisory_unlock(?, ?)";
    private static final String HOLDER = """
        SELECT pid FROM pg_catalog.pg_locks
        WHERE locktype = 'advisory' AND classid::bigint = ? AND objid::bigint = ?
          AND objsubid = 2 AND granted
        LIMIT 1
        """;

    private final Connection conn;
    private final boolean session;
    private final boolean acquired;

    private EnforceLock(Connection conn, boolean session, boolean acquired) {
        this.conn = conn;
        this.session = session;
        this.acquired = acquired;
    }

    static EnforceLock tryAcquire(Connection conn) throws SQLException {
        boolean session = conn.getAutoCommit();
        return new EnforceLock(conn, session, call(conn, session ? TRY_SESSION : TRY_XACT));
    }

    boolean acquired() {
        return acquired;
    }

    /** The pid of the backend that holds the lock, or 0 if it was released meanwhile. */
    int holder() throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(HOLDER)) {
            ps.setLong(1, KEY_CLASS);
            ps.setLong(2, KEY_ENFORCE);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getInt(1) : 0;
            }
        }
    }

    @Override
    public void close() throws SQLException {
        if (session && acquired) {
            call(conn, UNLOCK);
        }
    }

    private static boolean call(Connection conn, String sql) throws SQLException {
        try (PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setInt(1, KEY_CLASS);
            ps.setInt(2, KEY_ENFORCE);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }
}
