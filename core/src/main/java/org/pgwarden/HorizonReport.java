package org.pgwarden;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The work of {@code warden.horizon_report}: what holds back the xmin horizon of the cluster,
 * below which VACUUM may remove no dead row version, and what would release each holder. One
 * SQL statement that the core runs over any connection and that the build also installs as
 * the PL/pgSQL function itself (sql/generated/horizon_report.sql, written by the tests'
 * HorizonFunction): it signals nothing and starts no JVM.
 *
 * <p>The holders: backends with a snapshot (backend_xmin) or a transaction id (backend_xid),
 * among them walsenders that carry a standby's hot_standby_feedback without a slot; prepared
 * transactions, which hold their xid until ROLLBACK or COMMIT PREPARED, across restarts; and
 * replication slots, whose xmin (a standby's feedback) holds back every table and whose
 * catalog_xmin (logical decoding) the system catalogs, whether a consumer is connected or
 * not. A backend or a prepared transaction holds back vacuum in its own database and of the
 * shared catalogs; a slot, in every database.
 */
public final class HorizonReport {

    /*
     * A backend holds the older of its xid and its snapshot's xmin: a transaction that wrote
     * keeps its xid after its snapshot is gone. A READ COMMITTED transaction takes a snapshot
     * per statement, so xact_start is when the hold began at the earliest. A cancelled
     * statement aborts its transaction, which lets go of both at once (the session then
     * shows idle in transaction (aborted), holding nothing). inactive_since exists from
     * PostgreSQL 17 on: read through to_jsonb, so that one text serves every version. The
     * caller's own snapshot is the report's, and is left out.
     */
    private static final String QUERY = """
        WITH moment AS MATERIALIZED (
            SELECT pg_catalog.clock_timestamp() AS now
        ),
        held AS (
            SELECT a.*,
                   CASE WHEN a.backend_xmin IS NULL
                             OR pg_catalog.age(a.backend_xid) > pg_catalog.age(a.backend_xmin)
                        THEN 'xid' ELSE 'xmin'
                   END AS xid_kind
            FROM pg_catalog.pg_stat_activity AS a
            WHERE (a.backend_xmin IS NOT NULL OR a.backend_xid IS NOT NULL)
              AND a.pid <> pg_catalog.pg_backend_pid()
        ),
        backends AS (
            SELECT h.backend_type AS holder, h.pid, h.application_name AS name, h.usename,
                   h.datname, h.state, NULL::text AS plugin,
                   CASE h.xid_kind WHEN 'xid' THEN h.backend_xid ELSE h.backend_xmin END AS xid,
                   h.xid_kind, h.xact_start AS held_since, %1$s AS advice
            FROM (SELECT a.*, %2$s AS exemption FROM held AS a) AS h
            CROSS JOIN moment AS m
        ),
        prepared AS (
            SELECT 'prepared transaction' AS holder, NULL::integer AS pid, p.gid AS name,
                   p.owner AS usename, p.database AS datname, 'prepared' AS state,
                   NULL::text AS plugin, p.transaction AS xid, 'xid' AS xid_kind,
                   p.prepared AS held_since, %3$s AS advice
            FROM pg_catalog.pg_prepared_xacts AS p
        ),
        slots AS (
            SELECT s.slot_type || ' replication slot' AS holder, s.active_pid AS pid,
                   s.slot_name::text AS name, NULL::name AS usename, s.database AS datname,
                   CASE WHEN s.active THEN 'active' ELSE 'inactive' END AS state,
                   s.plugin::text AS plugin, x.xid, x.xid_kind,
                   CASE WHEN NOT s.active
                       THEN (pg_catalog.to_jsonb(s) ->> 'inactive_since')::timestamptz
                   END AS held_since, %4$s AS advice
            FROM pg_catalog.pg_replication_slots AS s
            CROSS JOIN LATERAL (VALUES (s.xmin, 'xmin'), (s.catalog_xmin, 'catalog_xmin'))
                AS x (xid, xid_kind)
            WHERE x.xid IS NOT NULL
        )
        SELECT h.holder, h.pid, h.name, h.usename, h.datname, h.state, h.plugin, h.xid,
               h.xid_kind, pg_catalog.age(h.xid) AS xid_age, h.held_since,
               m.now - h.held_since AS held_for, h.advice
        FROM (SELECT * FROM backends
              UNION ALL SELECT * FROM prepared
              UNION ALL SELECT * FROM slots) AS h
        CROSS JOIN moment AS m
        ORDER BY xid_age DESC, h.held_since NULLS LAST, h.holder, h.name""";

    /*
     * A client backend: what pgwarden would end it with, and the threshold that would catch
     * it now; where no call of pgwarden's fits, a pg_terminate_backend that checks
     * backend_start, for the pid is another backend's once this one exits. A non-client
     * backend's snapshot goes with its work; a VACUUM's (autovacuum's included) holds back
     * no other VACUUM. A walsender holds an xmin for a standby's hot_standby_feedback when
     * the standby streams without a slot.
     */
    private static final String BACKEND_ADVICE = """
        CASE h.backend_type
                WHEN 'client backend' THEN CASE
                    WHEN h.exemption IS NOT NULL
                        THEN 'none by pgwarden: exempt (' || h.exemption || '); ' || %2$s
                    WHEN %3$s
                        THEN 'reap_idle_in_tx would terminate it with a threshold under '
                            || (m.now - h.state_change)
                            || ', end_long_transactions with one under '
                            || (m.now - h.xact_start)
                    WHEN %4$s
                        THEN 'cancel_long_running would cancel it with a threshold under '
                            || (m.now - h.query_start)
                            || ' (the cancel aborts its transaction, which lets go of it),'
                            || ' end_long_transactions with one under '
                            || (m.now - h.xact_start)
                    WHEN h.state = '%5$s' AND h.xact_start IS NOT NULL
                        THEN 'end_long_transactions would cancel, then terminate it with a'
                            || ' threshold under ' || (m.now - h.xact_start)
                    ELSE %2$s
                END
                WHEN 'walsender' THEN 'hot_standby_feedback of the standby '
                    || %1$s || ', which streams without a slot: end the long queries'
                    || ' on that standby, or turn hot_standby_feedback off there'
                WHEN 'autovacuum worker' THEN 'none needed: autovacuum lets go of it when'
                    || ' its table is done, and a VACUUM''s xmin holds back no other VACUUM'
                ELSE 'none needed: the ' || h.backend_type || ' lets go of it when its work'
                    || ' is done'
            END""";

    /* In ISO 8601 and UTC: read back as the same instant whatever DateStyle and TimeZone. */
    private static final String TERMINATE = """
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE pid = ' || h.pid
                            || ' AND backend_start = ''' || pg_catalog.to_char(
                                h.backend_start AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US')
                            || '+00'' would release it, and ends no later backend given its'
                            || ' pid'""";

    private static final String PREPARED_ADVICE = """
        'ROLLBACK PREPARED ' || %1$s || ' (or COMMIT PREPARED ' || %1$s
                       || ') in database ' || %2$s || ' releases it: no pgwarden call does'""";

    /*
     * A slot's xmin comes from a standby's hot_standby_feedback, and stays while the standby
     * is away; its catalog_xmin from logical decoding, and advances only as the consumer
     * confirms. A logical slot can only be dropped in its own database.
     */
    private static final String SLOT_ADVICE = """
        CASE
                WHEN s.slot_type = 'logical' AND s.active
                    THEN 'its consumer (pid ' || s.active_pid || ') has not confirmed the'
                        || ' changes past it: let the consumer catch up, or stop it and'
                        || ' SELECT pg_drop_replication_slot(' || %1$s || ') in database '
                        || %2$s
                WHEN s.slot_type = 'logical'
                    THEN 'no consumer reads it: SELECT pg_drop_replication_slot(' || %1$s
                        || ') in database ' || %2$s || ' releases it, if nothing will read'
                        || ' from it again (a subscriber would need a new slot and copy)'
                WHEN s.active
                    THEN 'hot_standby_feedback of the standby streaming through it (pid '
                        || s.active_pid || '): end the long queries on that standby, or'
                        || ' turn hot_standby_feedback off there'
                ELSE 'its standby is disconnected and its last hot_standby_feedback stays:'
                    || ' reconnect the standby, or SELECT pg_drop_replication_slot('
                    || %1$s || ') if it is gone'
            END""";

    private HorizonReport() {
    }

    /**
     * One row per holder of the xmin horizon, the oldest (largest xid_age) first: the first
     * row is the one that sets the horizon. Needs pg_read_all_stats (warden_operator) to see
     * other roles' backends; prepared transactions and slots are visible to every role.
     * Refuses (55000) a call outside pgwarden's home database.
     */
    public static List<HorizonRow> run(Connection conn) throws SQLException {
        Installation installation = Installation.probe(conn);
        List<HorizonRow> rows = new ArrayList<>();
        // pg_stat_activity is cached for the transaction.
        Activity.clearSnapshot(conn);
        try (PreparedStatement ps = conn.prepareStatement(query(installation.tables()));
                ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                rows.add(HorizonRow.read(rs));
            }
        }
        return rows;
    }

    /** The report's statement, with exemptions if pgwarden's tables are installed. */
    static String query(boolean tables) {
        return QUERY.formatted(
                BACKEND_ADVICE.formatted(SqlLiteral.of("h.application_name"), TERMINATE,
                        Selection.IDLE_IN_TRANSACTION.inState("h.state"),
                        Selection.LONG_RUNNING.inState("h.state"), States.FASTPATH),
                ActivitySql.exemption(tables),
                PREPARED_ADVICE.formatted(SqlLiteral.of("p.gid"),
                        SqlLiteral.of("p.database::text")),
                SLOT_ADVICE.formatted(SqlLiteral.of("s.slot_name::text"),
                        SqlLiteral.of("s.database::text")));
    }
}
