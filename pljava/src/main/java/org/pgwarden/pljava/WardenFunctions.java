package org.pgwarden.pljava;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.pgwarden.BlockerTerminator;
import org.pgwarden.Enforcer;
import org.pgwarden.IdleTransactionReaper;
import org.pgwarden.Json;
import org.pgwarden.LongRunningCanceller;
import org.pgwarden.LongTransactionEnder;

/**
 * The PL/Java entry points of the warden schema. Each fetches PL/Java's in-server
 * connection, which runs as the calling role, and delegates to the core.
 *
 * <p>They return the rows as JSON text: a set of composite rows would need PL/Java's
 * ResultSetProvider, whose API jar is not published where a build can fetch it. The SQL
 * functions of the same names without the {@code _json} suffix turn the text back into typed
 * rows (sql/functions.sql). Intervals arrive as their text form, which PL/Java passes for a
 * type it has no Java mapping for. Errors are raised by the server itself, so they reach the
 * caller with their SQLSTATE and message unchanged.
 */
public final class WardenFunctions {

    private WardenFunctions() {
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
        return Json.actionRows(
                LongRunningCanceller.run(connection(), threshold, escalate, grace, dryRun));
    }

    /**
     * {@code warden.reap_idle_in_tx_json(threshold interval, dry_run boolean,
     * only_blocking boolean) RETURNS text}: the rows of {@code warden.reap_idle_in_tx}.
     * Signals with the caller's rights. Raises 22023 for a NULL, zero or negative threshold
     * or a NULL dry_run or only_blocking.
     */
    public static String reapIdleInTx(String threshold, Boolean dryRun, Boolean onlyBlocking)
            throws SQLException {
        return Json.actionRows(
                IdleTransactionReaper.run(connection(), threshold, dryRun, onlyBlocking));
    }

    /**
     * {@code warden.end_long_transactions_json(threshold interval, grace interval,
     * dry_run boolean) RETURNS text}: the rows of {@code warden.end_long_transactions}.
     * Signals with the caller's rights. Raises 22023 for a NULL, zero or negative threshold,
     * a NULL, negative or over 10 minutes grace, or a NULL dry_run.
     */
    public static String endLongTransactions(String threshold, String grace, Boolean dryRun)
            throws SQLException {
        return Json.actionRows(
                LongTransactionEnder.run(connection(), threshold, grace, dryRun));
    }

    /**
     * {@code warden.terminate_blockers_json(min_wait interval, grace interval,
     * dry_run boolean) RETURNS text}: the rows of {@code warden.terminate_blockers}. Signals
     * with the caller's rights. Raises 22023 for a NULL, zero or negative min_wait, a NULL,
     * negative or over 10 minutes grace, or a NULL dry_run.
     */
    public static String terminateBlockers(String minWait, String grace, Boolean dryRun)
            throws SQLException {
        return Json.actionRows(BlockerTerminator.run(connection(), minWait, grace, dryRun));
    }

    /**
     * {@code warden.enforce_json(dry_run boolean) RETURNS text}: the rows of
     * {@code warden.enforce}. Signals with the caller's rights. Raises 22023 for a NULL
     * dry_run and 42P01 where pgwarden's tables are missing.
     */
    public static String enforce(Boolean dryRun) throws SQLException {
        return Json.actionRows(Enforcer.run(connection(), dryRun));
    }

    private static Connection connection() throws SQLException {
        // Closing this connection is a no-op in PL/Java; the statements are closed by the core.
        return DriverManager.getConnection("jdbc:default:connection");
    }
}
