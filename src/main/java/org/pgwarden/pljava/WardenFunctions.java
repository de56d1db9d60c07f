package org.pgwarden.pljava;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.pgwarden.Arguments;
import org.pgwarden.BackendReport;
import org.pgwarden.IdleTransactionReaper;
import org.pgwarden.Json;
import org.pgwarden.LongRunningCanceller;

/**
 * The PL/Java entry points of the warden schema. Each fetches PL/Java's in-server
 * connection, which runs as the calling role, and delegates to the core.
 *
 * <p>They return the rows as JSON text: a set of composite rows would need PL/Java's
 * ResultSetProvider, whose API jar is not published where a build can fetch it. The SQL
 * functions of the same names without the {@code _json} suffix turn the text back into typed
 * rows (sql/pgwarden.ddr). Intervals arrive as their text form, which PL/Java passes for a
 * type it has no Java mapping for.
 */
public final class WardenFunctions {

    private WardenFunctions() {
    }

    /**
     * {@code warden.backend_report_json(include_idle boolean) RETURNS text}: the rows of
     * {@code warden.backend_report}. Needs EXECUTE (warden_operator); sees other roles' state
     * and query only with pg_read_all_stats. Raises 22023 for a NULL include_idle.
     */
    public static String backendReport(Boolean includeIdle) throws SQLException {
        Connection conn = connection();
        boolean idle = Arguments.flag(conn, "include_idle", includeIdle);
        return Json.reportRows(BackendReport.run(conn, idle));
    }

    /**
     * {@code warden.cancel_long_running_json(threshold interval, escalate boolean,
     * grace interval, dry_run boolean) RETURNS text}: the rows of
     * {@code warden.cancel_long_running}. Signals with the caller's rights (pg_signal_backend
     * through warden_operator). Raises 22023 for a NULL, zero or negative threshold, a NULL
     * or negative grace, a grace over 10 minutes, a NULL escalate or dry_run.
     */
    public static String cancelLongRunning(String threshold, Boolean escalate, String grace,
            Boolean dryRun) throws SQLException {
        Connection conn = connection();
        boolean escalating = Arguments.flag(conn, "escalate", escalate);
        boolean dry = Arguments.flag(conn, "dry_run", dryRun);
        return Json.actionRows(
                LongRunningCanceller.run(conn, threshold, escalating, grace, dry));
    }

    /**
     * {@code warden.reap_idle_in_tx_json(threshold interval, dry_run boolean) RETURNS text}:
     * the rows of {@code warden.reap_idle_in_tx}. Signals with the caller's rights. Raises
     * 22023 for a NULL, zero or negative threshold or a NULL dry_run.
     */
    public static String reapIdleInTx(String threshold, Boolean dryRun) throws SQLException {
        Connection conn = connection();
        boolean dry = Arguments.flag(conn, "dry_run", dryRun);
        return Json.actionRows(IdleTransactionReaper.run(conn, threshold, dry));
    }

    private static Connection connection() throws SQLException {
        // Closing this connection is a no-op in PL/Java; the statements are closed by the core.
        return DriverManager.getConnection("jdbc:default:connection");
    }
}
