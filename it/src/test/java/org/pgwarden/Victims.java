package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The victim sessions one test opens, closed and terminated after it, and the victims any
 * test left over: every victim's application_name starts with {@link #APP_PREFIX}, so a
 * cleanup finds them all.
 */
final class Victims {

    /** Every victim session's application_name starts with this, so cleanup finds them. */
    static final String APP_PREFIX = "pgwarden-victim";

    private final TestServer server;
    private final List<Victim> opened = new ArrayList<>();

    Victims(TestServer server) {
        this.server = server;
    }

    /** A superuser's victim session, application_name {@link #APP_PREFIX}-{@code name}. */
    Victim open(String name) throws SQLException {
        return add(Victim.open(server, name));
    }

    /** A victim session of role {@code user}. */
    Victim open(String user, String password, String name) throws SQLException {
        return add(Victim.open(server, user, password, name));
    }

    /** A victim whose application_name is exactly {@code app}, e.g. a backup tool's. */
    Victim named(String app) throws SQLException {
        return add(Victim.openAs(server, app));
    }

    /** A victim of role {@code user} whose application_name is exactly {@code app}. */
    Victim named(String user, String password, String app) throws SQLException {
        return add(Victim.openAs(server, user, password, app));
    }

    /** A victim session on the streaming standby of the test cluster. */
    Victim on(Standby standby, String name) throws SQLException {
        return add(Victim.open(standby, name));
    }

    private Victim add(Victim v) {
        opened.add(v);
        return v;
    }

    /**
     * Closes every victim this test opened, terminates their backends, then every other
     * victim left over, and waits until they are gone.
     */
    void closeAll() throws SQLException {
        opened.forEach(Victim::close);
        terminate(server, opened.stream().map(v -> v.pid).toList());
        terminateLeftovers(server);
    }

    /** Terminates these backends, if they still exist. */
    static void terminate(TestServer server, List<Integer> pids) throws SQLException {
        try (Connection c = server.connect();
                PreparedStatement ps = c.prepareStatement("SELECT pg_terminate_backend(pid)"
                        + " FROM pg_stat_activity WHERE pid = ? AND pid <> pg_backend_pid()")) {
            for (int pid : pids) {
                ps.setInt(1, pid);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getBoolean(1);
                    }
                }
            }
        }
    }

    /** Terminates every victim session left over, and waits until they are gone. */
    static void terminateLeftovers(TestServer server) throws SQLException {
        try (Connection c = server.connect()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE application_name LIKE ? || '%' AND pid <> pg_backend_pid()
                    """)) {
                ps.setString(1, APP_PREFIX);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        rs.getBoolean(1);
                    }
                }
            }
            Poll.until("victim sessions to exit", Duration.ofSeconds(20), () -> {
                try (PreparedStatement ps = c.prepareStatement(
                        "SELECT count(*) = 0 FROM pg_stat_activity"
                                + " WHERE application_name LIKE ? || '%'")) {
                    ps.setString(1, APP_PREFIX);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        return rs.getBoolean(1);
                    }
                }
            });
        }
    }
}
