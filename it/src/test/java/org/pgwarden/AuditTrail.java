package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;

/**
 * What pgwarden leaves behind about a victim: its rows in warden.action_log and its lines in
 * the server log.
 */
final class AuditTrail {

    /** A value in a pgwarden log line as ServerMessages.quote writes it. */
    static final String QUOTED = "\"(?:[^\"\\\\]|\\\\.)*\"";

    private final TestServer server;

    AuditTrail(TestServer server) {
        this.server = server;
    }

    /**
     * The actions of the pgwarden lines the server log holds for this victim's pid, once it
     * holds {@code expected} of them.
     */
    List<String> logLinesFor(Victim v, int expected) throws Exception {
        String first = server.sql().serverLog();
        Assumptions.assumeTrue(first != null,
                "the server keeps no log file that SQL can read: log lines not checked");
        Pattern line = Pattern.compile("LOG:  pgwarden: (\\w+) pid=" + v.pid
                + " user=" + QUOTED + " application="
                + Pattern.quote(ServerMessages.quote(v.applicationName))
                + " database=\"" + TestServer.DATABASE + "\" function=\\w+ reason=" + QUOTED
                + " caller=(?:\\w+|" + QUOTED + ")$", Pattern.MULTILINE);
        List<String> actions = new ArrayList<>();
        Poll.until(expected + " log lines for pid " + v.pid, Duration.ofSeconds(10), () -> {
            actions.clear();
            Matcher m = line.matcher(server.sql().serverLog());
            while (m.find()) {
                actions.add(m.group(1));
            }
            return actions.size() >= expected;
        });
        return actions;
    }

    /** "action/outcome" of each audit row for this victim's backend, oldest first. */
    List<String> audit(Victim v) throws SQLException {
        return auditOf(v, "action || '/' || outcome");
    }

    /** {@code column} (an expression over warden.action_log) of this victim's audit rows. */
    List<String> auditOf(Victim v, String column) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = server.connect(); PreparedStatement ps = c.prepareStatement("""
                SELECT %s FROM warden.action_log
                WHERE pid = ? AND application_name = ? ORDER BY id""".formatted(column))) {
            ps.setInt(1, v.pid);
            ps.setString(2, v.applicationName);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(rs.getString(1));
                }
            }
        }
        return rows;
    }
}
