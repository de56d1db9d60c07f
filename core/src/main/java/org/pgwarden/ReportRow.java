package org.pgwarden;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * One row of {@code warden.backend_report}: a client backend as pg_stat_activity shows it,
 * its ages measured to clock_timestamp(), its place in lock waits, the exemption that
 * protects it, and what pgwarden would do to it. {@link Column} defines the columns of the
 * SQL type {@code warden.backend_row}, which the build's SQL is generated from.
 *
 * @param xminAge age(backend_xmin): how many transactions old the snapshot it holds is, the
 *     xmin horizon it holds back ({@code warden.horizon_report}); null when it holds none
 * @param blockedBy the pids holding the lock it waits for
 * @param blocking how many backends wait directly for a lock it holds
 * @param exemption the note of the exemption that protects it, or null
 */
public record ReportRow(
        int pid,
        String datname,
        String usename,
        String applicationName,
        String clientAddr,
        String backendType,
        String state,
        String waitEventType,
        String waitEvent,
        String backendStart,
        String backendAge,
        String xactAge,
        Integer xminAge,
        String queryAge,
        String stateAge,
        List<Integer> blockedBy,
        int blocking,
        String exemption,
        String queryPreview,
        String advice) {

    /** The columns of warden.backend_row, in order. */
    public enum Column implements RowColumn<ReportRow> {
        PID("pid", SqlType.INTEGER, true),
        DATNAME("datname", SqlType.NAME, true),
        USENAME("usename", SqlType.NAME, true),
        APPLICATION_NAME("application_name", SqlType.TEXT, true),
        CLIENT_ADDR("client_addr", SqlType.INET, false),
        BACKEND_TYPE("backend_type", SqlType.TEXT, false),
        STATE("state", SqlType.TEXT, true),
        WAIT_EVENT_TYPE("wait_event_type", SqlType.TEXT, true),
        WAIT_EVENT("wait_event", SqlType.TEXT, false),
        BACKEND_START("backend_start", SqlType.TIMESTAMPTZ, false),
        BACKEND_AGE("backend_age", SqlType.INTERVAL, false),
        XACT_AGE("xact_age", SqlType.INTERVAL, false),
        XMIN_AGE("xmin_age", SqlType.INTEGER, false),
        QUERY_AGE("query_age", SqlType.INTERVAL, true),
        STATE_AGE("state_age", SqlType.INTERVAL, true),
        BLOCKED_BY("blocked_by", SqlType.INTEGER_ARRAY, true),
        BLOCKING("blocking", SqlType.INTEGER, false),
        EXEMPTION("exemption", SqlType.TEXT, false),
        QUERY_PREVIEW("query_preview", SqlType.TEXT, true),
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
        public Object value(ReportRow r) {
            return switch (this) {
                case PID -> r.pid();
                case DATNAME -> r.datname();
                case USENAME -> r.usename();
                case APPLICATION_NAME -> r.applicationName();
                case CLIENT_ADDR -> r.clientAddr();
                case BACKEND_TYPE -> r.backendType();
                case STATE -> r.state();
                case WAIT_EVENT_TYPE -> r.waitEventType();
                case WAIT_EVENT -> r.waitEvent();
                case BACKEND_START -> r.backendStart();
                case BACKEND_AGE -> r.backendAge();
                case XACT_AGE -> r.xactAge();
                case XMIN_AGE -> r.xminAge();
                case QUERY_AGE -> r.queryAge();
                case STATE_AGE -> r.stateAge();
                case BLOCKED_BY -> r.blockedBy();
                case BLOCKING -> r.blocking();
                case EXEMPTION -> r.exemption();
                case QUERY_PREVIEW -> r.queryPreview();
                case ADVICE -> r.advice();
            };
        }
    }

    public static final RowType<ReportRow> TYPE = RowType.of("backend_row", Column.values());

    /** The current row of a result of warden.backend_row, read by column name. */
    public static ReportRow read(ResultSet rs) throws SQLException {
        return ofValues(TYPE.read(rs));
    }

    /** The row of these column values, in {@link Column}'s order. */
    static ReportRow ofValues(Values v) {
        return new ReportRow(v.integer(), v.text(), v.text(), v.text(), v.text(), v.text(),
                v.text(), v.text(), v.text(), v.text(), v.text(), v.text(), v.integer(), v.text(),
                v.text(), v.integers(), v.integer(), v.text(), v.text(), v.text());
    }
}
