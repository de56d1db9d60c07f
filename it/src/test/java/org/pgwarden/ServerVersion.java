package org.pgwarden;

import java.sql.SQLException;
import org.junit.jupiter.api.Assumptions;

/**
 * The version of the server under test, and the gates of tests that need a feature of some
 * majors only, by major number as PostgreSQL's release notes name them (pgjdbc's
 * assumeMinimumServerVersion), never server_version_num's raw 140000.
 */
final class ServerVersion {

    /** server_version_num: 150012 for 15.12. */
    private final int num;

    private ServerVersion(int num) {
        this.num = num;
    }

    static ServerVersion of(TestServer server) throws SQLException {
        return new ServerVersion(
                Integer.parseInt(server.sql().queryString("SHOW server_version_num")));
    }

    /** The major: 15 for 15.12 (from PostgreSQL 10 on, a major is one number). */
    int major() {
        return num / 10000;
    }

    /** server_version_num, as the server shows it. */
    int num() {
        return num;
    }

    /** Whether the server is PostgreSQL {@code major} or later. */
    boolean isAtLeast(int major) {
        return major() >= major;
    }

    /**
     * Runs the rest of the test only on PostgreSQL {@code major} or later: one side of a
     * version gate (its other side is {@link #assumeServerVersionBefore}).
     */
    static void assumeMinimumServerVersion(TestServer server, int major, String because)
            throws SQLException {
        Assumptions.assumeTrue(server.version().isAtLeast(major),
                "needs PostgreSQL " + major + " or later: " + because);
    }

    /** Runs the rest of the test only on a PostgreSQL major before {@code major}. */
    static void assumeServerVersionBefore(TestServer server, int major, String because)
            throws SQLException {
        Assumptions.assumeTrue(!server.version().isAtLeast(major),
                "needs PostgreSQL before " + major + ": " + because);
    }
}
