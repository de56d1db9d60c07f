package org.pgwarden;

import java.util.List;
import java.util.Map;

/**
 * Result rows as a JSON array of objects keyed by SQL column name: the form in which the
 * PL/Java entry points hand rows to SQL, which turns them back into typed rows with
 * json_populate_recordset. Values the server gave as text stay text and are parsed by the
 * column's own input function in the same session, so DateStyle and IntervalStyle agree.
 */
public final class Json {

    private final StringBuilder out = new StringBuilder();
    private boolean firstField;

    private Json() {
    }

    public static String actionRows(List<ActionRow> rows) {
        Json json = new Json();
        json.out.append('[');
        for (ActionRow r : rows) {
            json.beginObject().actionFields(r).endObject();
        }
        return json.out.append(']').toString();
    }

    /**
     * One object of the fields of {@code head}, in their order, then those of
     * {@link #actionRows}' objects: a line of the runner's JSON log.
     */
    public static String actionRow(Map<String, ?> head, ActionRow row) {
        Json json = new Json();
        return json.beginObject().fields(head).actionFields(row).endObject().out.toString();
    }

    /**
     * One object of the fields of {@code fields}, in their order: text, whole or decimal
     * numbers, booleans and nulls.
     */
    public static String object(Map<String, ?> fields) {
        Json json = new Json();
        return json.beginObject().fields(fields).endObject().out.toString();
    }

    private Json actionFields(ActionRow r) {
        return field("pid", r.pid())
                .field("usename", r.usename())
                .field("application_name", r.applicationName())
                .field("datname", r.datname())
                .field("client_addr", r.clientAddr())
                .field("backend_start", r.backendStart())
                .field("state", r.state())
                .field("age", r.age())
                .field("action", r.action().label())
                .field("outcome", r.outcomeText())
                .field("query_preview", r.queryPreview())
                .field("blocked_count", r.blockedCount())
                .field("waiting_pids", r.waitingPids())
                .field("policy", r.policy());
    }

    private Json fields(Map<String, ?> fields) {
        for (Map.Entry<String, ?> f : fields.entrySet()) {
            Object value = f.getValue();
            if (value instanceof Double d && (d.isNaN() || d.isInfinite())) {
                // JSON has no NaN or infinity.
                value = null;
            }
            if (value == null || value instanceof Number || value instanceof Boolean) {
                name(f.getKey()).out.append(value);
            } else {
                field(f.getKey(), value.toString());
            }
        }
        return this;
    }

    /**
     * Audit entries as warden.record_actions takes them: the columns of warden.action_log
     * that the writer may give; the server sets id, logged_at and caller.
     */
    static String auditRows(Run run, List<ActionRow> rows) {
        Json json = new Json();
        json.out.append('[');
        for (ActionRow r : rows) {
            json.beginObject()
                    .field("run_id", run.id())
                    .field("function", run.function())
                    .field("policy", r.policy())
                    .field("pid", r.pid())
                    .field("backend_start", r.backendStart())
                    .field("usename", r.usename())
                    .field("application_name", r.applicationName())
                    .field("datname", r.datname())
                    .field("client_addr", r.clientAddr())
                    .field("action", r.action().label())
                    .field("outcome", r.outcomeText())
                    .field("age", r.age())
                    .field("query_preview", r.queryPreview())
                    .field("blocked_count", r.blockedCount())
                    .field("waiting_pids", r.waitingPids())
                    .endObject();
        }
        return json.out.append(']').toString();
    }

    public static String reportRows(List<ReportRow> rows) {
        Json json = new Json();
        json.out.append('[');
        for (ReportRow r : rows) {
            json.beginObject()
                    .field("pid", r.pid())
                    .field("datname", r.datname())
                    .field("usename", r.usename())
                    .field("application_name", r.applicationName())
                    .field("client_addr", r.clientAddr())
                    .field("backend_type", r.backendType())
                    .field("state", r.state())
                    .field("wait_event_type", r.waitEventType())
                    .field("wait_event", r.waitEvent())
                    .field("backend_start", r.backendStart())
                    .field("backend_age", r.backendAge())
                    .field("xact_age", r.xactAge())
                    .field("xmin_age", r.xminAge())
                    .field("query_age", r.queryAge())
                    .field("state_age", r.stateAge())
                    .field("blocked_by", r.blockedBy())
                    .field("blocking", r.blocking())
                    .field("exemption", r.exemption())
                    .field("query_preview", r.queryPreview())
                    .field("advice", r.advice())
                    .endObject();
        }
        return json.out.append(']').toString();
    }

    public static String horizonRows(List<HorizonRow> rows) {
        Json json = new Json();
        json.out.append('[');
        for (HorizonRow r : rows) {
            json.beginObject()
                    .field("holder", r.holder())
                    .field("pid", r.pid())
                    .field("name", r.name())
                    .field("usename", r.usename())
                    .field("datname", r.datname())
                    .field("state", r.state())
                    .field("plugin", r.plugin())
                    .field("xid", r.xid())
                    .field("xid_kind", r.xidKind())
                    .field("xid_age", r.xidAge())
                    .field("held_since", r.heldSince())
                    .field("held_for", r.heldFor())
                    .field("advice", r.advice())
                    .endObject();
        }
        return json.out.append(']').toString();
    }

    private Json beginObject() {
        if (out.length() > 1) {
            out.append(',');
        }
        out.append('{');
        firstField = true;
        return this;
    }

    private Json endObject() {
        out.append('}');
        return this;
    }

    private Json name(String name) {
        if (!firstField) {
            out.append(',');
        }
        firstField = false;
        string(name);
        out.append(':');
        return this;
    }

    private Json field(String name, Integer value) {
        name(name).out.append(value == null ? "null" : value.toString());
        return this;
    }

    private Json field(String name, List<Integer> values) {
        name(name);
        if (values == null) {
            out.append("null");
            return this;
        }
        out.append('[');
        for (int i = 0; i < values.size(); i++) {
            out.append(i == 0 ? "" : ",").append(values.get(i));
        }
        out.append(']');
        return this;
    }

    private Json field(String name, String value) {
        name(name);
        if (value == null) {
            out.append("null");
        } else {
            string(value);
        }
        return this;
    }

    private void string(String s) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    // Beyond JSON's own rule (below U+0020): the line and paragraph
                    // separators, which some readers take as line ends, and the format
                    // characters (bidirectional overrides, zero-width), which make a line
                    // display otherwise than it reads: as Escape shows them in text. A
                    // surrogate stays, half of a character beyond the BMP.
                    if (c < 0x20 || (c >= 0x7f && !Character.isSurrogate(c)
                            && Escape.escaped(c))) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
