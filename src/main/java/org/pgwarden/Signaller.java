package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.EnumMap;
import java.util.Map;

/**
 * Sends pg_cancel_backend or pg_terminate_backend to a selected backend only if it is still
 * the one selected, and logs every signal sent.
 */
final class Signaller implements AutoCloseable {

    private final Connection conn;
    private final Selection selection;
    private final String function;
    private final Map<Action, PreparedStatement> statements = new EnumMap<>(Action.class);

    /**
     * @param function the SQL function on whose behalf signals are sent, for the log
     */
    Signaller(Connection conn, Selection selection, String function) throws SQLException {
        this.conn = conn;
        this.selection = selection;
        this.function = function;
    }

    /**
     * Forgets this transaction's pg_stat_activity snapshot, which PostgreSQL otherwise keeps
     * until the transaction ends, so the next identity checks see the backends as they are.
     */
    void refresh() throws SQLException {
        Activity.clearSnapshot(conn);
    }

    /**
     * Sends {@code action} to {@code target} if a backend with the same pid, backend_start
     * and query_start or state_change is still in the selected state, all checked in the
     * statement that sends the signal. Returns whether the signal was sent; when not, the
     * backend is gone or has moved on and nothing was sent.
     */
    boolean send(Action action, Candidate target, String reason) throws SQLException {
        PreparedStatement ps = statements.get(action);
        if (ps == null) {
            ps = conn.prepareStatement(sql(action, selection));
            statements.put(action, ps);
        }
        ps.setInt(1, target.pid());
        ps.setLong(2, target.backendStartMicros());
        ps.setLong(3, target.sinceMicros());
        boolean sent;
        // The signal function runs only as the row is fetched: the rows must be read.
        try (ResultSet rs = ps.executeQuery()) {
            sent = rs.next() && rs.getBoolean(1);
        }
        if (sent) {
            ServerMessages.log(conn, action.label() + " pid=" + target.pid()
                    + " user=" + ServerMessages.quote(target.usename())
                    + " application=" + ServerMessages.quote(target.applicationName())
                    + " database=" + ServerMessages.quote(target.datname())
                    + " function=" + function
                    + " reason=" + ServerMessages.quote(reason));
        }
        return sent;
    }

    static String sql(Action action, Selection selection) {
        return """
            SELECT pg_catalog.%s(a.pid)
            FROM pg_catalog.pg_stat_activity AS a
            WHERE a.pid = ?
              AND %s = ?
              AND %s = ?
              AND a.backend_type = 'client backend'
              AND %s
            """.formatted(action.function(), Selection.micros("a.backend_start"),
                Selection.micros(selection.since()), selection.statePredicate());
    }

    @Override
    public void close() throws SQLException {
        for (PreparedStatement ps : statements.values()) {
            ps.close();
        }
    }
}
