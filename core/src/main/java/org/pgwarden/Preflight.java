package org.pgwarden;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

/**
 * What a call checks after its arguments and before its first signal, so that it never sends
 * a signal and then fails to record it: the audit log can be written, and the call's waits
 * fit in the caller's statement_timeout and transaction_timeout. A dry run signals and
 * records nothing, and is not checked.
 *
 * <p>A timeout cannot be lifted from inside the call: PostgreSQL arms the statement's timer
 * when the statement starts, and setting statement_timeout later in it changes only later
 * statements. So a call whose waits may not fit is refused.
 */
final class Preflight {

    /** Time left for the work around the waits: selection, signals, audit, result. */
    static final Duration MARGIN = Duration.ofSeconds(1);

    /*
     * The mark of a call in progress, which selections pass over (Candidates), so that one
     * pgwarden call never cancels another while it waits out its grace: a lock on
     * warden.enforce_lock in a mode that needs UPDATE on it, which only warden_operator has,
     * so that no other role can wear the mark to shield its own queries. ROW SHARE conflicts
     * with nothing a call takes, and a hot standby allows it.
     */
    static final String MARK_CALL = "LOCK TABLE warden.enforce_lock IN ROW SHARE MODE";

    private static final String FIRST_LOOK = """
        SELECT (extract(epoch FROM pg_catalog.statement_timestamp()) * 1000000)::bigint,
               (extract(epoch FROM pg_catalog.now()) * 1000000)::bigint
        """;
    /*
     * Timeouts in milliseconds from pg_settings, whose unit for both is ms;
     * transaction_timeout exists from PostgreSQL 17 and is NULL before.
     */
    private static final String LOOK = """
        SELECT (extract(epoch FROM pg_catalog.statement_timestamp()) * 1000000)::bigint,
               (extract(epoch FROM pg_catalog.now()) * 1000000)::bigint,
               (extract(epoch FROM pg_catalog.clock_timestamp()) * 1000000)::bigint,
               pg_catalog.current_setting('transaction_read_only')::boolean,
               (SELECT s.setting::bigint FROM pg_catalog.pg_settings AS s
                WHERE s.name = 'statement_timeout'),
               (SELECT s.setting::bigint FROM pg_catalog.pg_settings AS s
                WHERE s.name = 'transaction_timeout'),
               pg_catalog.current_setting('statement_timeout'),
               pg_catalog.current_setting('transaction_timeout', true),
               %s,
               %s,
               %s
        """;
    // The audit's one way in (sql/schema.sql); missing where an older schema.sql ran.
    private static final String CAN_RECORD = """
        coalesce(pg_catalog.has_function_privilege(
            pg_catalog.to_regprocedure('warden.record_actions(pg_catalog.json)'), 'EXECUTE'),
            false)""";
    /*
     * Every query pattern the call may match (exemptions, enabled policies), run against the
     * empty string and each client backend's query text as it is now. The trigger refused
     * every pattern that does not compile when it was written, but a row written with
     * triggers off would fail at its first match, and a policy's first match may come after
     * an earlier policy's signals; so each is compiled, and run, before the first signal.
     * PostgreSQL's engine fails at match time only when out of memory or stack, which the
     * same texts make it do here.
     */
    private static final String PATTERNS = """
        (SELECT count(*)
                FROM (SELECT e.query FROM warden.exemption AS e WHERE e.query IS NOT NULL
                      UNION ALL
                      SELECT p.query FROM warden.policy AS p
                      WHERE p.enabled AND p.query IS NOT NULL) AS r (pattern),
                     (SELECT ''
                      UNION ALL
                      SELECT a.query FROM pg_catalog.pg_stat_activity AS a
                      WHERE a.backend_type = 'client backend') AS s (query)
                WHERE s.query ~ r.pattern)""";
    /*
     * An empty write takes the lock every INSERT takes (ROW EXCLUSIVE, which the executor
     * takes whether or not a row comes): held until the transaction ends, the audit's write
     * after the signals cannot wait for it.
     */
    private static final String LOCK_AUDIT =
            "SELECT warden.record_actions('[]'::pg_catalog.json)";

    private Preflight() {
    }

