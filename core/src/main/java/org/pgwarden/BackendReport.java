package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The work of {@code warden.backend_report}: one SQL statement that the core runs over any
 * connection and that the build also installs as the PL/pgSQL function itself
 * (sql/generated/backend_report.sql, written by the tests' ReportFunction), so that a
 * report, which signals nothing, costs about what the hand-written pg_stat_activity query
 * costs and starts no JVM in the caller's session (docs/benchmarks.md, W1).
 */
public final class BackendReport {

    /*
     * pg_stat_activity is read once: every read builds a row for each of max_connections'
     * slots. Exemptions, policies and privileges depend only on who a backend is and what it
     * runs, so they are matched once per distinct (role, application, database, address,
     * query text) rather than once per backend; idle sessions of one pool share them. The
     * ages are measured to one clock reading (clock_timestamp(), since now() stands still
     * inside a transaction), so that the advice quotes the same age as its row. The state is
     * part of an identity (a query pattern reads only an active backend's text), and so is
     * the pid of a backend that runs a concurrent index build, alone in its group, which
     * SessionMatch asks the progress view about.
     * pg_blocking_pids names a parallel query's leader once per process of it that holds the
     * lock, so blocking counts waiting sessions, not entries. The ? is include_idle.
     */
    private static final String QUERY = """
        WITH moment AS MATERIALIZED (
            SELECT pg_catalog.clock_timestamp() AS now
        ),
        activity AS MATERIALIZED (
            SELECT a.pid, a.datname, a.usename, a.usesysid, a.application_name,
                   a.client_addr, a.backend_type, a.state, a.wait_event_type, a.wait_event,
                   a.backend_start, a.xact_start, a.query_start, a.state_change,
                   a.backend_xmin, left(a.query, 100) AS query_preview, a.query
            FROM pg_catalog.pg_stat_activity AS a
        ),
        %1$s,
        %9$s,
        prepared_waits AS (
            SELECT p.waiter,
                   pg_catalog.string_agg('; waits for prepared transaction ' || p.gid_literal
                       || ' (owner ' || p.owner || ', database ' || p.database
                       || ', prepared ' || pg_catalog.date_trunc('second', m.now - p.prepared)
                       || ' ago): ROLLBACK PREPARED ' || p.gid_literal
                       || ' or COMMIT PREPARED releases it', '' ORDER BY p.prepared, p.gid)
                       AS text
            FROM prepared_blockers AS p CROSS JOIN moment AS m
            GROUP BY p.waiter
        ),
        blocking AS (
            SELECT b.pid, count(DISTINCT w.pid)::integer AS waiters
            FROM waits AS w, pg_catalog.unnest(w.blockers) AS b(pid)
            GROUP BY b.pid
        ),
        identities AS MATERIALIZED (
            SELECT a.pids, %2$s AS exemption, coalesce(r.rolsuper, false) AS superuser,
                   %3$s AS signallable, pol.*
            FROM (
                SELECT a.usename, a.application_name, a.datname, a.client_addr, a.usesysid,
                       a.query, a.state, a.build_pid AS pid, pg_catalog.array_agg(a.pid) AS pids
                FROM (SELECT a.*, CASE WHEN %12$s THEN a.pid END AS build_pid
                      FROM activity AS a) AS a
                WHERE a.backend_type = 'client backend'
                  AND a.pid <> pg_catalog.pg_backend_pid()
                  AND (? OR a.state IS DISTINCT FROM 'idle')
                GROUP BY a.usename, a.application_name, a.datname, a.client_addr, a.usesysid,
                         a.query, a.state, a.build_pid
            ) AS a
            LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = a.usesysid
            %4$s
        ),
        facts AS (
            SELECT a.*, j.exemption, j.superuser, j.signallable,
                   coalesce(w.blockers, '{}') AS blocked_by, pw.text AS waits_for_prepared,
                   coalesce(b.waiters, 0) AS blocking,
                   m.now - a.backend_start AS backend_age, m.now - a.xact_start AS xact_age,
                   m.now - a.query_start AS query_age, m.now - a.state_change AS state_age,
                   CASE
                       WHEN j.blockers_policy IS NOT NULL AND b.waiters > 0
                           AND NOT coalesce(%17$s, false) THEN %13$s
                       WHEN j.idle_policy IS NOT NULL
                           AND %18$s
                           AND (j.tx_policy IS NULL OR a.state_change < m.now - j.idle_fixed)
                           THEN %14$s
                       WHEN j.long_policy IS NOT NULL AND %19$s
                           AND (j.tx_policy IS NULL OR a.query_start < m.now - j.long_fixed)
                           THEN %15$s
                       WHEN j.tx_policy IS NOT NULL AND %11$s IS NOT NULL
                           THEN %16$s
                   END AS policy_kind, %11$s AS tx_start,
                   j.tx_policy, j.tx_threshold, j.tx_fixed,
                   j.blockers_policy, j.blockers_threshold, j.idle_policy, j.idle_threshold,
                   j.long_policy, j.long_threshold, j.long_escalate, j.blockers_fixed,
                   j.idle_fixed, j.long_fixed, j.observes, m.now
            FROM activity AS a
            JOIN (SELECT pg_catalog.unnest(i.pids) AS pid, i.exemption, i.superuser,
                         i.signallable, i.blockers_policy, i.blockers_threshold,
                         i.idle_policy, i.idle_threshold, i.long_policy, i.long_threshold,
                         i.long_escalate, i.blockers_fixed, i.idle_fixed, i.long_fixed,
                         i.tx_policy, i.tx_threshold, i.tx_fixed, i.observes
                  FROM identities AS i) AS j
                ON j.pid = a.pid
            CROSS JOIN moment AS m
            LEFT JOIN waits AS w ON w.pid = a.pid
            LEFT JOIN prepared_waits AS pw ON pw.waiter = a.pid
            LEFT JOIN blocking AS b ON b.pid = a.pid
        ),
        reported AS (
            SELECT f.*,
                   CASE f.policy_kind WHEN %13$s THEN f.blockers_policy
                       WHEN %14$s THEN f.idle_policy
                       WHEN %15$s THEN f.long_policy
                       WHEN %16$s THEN f.tx_policy
                   END AS policy_name,
                   CASE f.policy_kind WHEN %13$s THEN f.blockers_threshold
                       WHEN %14$s THEN f.idle_threshold
                       WHEN %15$s THEN f.long_threshold
                       WHEN %16$s THEN f.tx_threshold
                   END AS policy_threshold,
                   f.policy_kind = %15$s AND f.long_escalate AS policy_escalate,
                   CASE f.policy_kind
                       WHEN %13$s THEN EXISTS (
                           SELECT FROM waits AS w
                           WHERE f.pid = ANY (w.blockers)
                             AND w.wait_start < f.now - %6$s)
                       WHEN %14$s THEN f.state_change < f.now - %7$s
                       WHEN %15$s THEN f.query_start < f.now - %8$s
                       WHEN %16$s THEN f.tx_start < f.now - %10$s
                   END AS policy_due
            FROM facts AS f
        )
        SELECT r.pid, r.datname, r.usename, r.application_name, r.client_addr,
               r.backend_type, r.state, r.wait_event_type, r.wait_event, r.backend_start,
               r.backend_age, r.xact_age, pg_catalog.age(r.backend_xmin) AS xmin_age,
               r.query_age, r.state_age, r.blocked_by, r.blocking,
               r.exemption, r.query_preview, %5$s AS advice
        FROM reported AS r
        ORDER BY r.query_start NULLS LAST, r.pid""";

    /*
     * Per identity, the first enabled policy (by name) of each kind whose filters match it,
     * in SessionMatch's text, which enforce() runs too; enforce() tries blockers, then
     * idle_in_tx, then long_running, then long_transaction, and a backend belongs to the
     * first whose kind fits its state, but with a long_transaction policy to a state's kind
     * only when that is due (else the transaction's age may well come first).
     */
    private static final String POLICIES = """
        LEFT JOIN LATERAL (
                SELECT %1$s
                FROM warden.policy AS p
                WHERE p.enabled
                  AND %2$s
            ) AS pol ON true""";

    /** The threshold of policy {@code p} as {@link IntervalRule} reads it. */
    private static final String FIXED = IntervalRule.fixed("p.threshold");

    /**
     * Of an expression over policy {@code p}: its value for the first policy of a kind, one
     * that enforces before one that only observes, which leaves the backend to the others.
     */
    private static final String FIRST_OF_KIND = """
        (pg_catalog.array_agg(%s ORDER BY p.mode = %s, p.name)
                            FILTER (WHERE p.kind = %s))[1] AS %s""";

    private static final String NO_POLICIES = """
        CROSS JOIN (
                SELECT NULL::text AS blockers_policy, NULL::interval AS blockers_threshold,
                       NULL::text AS idle_policy, NULL::interval AS idle_threshold,
                       NULL::text AS long_policy, NULL::interval AS long_threshold,
                       NULL::boolean AS long_escalate, NULL::interval AS blockers_fixed,
                       NULL::interval AS idle_fixed, NULL::interval AS long_fixed,
                       NULL::text AS tx_policy, NULL::interval AS tx_threshold,
                       NULL::interval AS tx_fixed, NULL::text[] AS observes
            ) AS pol""";

    /**
     * The advice column: what enforce() would do under the enabled policies, or else what
     * cancel_long_running and reap_idle_in_tx would do, and why. An expression over the
     * columns of {@code r}: state, exemption, signallable, superuser, blocked_by, blocking,
     * query_age, state_age, the matching policy's name, kind, threshold, escalate, due, and
     * waits_for_prepared (what to do about the prepared transactions it waits for).
     */
    static final String ADVICE = """
        CASE
            WHEN r.state IS NULL
                THEN 'none: its state is hidden from you (needs pg_read_all_stats)'
                    || %2$s
            WHEN r.exemption IS NOT NULL
                THEN 'none: exempt (' || r.exemption || ')' || %1$s || %2$s
            WHEN NOT r.signallable AND r.state <> '%7$s'
                THEN CASE WHEN r.superuser
                          THEN 'none: superuser session, only a superuser may signal it'
                          ELSE 'none: you may not signal this role''s sessions'
                              || ' (needs pg_signal_backend)'
                     END || %1$s || %2$s
            WHEN r.policy_kind IS NOT NULL
                THEN %3$s || %1$s || %2$s
            WHEN %4$s
                THEN 'cancel_long_running would cancel it with a threshold under '
                    || r.query_age || %1$s || %2$s
            WHEN %5$s
                THEN 'reap_idle_in_tx would terminate it with a threshold under '
                    || r.state_age || %2$s
            WHEN %6$s THEN 'none: idle' || %2$s
            ELSE 'none: state ''' || r.state || '''' || %2$s
        END""".formatted(waitsFor(), blocks(), byPolicy(),
            Selection.LONG_RUNNING.inState("r.state"),
            Selection.IDLE_IN_TRANSACTION.inState("r.state"),
            Selection.IDLE.inState("r.state"), States.IDLE);

    private BackendReport() {
    }

    /**
     * One row per client backend other than the caller's, idle ones only if
     * {@code includeIdle}; the longest-running query first.
     */
    public static List<ReportRow> run(Connection conn, Boolean includeIdle)
            throws SQLException {
        boolean idle = Arguments.flag(conn, "include_idle", includeIdle);
        Installation installation = Installation.probe(conn);
        List<ReportRow> rows = new ArrayList<>();
        // pg_stat_activity is cached for the transaction: a second report in it would
        // otherwise show the first one's picture.
        Activity.clearSnapshot(conn);
        try (PreparedStatement ps = conn.prepareStatement(query(installation.tables()))) {
            ps.setBoolean(1, idle);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(ReportRow.read(rs));
                }
            }
        }
        return rows;
    }

    /**
     * The report's statement, with exemptions and policies if pgwarden's tables are
     * installed; one {@code ?} parameter, include_idle.
     */
    static String query(boolean tables) {
        String policies = String.join(",\n                       ",
                firstOfKind("p.name", PolicyKind.BLOCKERS, "blockers_policy"),
                firstOfKind("p.threshold", PolicyKind.BLOCKERS, "blockers_threshold"),
                firstOfKind("p.name", PolicyKind.IDLE_IN_TX, "idle_policy"),
                firstOfKind("p.threshold", PolicyKind.IDLE_IN_TX, "idle_threshold"),
                firstOfKind("p.name", PolicyKind.LONG_RUNNING, "long_policy"),
                firstOfKind("p.threshold", PolicyKind.LONG_RUNNING, "long_threshold"),
                firstOfKind("p.escalate", PolicyKind.LONG_RUNNING, "long_escalate"),
                // The thresholds as the fixed lengths IntervalRule gives them, once per
                // identity rather than once per backend and use.
                firstOfKind(FIXED, PolicyKind.BLOCKERS, "blockers_fixed"),
                firstOfKind(FIXED, PolicyKind.IDLE_IN_TX, "idle_fixed"),
                firstOfKind(FIXED, PolicyKind.LONG_RUNNING, "long_fixed"),
                firstOfKind("p.name", PolicyKind.LONG_TRANSACTION, "tx_policy"),
                firstOfKind("p.threshold", PolicyKind.LONG_TRANSACTION, "tx_threshold"),
                firstOfKind(FIXED, PolicyKind.LONG_TRANSACTION, "tx_fixed"),
                "pg_catalog.array_agg(p.name) FILTER (WHERE p.mode = "
                        + PolicyMode.OBSERVE.literal() + ") AS observes");
        return QUERY.formatted(ActivitySql.waits("activity"),
                ActivitySql.exemption(tables), Privileges.SIGNALLABLE,
                tables ? POLICIES.formatted(policies, SessionMatch.condition("p", false))
                        : NO_POLICIES, ADVICE,
                "f.blockers_fixed", "f.idle_fixed", "f.long_fixed",
                PreparedBlockers.cte(), "f.tx_fixed",
                // What end_long_transactions measures, over the activity alias a.
                "(" + Selection.LONG_TRANSACTION.since() + ")",
                SessionMatch.concurrentBuild("a.pid"),
                PolicyKind.BLOCKERS.literal(), PolicyKind.IDLE_IN_TX.literal(),
                PolicyKind.LONG_RUNNING.literal(), PolicyKind.LONG_TRANSACTION.literal(),
                Selection.waitsForLock("a"),
                Selection.IDLE_IN_TRANSACTION.inState("a.state"),
                Selection.LONG_RUNNING.inState("a.state"));
    }

    private static String firstOfKind(String expression, PolicyKind kind, String name) {
        return FIRST_OF_KIND.formatted(expression, PolicyMode.OBSERVE.literal(), kind.literal(),
                name);
    }

    /*
     * pg_blocking_pids names a prepared transaction pid 0: the advice names it instead, and
     * what ends it. One that ended as the report looked shows without a name.
     */
    /*
     * Most backends wait for nobody: their empty blocked_by settles it before any array is
     * taken apart (at 800 backends, what follows it cost the report a third of its time).
     */
    private static String waitsFor() {
        return """
            CASE WHEN r.blocked_by = '{}' THEN ''
                ELSE CASE WHEN 0 = ALL (r.blocked_by) THEN ''
                         ELSE '; waits for a lock held by pid '
                             || pg_catalog.array_to_string(
                                    pg_catalog.array_remove(r.blocked_by, 0), ', ')
                     END
                     || CASE WHEN 0 <> ALL (r.blocked_by) THEN ''
                            ELSE coalesce(r.waits_for_prepared, '; waits for a lock held by a'
                                || ' prepared transaction (see pg_prepared_xacts)')
                        END
            END""";
    }

    private static String blocks() {
        return """
            CASE WHEN r.blocking = 0 THEN ''
                ELSE '; blocks ' || r.blocking || ' session(s)'
            END""";
    }

    /*
     * Which signal, whether it escalates and when, in enforce()'s terms: a blockers policy
     * cancels an active root and terminates what ignores the cancel, and terminates any other.
     */
    private static String byPolicy() {
        String cancelsActive = "r.policy_kind IN (" + PolicyKind.BLOCKERS.literal() + ", "
                + PolicyKind.LONG_TRANSACTION.literal() + ")";
        String cancels = "(r.policy_kind = " + PolicyKind.LONG_RUNNING.literal()
                + "\n                       OR " + cancelsActive + " AND "
                + Selection.LONG_RUNNING.inState("r.state") + ")";
        String escalates = "(" + cancels + "\n                   AND (r.policy_escalate"
                + " OR " + cancelsActive + "))";
        return """
            ('enforce() policy ''' || r.policy_name || ''' would '
                || CASE WHEN %1$s
                       THEN 'cancel it' ELSE 'terminate it' END
                || CASE WHEN r.policy_due THEN ' now' ELSE '' END
                || CASE WHEN %2$s
                       THEN ', and terminate it if it '
                           || CASE WHEN r.policy_kind = %3$s
                                  THEN 'stays in that transaction' ELSE 'ignores the cancel'
                              END
                       ELSE '' END
                || CASE WHEN r.policy_due THEN ': ' WHEN %2$s
                       THEN ', once ' ELSE ' once ' END
                || CASE r.policy_kind
                       WHEN %4$s THEN 'a session waits for its lock longer than '
                       WHEN %5$s THEN 'idle in transaction longer than '
                       WHEN %6$s THEN 'its query runs longer than '
                       WHEN %3$s THEN 'its transaction is open longer than '
                   END
                || r.policy_threshold
                || CASE WHEN r.policy_name = ANY (r.observes)
                       THEN '; it only observes: enforce() signals nothing and logs a dry run'
                       ELSE '' END)""".formatted(cancels, escalates,
                PolicyKind.LONG_TRANSACTION.literal(), PolicyKind.BLOCKERS.literal(),
                PolicyKind.IDLE_IN_TX.literal(), PolicyKind.LONG_RUNNING.literal());
    }
}
