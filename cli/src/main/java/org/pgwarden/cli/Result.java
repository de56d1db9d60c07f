package org.pgwarden.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.pgwarden.ActionRow;
import org.pgwarden.HorizonRow;
import org.pgwarden.Json;
import org.pgwarden.ReportRow;

/**
 * The rows a command produced, as text keyed by the SQL function's column names, in the SQL
 * result type's column order; plus the columns an aligned table shows and the JSON form.
 *
 * @param columns every column, in the order of warden.backend_row, warden.horizon_row or
 *     warden.action_row
 * @param tableColumns the columns a person reads first, for {@link Format#TABLE}
 * @param rows one map per row, column name to value (null for SQL NULL)
 * @param json the rows as the PL/Java entry points hand them to SQL
 */
record Result(List<String> columns, List<String> tableColumns,
        List<Map<String, String>> rows, String json) {

    private static final List<String> ACTION_COLUMNS = List.of("pid", "usename",
            "application_name", "datname", "client_addr", "backend_start", "state", "age",
            "action", "outcome", "query_preview", "blocked_count", "waiting_pids", "policy");
    private static final List<String> REPORT_COLUMNS = List.of("pid", "datname", "usename",
            "application_name", "client_addr", "backend_type", "state", "wait_event_type",
            "wait_event", "backend_start", "backend_age", "xact_age", "xmin_age", "query_age",
            "state_age", "blocked_by", "blocking", "exemption", "query_preview", "advice");
    private static final List<String> HORIZON_COLUMNS = List.of("holder", "pid", "name",
            "usename", "datname", "state", "plugin", "xid", "xid_kind", "xid_age", "held_since",
            "held_for", "advice");
    private static final List<String> HORIZON_TABLE = List.of("holder", "pid", "name",
            "datname", "state", "xid_kind", "xid_age", "held_for", "advice");
    private static final List<String> ACTION_TABLE = List.of("pid", "usename",
            "application_name", "datname", "state", "age", "action", "outcome",
            "query_preview");
    private static final List<String> REPORT_TABLE = List.of("pid", "datname", "usename",
            "application_name", "state", "wait_event_type", "query_age", "state_age",
            "blocked_by", "query_preview", "advice");

    static Result ofActions(List<ActionRow> actions) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (ActionRow r : actions) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("pid", String.valueOf(r.pid()));
            row.put("usename", r.usename());
            row.put("application_name", r.applicationName());
            row.put("datname", r.datname());
            row.put("client_addr", r.clientAddr());
            row.put("backend_start", r.backendStart());
            row.put("state", r.state());
            row.put("age", r.age());
            row.put("action", r.action().label());
            row.put("outcome", r.outcomeText());
            row.put("query_preview", r.queryPreview());
            row.put("blocked_count", r.blockedCount() == null ? null
                    : r.blockedCount().toString());
            row.put("waiting_pids", r.waitingPids() == null ? null : array(r.waitingPids()));
            row.put("policy", r.policy());
            rows.add(row);
        }
        return new Result(ACTION_COLUMNS, ACTION_TABLE, rows,
                Json.actionRows(actions));
    }

    static Result ofReport(List<ReportRow> report) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (ReportRow r : report) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("pid", String.valueOf(r.pid()));
            row.put("datname", r.datname());
            row.put("usename", r.usename());
            row.put("application_name", r.applicationName());
            row.put("client_addr", r.clientAddr());
            row.put("backend_type", r.backendType());
            row.put("state", r.state());
            row.put("wait_event_type", r.waitEventType());
            row.put("wait_event", r.waitEvent());
            row.put("backend_start", r.backendStart());
            row.put("backend_age", r.backendAge());
            row.put("xact_age", r.xactAge());
            row.put("xmin_age", r.xminAge() == null ? null : r.xminAge().toString());
            row.put("query_age", r.queryAge());
            row.put("state_age", r.stateAge());
            row.put("blocked_by", array(r.blockedBy()));
            row.put("blocking", String.valueOf(r.blocking()));
            row.put("exemption", r.exemption());
            row.put("query_preview", r.queryPreview());
            row.put("advice", r.advice());
            rows.add(row);
        }
        return new Result(REPORT_COLUMNS, REPORT_TABLE, rows,
                Json.reportRows(report));
    }

    static Result ofHorizon(List<HorizonRow> horizon) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (HorizonRow r : horizon) {
            Map<String, String> row = new LinkedHashMap<>();
            row.put("holder", r.holder());
            row.put("pid", r.pid() == null ? null : r.pid().toString());
            row.put("name", r.name());
            row.put("usename", r.usename());
            row.put("datname", r.datname());
            row.put("state", r.state());
            row.put("plugin", r.plugin());
            row.put("xid", r.xid());
            row.put("xid_kind", r.xidKind());
            row.put("xid_age", String.valueOf(r.xidAge()));
            row.put("held_since", r.heldSince());
            row.put("held_for", r.heldFor());
            row.put("advice", r.advice());
            rows.add(row);
        }
        return new Result(HORIZON_COLUMNS, HORIZON_TABLE, rows, Json.horizonRows(horizon));
    }

    /** PostgreSQL's text form of an integer[], as psql and CSV exports show it. */
    private static String array(List<Integer> pids) {
        return pids.stream().map(String::valueOf).collect(Collectors.joining(",", "{", "}"));
    }
}
