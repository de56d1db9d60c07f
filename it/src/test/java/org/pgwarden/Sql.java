package org.pgwarden;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * SQL the tests run as the superuser on the test server, each call in a session of its own:
 * statements, one-value queries, pgwarden's schema, the server log, pgwarden's home.
 */
final class Sql {

    private final TestServer server;

    Sql(TestServer server) {
        this.server = server;
    }

    void execute(String sql) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    String queryString(String sql) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getString(1);
        }
    }

    boolean queryBoolean(String sql) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getBoolean(1);
        }
    }

    /** The one bigint of {@code sql}. */
    long scalar(String sql) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** How many rows of pg_stat_activity match {@code condition}. */
    int activityCount(String condition) throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT count(*) FROM pg_stat_activity WHERE " + condition)) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** pid to "backend_type backend_start" for the processes matching condition. */
    Map<Integer, String> processes(String condition) throws SQLException {
        Map<Integer, String> processes = new HashMap<>();
        try (Connection c = server.connect(); Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pid, backend_type || ' '"
                        + " || backend_start FROM pg_stat_activity WHERE " + condition)) {
            while (rs.next()) {
                processes.put(rs.getInt(1), rs.getString(2));
            }
        }
        return processes;
    }

    /** The pid of {@code c}'s backend. */
    static int pidOf(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** Installs sql/schema.sql, pgwarden's tables and role, as a server without PL/Java
     * would take them with psql -f. */
    void installSchema() throws IOException, SQLException {
        Path basedir = Paths.get(System.getProperty("pgwarden.basedir", "."));
        String script = Files.readString(basedir.resolve("sql/schema.sql"));
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            st.execute(script);
        }
    }

    /** Whether PL/Java is installed in this server: pg_available_extensions lists it. */
    boolean hasPlJava() throws SQLException {
        return queryBoolean("SELECT EXISTS (SELECT FROM pg_available_extensions"
                + " WHERE name = 'pljava')");
    }

    /**
     * The server log so far, or null when the server keeps no log file SQL can read. Read as
     * bytes: the server writes a statement's text as the client sent it, which need not be
     * UTF-8 (a SQL_ASCII database's), and pg_read_file would refuse the whole file.
     */
    String serverLog() throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            return readLog(st);
        }
    }

    /** The current log file of the server {@code st} is connected to, decoded leniently. */
    static String readLog(Statement st) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT CASE WHEN pg_current_logfile() IS NOT NULL"
                + " THEN pg_read_binary_file(pg_current_logfile()) END")) {
            rs.next();
            byte[] log = rs.getBytes(1);
            return log == null ? null : new String(log, StandardCharsets.UTF_8);
        }
    }

    /**
     * Frees pgwarden's one home database of the cluster (org.pgwarden.Home) for a test that
     * installs into a database of its own, and returns the mark to give to
     * {@link #restoreHome} afterwards.
     */
    String releaseHome() throws SQLException {
        try (Connection c = server.connect(); Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT shobj_description(oid, 'pg_authid')"
                    + " FROM pg_roles WHERE rolname = 'warden_operator'")) {
                if (!rs.next()) {
                    return null;
                }
                String mark = rs.getString(1);
                st.execute("COMMENT ON ROLE warden_operator IS NULL");
                return mark;
            }
        }
    }

    /** Gives the home back to where {@link #releaseHome} found it. */
    void restoreHome(String mark) throws SQLException {
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement(
                "SELECT format('COMMENT ON ROLE warden_operator IS %L', ?::text)")) {
            ps.setString(1, mark);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                execute(rs.getString(1));
            }
        }
    }
}
