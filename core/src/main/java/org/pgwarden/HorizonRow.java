package org.pgwarden;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * One row of {@code warden.horizon_report}: something that holds back the xmin horizon of
 * the cluster, the transaction id it holds, how old that is, and what would release it.
 * {@link Column} defines the columns of the SQL type {@code warden.horizon_row}, which the
 * build's SQL is generated from.
 *
 * @param holder a backend's backend_type ({@code client backend}, {@code walsender},
 *     {@code autovacuum worker}, ...), {@code prepared transaction}, {@code physical
 *     replication slot} or {@code logical replication slot}
 * @param pid the backend's pid, an active slot's active_pid; null for a prepared transaction
 *     and an inactive slot
 * @param name a backend's application_name, a prepared transaction's gid, a slot's name
 * @param usename a backend's role, a prepared transaction's owner; null for a slot
 * @param datname a backend's database, a prepared transaction's, a logical slot's
 * @param state a backend's state, {@code prepared}, or a slot's {@code active} or
 *     {@code inactive}
 * @param plugin a logical slot's output plugin, else null
 * @param xid the transaction id it holds, in its text form
 * @param xidKind which one: {@code xmin} (a snapshot's, a slot's, a standby's feedback),
 *     {@code catalog_xmin} (a slot's, for the system catalogs only) or {@code xid} (a
 *     transaction's own id)
 * @param xidAge age(xid), in transactions
 * @param heldSince the earliest it can have begun to hold it, where known: a backend's
 *     xact_start, a prepared transaction's prepared, an inactive slot's inactive_since
 *     (PostgreSQL 17+); else null
 * @param heldFor clock_timestamp() minus heldSince
 * @param advice which pgwarden function or which manual step would release it
 */
public record HorizonRow(
        String holder,
        Integer pid,
        String name,
        String usename,
        String datname,
        String state,
        String plugin,
        String xid,
        String xidKind,
        int xidAge,
        String heldSince,
        String heldFor,
        String advice) {

    /** The columns of warden.horizon_row, in order. */
    public enum Column implements RowColumn<HorizonRow> {
        HOLDER("holder", SqlType.TEXT, true),
        PID("pid", SqlType.INTEGER, true),
        NAME("name", SqlType.TEXT, true),
        USENAME("usename", SqlType.NAME, false),
        DATNAME("datname", SqlType.NAME, true),
        STATE("state", SqlType.TEXT, true),
        PLUGIN("plugin", SqlType.TEXT, false),
        XID("xid", SqlType.XID, false),
        XID_KIND("xid_kind", SqlType.TEXT, true),
        XID_AGE("xid_age", SqlType.INTEGER, true),
        HELD_SINCE("held_since", SqlType.TIMESTAMPTZ, false),
        HELD_FOR("held_for", SqlType.INTERVAL, true),
        ADVICE("advice", SqlType.TEXT, true);

        private final Spec spec;

        Column(String sqlName, SqlType type, boolean shown) {
            this.spec = new Spec(sqlName, type, shown, false);
        }

        @Override
        public Spec spec() {
            return spec;
        }

        @Override
        public Object value(HorizonRow r) {
            return switch (this) {
                case HOLDER -> r.holder();
                case PID -> r.pid();
                case NAME -> r.name();
                case USENAME -> r.usename();
                case DATNAME -> r.datname();
                case STATE -> r.state();
                case PLUGIN -> r.plugin();
                case XID -> r.xid();
                case XID_KIND -> r.xidKind();
                case XID_AGE -> r.xidAge();
                case HELD_SINCE -> r.heldSince();
                case HELD_FOR -> r.heldFor();
                case ADVICE -> r.advice();
            };
        }
    }

    public static final RowType<HorizonRow> TYPE = RowType.of("horizon_row", Column.values());

    /** The current row of a result of warden.horizon_row, read by column name. */
    public static HorizonRow read(ResultSet rs) throws SQLException {
        return ofValues(TYPE.read(rs));
    }

    /** The row of these column values, in {@link Column}'s order. */
    static HorizonRow ofValues(Values v) {
        return new HorizonRow(v.text(), v.integer(), v.text(), v.text(), v.text(), v.text(),
                v.text(), v.text(), v.text(), v.integer(), v.text(), v.text(), v.text());
    }
}
