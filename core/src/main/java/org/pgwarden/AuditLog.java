package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes warden.action_log rows in the caller's transaction, through warden.record_actions:
 * the only way a non-owner can write the table, which sets each row's id, logged_at and
 * caller itself. One call per batch; plain INSERTs inside, which take no row locks another
 * run could wait for.
 */
final class AuditLog {

    private static final String RECORD = "SELECT warden.record_actions(?::pg_catalog.json)";

    /**
     * The columns of warden.action_log that name the call, before those of the row
     * ({@link ActionRow.Column}); the generated table and warden.record_actions follow both
     * lists.
     */
    enum RunColumn implements RowColumn<Run> {
        RUN_ID("run_id", SqlType.UUID),
        FUNCTION("function", SqlType.TEXT);

        private final Spec spec;

        RunColumn(String sqlName, SqlType type) {
            this.spec = new Spec(sqlName, type, false, true);
        }

        @Override
        public Spec spec() {
            return spec;
        }

        @Override
        public Object value(Run run) {
            return switch (this) {
                case RUN_ID -> run.id();
                case FUNCTION -> run.function();
            };
        }
    }

    private AuditLog() {
    }

    /**
     * Writes one row per entry; does nothing when the tables are not installed. On a hot
     * standby, where the table is read-only, it says in a NOTICE that the entries are in this
     * server's log only (each signal's line was written before it was sent), and that no
     * notification is sent: NOTIFY cannot run during recovery ({@link Notification}).
     */
    static void write(Connection conn, Installation installation, Run run,
            List<ActionRow> entries) throws SQLException {
        if (!installation.tables() || entries.isEmpty()) {
            return;
        }
        if (installation.standby()) {
            long signals = entries.stream().filter(e -> e.action() != Action.NONE
                    && e.outcome() != Outcome.DRY_RUN).count();
            ServerMessages.notice(conn, "pgwarden: this server is a hot standby, where"
                    + " warden.action_log is read-only: the " + signals + " signal(s) of this"
                    + " call are recorded in this server's log only, and no notification is"
                    + " sent (NOTIFY cannot run during recovery)");
            return;
        }
        try (PreparedStatement ps = conn.prepareStatement(RECORD)) {
            ps.setString(1, Json.auditRows(run, entries));
            // A SELECT runs as its rows are read: inside PL/Java, execute() alone does nothing.
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
            }
        }
    }
}
