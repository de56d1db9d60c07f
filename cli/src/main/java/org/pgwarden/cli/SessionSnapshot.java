package org.pgwarden.cli;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.TreeMap;
import org.pgwarden.States;

/**
 * The client backends of the cluster as a run found them, for the metrics: how many in each
 * state, the longest idle in a transaction, how many wait for a lock. Read in the run's
 * transaction, before enforce (which clears the cached pg_stat_activity before it selects).
 *
 * @param byState sessions by pg_stat_activity's state (sessions whose state is hidden from
 *     the role are not counted)
 * @param oldestIdleInTransactionSeconds since the state_change of the longest idle in a
 *     transaction (aborted or not), as reap_idle_in_tx measures it; 0 when none is
 * @param waitingForLock sessions whose wait_event_type is Lock
 */
record SessionSnapshot(Map<String, Integer> byState, double oldestIdleInTransactionSeconds,
        int waitingForLock) {

    // The watcher's own session is left out: it is always active, and never a problem.
    private static final String SQL = """
        SELECT a.state,
               count(*)::integer,
               coalesce(max(extract(epoch FROM pg_catalog.clock_timestamp() - a.state_change))
                   FILTER (WHERE %s), 0)::float8,
               (count(*) FILTER (WHERE a.wait_event_type = 'Lock'))::integer
        FROM pg_catalog.pg_stat_activity AS a
        WHERE a.backend_type = 'client backend' AND a.state IS NOT NULL
          AND a.pid <> pg_catalog.pg_backend_pid()
        GROUP BY a.state
        """.formatted(States.in("a.state", States.IDLE_IN_ANY_TRANSACTION));

    static SessionSnapshot read(Connection conn) throws SQLException {
        Map<String, Integer> byState = new TreeMap<>();
        double oldest = 0;
        int waiting = 0;
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(SQL)) {
            while (rs.next()) {
                byState.put(rs.getString(1), rs.getInt(2));
                oldest = Math.max(oldest, rs.getDouble(3));
                waiting += rs.getInt(4);
            }
        }
        return new SessionSnapshot(byState, oldest, waiting);
    }
}
