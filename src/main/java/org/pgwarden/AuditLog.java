package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Writes warden.action_log rows in the caller's transaction. Plain INSERTs: they take no
 * row locks another run could wait for.
 */
final class AuditLog {

    private static final String INSERT = """
        INSERT INTO warden.action_log (run_id, function, policy, pid, backend_start,
            usename, application_name, datname, client_addr, action, outcome, age,
            query_preview, blocked_count, waiting_pids)
        VALUES (?::uuid, ?, ?, ?, ?::timestamptz, ?, ?, ?, ?::inet, ?, ?, ?::interval, ?,
            ?::integer, ?::integer[])
        """;

    private AuditLog() {
    }

    /**
     * Writes one row per entry; does nothing when the tables are not installed. On a hot
     * standby, where the table is read-only, it says in a NOTICE that the entries are in this
     * server's log only (each signal's line was written before it was sent).
     */
    static void write(Connection conn, Installation installation, Run run,
            List<ActionRow> entries) throws SQLException {
        if (!installation.tables() || entries.isEmpty()) {
            return;
        }
        if (installation.standby()) {
            long signals = entries.stream().filter(e -> e.action() != Action.NONE).count();
            ServerMessages.notice(conn, "pgwarden: this server is a hot standby, where"
                    + " warden.action_log is read-only: the " + signals + " signal(s) of this"
                    + " call are recorded in this server's log only");
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement(INSERT)) {
            for (ActionRow row : entries) {
                ps.setString(1, run.id());
                ps.setString(2, run.function());
                ps.setString(3, row.policy());
                ps.setInt(4, row.pid());
                ps.setString(5, row.backendStart());
                ps.setString(6, row.usename());
                ps.setString(7, row.applicationName());
                ps.setString(8, row.datname());
                ps.setString(9, row.clientAddr());
                ps.setString(10, row.action().label());
                ps.setString(11, row.outcomeText());
                ps.setString(12, row.age());
                ps.setString(13, row.queryPreview());
                ps.setString(14, row.blockedCount() == null ? null
                        : row.blockedCount().toString());
                ps.setString(15, row.waitingPids() == null ? null
                        : row.waitingPids().stream().map(String::valueOf)
                                .collect(Collectors.joining(",", "{", "}")));
                ps.executeUpdate();
            }
        }
    }
}