    /**
     * Refuses the call unless everything that could fail after its first signal is settled:
     * 2201B for a query pattern of an exemption or enabled policy that fails to compile or
     * to match; 25006 in a read-only transaction on a primary, 42501 without EXECUTE on the
     * audit log's writer, 22023 naming statement_timeout or transaction_timeout when
     * {@code longestWait} may not fit in what is left of it, 22023 naming
     * warden.notify_channel when the channel name is too long ({@link Notification}). On a
     * hot standby the audit log cannot be written at all: the call acts and its server log
     * lines are the record ({@link AuditLog}), and it notifies nobody, NOTIFY being refused
     * during recovery.
     *
     * @param longestWait the longest the call may wait after signalling, all waits added up
     * @return the notification the call sends after its audit rows
     */
    static Notification check(Connection conn, Installation installation, boolean dryRun,
            Duration longestWait) throws SQLException {
        if (dryRun) {
            return Notification.NONE;
        }
        if (installation.tables() && !conn.getAutoCommit()) {
            try (Statement st = conn.createStatement()) {
                st.execute(MARK_CALL);
            }
        }
        long firstStatement;
        long firstTransaction;
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(FIRST_LOOK)) {
            rs.next();
            firstStatement = rs.getLong(1);
            firstTransaction = rs.getLong(2);
        }
        boolean audited = installation.tables() && !installation.standby();
        String look = LOOK.formatted(audited ? CAN_RECORD : "true",
                installation.tables() ? PATTERNS : "0", Notification.COLUMNS);
        Notification notification;
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(look)) {
            rs.next();
            long clock = rs.getLong(3);
            if (audited && rs.getBoolean(4)) {
                throw ServerMessages.raise(conn, SqlState.READ_ONLY_SQL_TRANSACTION,
                        "cannot record pgwarden's actions in a read-only transaction",
                        "Every signal is recorded in warden.action_log, which this transaction"
                                + " cannot write (transaction_read_only is on); nothing was"
                                + " signalled.");
            }
            if (!rs.getBoolean(9)) {
                throw ServerMessages.raise(conn, SqlState.INSUFFICIENT_PRIVILEGE,
                        "permission denied to record pgwarden's actions in warden.action_log",
                        "Every signal is recorded there through warden.record_actions(json):"
                                + " grant warden_operator to this role, or run this release's"
                                + " sql/schema.sql. Nothing was signalled.");
            }
            // The same statement start means the call runs inside one statement (in the
            // server): its waits count against that statement's timeout. Likewise for the
            // transaction.
            boolean oneStatement = rs.getLong(1) == firstStatement;
            boolean oneTransaction = rs.getLong(2) == firstTransaction;
            Duration needed = longestWait.plus(MARGIN);
            long statementTimeout = rs.getLong(5);
            long transactionTimeout = rs.getLong(6);
            boolean hasTransactionTimeout = !rs.wasNull();
            fits(conn, "statement_timeout", rs.getString(7), oneStatement, statementTimeout,
                    clock - rs.getLong(1), needed);
            fits(conn, "transaction_timeout", rs.getString(8),
                    oneTransaction && hasTransactionTimeout, transactionTimeout,
                    clock - rs.getLong(2), needed);
            notification = audited ? Notification.of(conn, rs, 11) : Notification.NONE;
        }
        if (audited && !conn.getAutoCommit()) {
            try (Statement st = conn.createStatement();
                    ResultSet rs = st.executeQuery(LOCK_AUDIT)) {
                rs.next();
            }
        }
        return notification;
    }

    private static void fits(Connection conn, String setting, String shown, boolean applies,
            long timeoutMillis, long elapsedMicros, Duration needed) throws SQLException {
        if (!applies || timeoutMillis <= 0) {
            return;
        }
        Duration left = Duration.ofMillis(timeoutMillis).minusNanos(elapsedMicros * 1000);
        if (left.compareTo(needed) < 0) {
            throw ServerMessages.raise(conn, SqlState.INVALID_PARAMETER_VALUE,
                    Arguments.message(setting, shown),
                    "This call may wait up to " + seconds(needed) + " after its signals,"
                            + " inside this " + ("statement_timeout".equals(setting)
                                    ? "statement" : "transaction")
                            + ", and " + seconds(left.isNegative() ? Duration.ZERO : left)
                            + " of it are left: set " + setting + " to 0 or longer for the"
                            + " call. Nothing was signalled.");
        }
    }

    private static String seconds(Duration d) {
        return String.format(java.util.Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }
}
