package org.pgwarden;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * One row of an action function's result: a targeted backend and what was done to it.
 * {@link Column} defines the columns of the SQL type {@code warden.action_row}, which the
 * build's SQL is generated from; {@code detail} is no column of its own, but part of
 * {@code outcome}'s text.
 *
 * @param detail what the outcome shows besides its label ({@link Outcome#text}): the
 *     exemption's note when {@link Outcome#EXEMPT}, a prepared transaction's gid, ...
 * @param blockedCount for terminate_blockers, how many backends waited behind it
 * @param waitingPids for terminate_blockers, which
 * @param policy for enforce, the policy that selected it
 */
public record ActionRow(
        int pid,
        String usename,
        String applicationName,
        String datname,
        String clientAddr,
        String backendStart,
        String state,
        String age,
        Action action,
        Outcome outcome,
        String detail,
        String queryPreview,
        Integer blockedCount,
        List<Integer> waitingPids,
        String policy) {

    /** The columns of warden.action_row, in order; warden.action_log stores each one too. */
    public enum Column implements RowColumn<ActionRow> {
        PID("pid", SqlType.INTEGER, true, true),
        USENAME("usename", SqlType.NAME, true, false),
        APPLICATION_NAME("application_name", SqlType.TEXT, true, false),
        DATNAME("datname", SqlType.NAME, true, false),
        CLIENT_ADDR("client_addr", SqlType.INET, false, false),
        BACKEND_START("backend_start", SqlType.TIMESTAMPTZ, false, false),
        STATE("state", SqlType.TEXT, true, false),
        AGE("age", SqlType.INTERVAL, true, false),
        ACTION("action", SqlType.TEXT, true, true),
        OUTCOME("outcome", SqlType.TEXT, true, true),
        QUERY_PREVIEW("query_preview", SqlType.TEXT, true, false),
        BLOCKED_COUNT("blocked_count", SqlType.INTEGER, false, false),
        WAITING_PIDS("waiting_pids", SqlType.INTEGER_ARRAY, false, false),
        POLICY("policy", SqlType.TEXT, false, false);

        private final Spec spec;

        Column(String sqlName, SqlType type, boolean shown, boolean notNull) {
            this.spec = new Spec(sqlName, type, shown, notNull);
        }

        @Override
        public Spec spec() {
            return spec;
        }

        @Override
        public Object value(ActionRow r) {
            return switch (this) {
                case PID -> r.pid();
                case USENAME -> r.usename();
                case APPLICATION_NAME -> r.applicationName();
                case DATNAME -> r.datname();
                case CLIENT_ADDR -> r.clientAddr();
                case BACKEND_START -> r.backendStart();
                case STATE -> r.state();
                case AGE -> r.age();
                case ACTION -> r.action().label();
                case OUTCOME -> r.outcomeText();
                case QUERY_PREVIEW -> r.queryPreview();
                case BLOCKED_COUNT -> r.blockedCount();
                case WAITING_PIDS -> r.waitingPids();
                case POLICY -> r.policy();
            };
        }
    }

    public static final RowType<ActionRow> TYPE = RowType.of("action_row", Column.values());

    /** The current row of a result of warden.action_row, read by column name. */
    public static ActionRow read(ResultSet rs) throws SQLException {
        return ofValues(TYPE.read(rs));
    }

    /** The row of these column values, in {@link Column}'s order. */
    static ActionRow ofValues(Values v) {
        int pid = v.integer();
        String usename = v.text();
        String applicationName = v.text();
        String datname = v.text();
        String clientAddr = v.text();
        String backendStart = v.text();
        String state = v.text();
        String age = v.text();
        Action action = Action.ofLabel(v.text());
        String outcomeText = v.text();
        Outcome outcome = Outcome.ofLabel(outcomeText);
        return new ActionRow(pid, usename, applicationName, datname, clientAddr, backendStart,
                state, age, action, outcome, outcome.detailOf(outcomeText), v.text(),
                v.integer(), v.integers(), v.text());
    }

    static ActionRow of(Candidate c, Action action, Outcome outcome, String policy) {
        return new ActionRow(c.pid(), c.usename(), c.applicationName(), c.datname(),
                c.clientAddr(), c.backendStart(), c.state(), c.age(), action, outcome,
                outcome == Outcome.EXEMPT ? c.exemption() : null, c.queryPreview(),
                c.blockedCount(), c.waitingPids(), policy);
    }

    /** A row for a backend nothing was sent to, for the reason {@code detail} gives. */
    static ActionRow skipped(Candidate c, Outcome outcome, String detail, String policy) {
        return new ActionRow(c.pid(), c.usename(), c.applicationName(), c.datname(),
                c.clientAddr(), c.backendStart(), c.state(), c.age(), Action.NONE, outcome,
                detail, c.queryPreview(), c.blockedCount(), c.waitingPids(), policy);
    }

    /** The exemption's note when the outcome is {@link Outcome#EXEMPT}, else null. */
    public String exemption() {
        return outcome == Outcome.EXEMPT ? detail : null;
    }

    /** The outcome column: the outcome's label, with its detail where it has one. */
    public String outcomeText() {
        return outcome.text(detail);
    }
}
