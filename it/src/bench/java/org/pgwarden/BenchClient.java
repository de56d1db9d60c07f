package org.pgwarden;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import java.util.stream.Stream;

/** How the benchmark connects, runs a statement as a client would, and reads a backend. */
final class BenchClient {

    private final TestServer server;

    BenchClient(TestServer server) {
        this.server = server;
    }

    /**
     * A new session. With {@code settings} (see {@link #setting}), the session's PL/Java
     * settings are given at connection time, before its JVM can start: what postgresql.conf
     * would give it. Null means PL/Java's defaults.
     */
    Connection connect(String settings, String applicationName) throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", server.superuser);
        if (server.password != null) {
            props.setProperty("password", server.password);
        }
        props.setProperty("ApplicationName", applicationName);
        if (settings != null) {
            props.setProperty("options", settings);
        }
        return DriverManager.getConnection("jdbc:postgresql://" + server.host + ":"
                + server.port + "/" + TestServer.DATABASE, props);
    }

    /** One {@code -c name=value} of a connection's options. */
    static String setting(String name, String value) {
        // The server splits options at white space; a backslash keeps one in a value.
        return "-c " + name + "=" + value.replace("\\", "\\\\").replace(" ", "\\ ");
    }

    /** Runs a query and reads every column of every row, as psql would; returns the rows. */
    static int drain(Connection c, String sql) throws SQLException {
        try (Statement st = c.createStatement(); ResultSet rs = st.executeQuery(sql)) {
            int columns = rs.getMetaData().getColumnCount();
            int rows = 0;
            while (rs.next()) {
                for (int i = 1; i <= columns; i++) {
                    rs.getString(i);
                }
                rows++;
            }
            return rows;
        }
    }

    /** Milliseconds {@link #drain} takes. */
    static double timed(Connection c, String sql) throws SQLException {
        long start = System.nanoTime();
        drain(c, sql);
        return (System.nanoTime() - start) / 1e6;
    }

    static int backendPid(Connection c) throws SQLException {
        try (Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_backend_pid()")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /**
     * A field of /proc/PID/status in MB, e.g. VmRSS (resident) or RssAnon (its private,
     * anonymous part). The benchmark runs on the server's machine.
     */
    static double statusMb(int pid, String field) throws IOException {
        return status(pid, field) / 1024.0;
    }

    /** A field of /proc/PID/status as the number it starts with (kB, or a count). */
    static long status(int pid, String field) throws IOException {
        for (String line : Files.readAllLines(Paths.get("/proc", String.valueOf(pid),
                "status"))) {
            if (line.startsWith(field + ":")) {
                return Long.parseLong(line.substring(field.length() + 1).trim()
                        .split("\\s+")[0]);
            }
        }
        throw new IOException("no " + field + " in /proc/" + pid + "/status");
    }

    /**
     * The CPU time a process has had so far, in ms: the sum over its threads of the first
     * field of /proc/PID/task/TID/schedstat, in nanoseconds, where utime and stime in
     * /proc/PID/stat count in ticks of 10 ms. Threads that have exited are not counted.
     */
    static double cpuMs(int pid) throws IOException {
        long ns = 0;
        try (Stream<Path> tasks = Files.list(Paths.get("/proc", String.valueOf(pid),
                "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    ns += Long.parseLong(Files.readString(task.resolve("schedstat"))
                            .split(" ")[0]);
                } catch (NoSuchFileException gone) {
                    // the thread exited meanwhile
                }
            }
        }
        return ns / 1e6;
    }
}
