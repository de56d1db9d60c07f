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

    /** Rows of any row type: one object per row, keyed by its columns' SQL names. */
    public static <R> String rows(RowType<R> type, List<R> rows) {
        Json json = new Json();
        json.out.append('[');
        for (R r : rows) {
            json.beginObject().columns(type, r).endObject();
        }
        return json.out.append(']').toString();
    }

    public static String actionRows(List<ActionRow> rows) {
        return rows(ActionRow.TYPE, rows);
    }

    public static String reportRows(List<ReportRow> rows) {
        return rows(ReportRow.TYPE, rows);
    }

    public static String horizonRows(List<HorizonRow> rows) {
        return rows(HorizonRow.TYPE, rows);
    }

    /**
     * One object of the fields of {@code head}, in their order, then those of
     * {@link #actionRows}' objects: a line of the runner's JSON log.
     */
    public static String actionRow(Map<String, ?> head, ActionRow row) {
        Json json = new Json();
        return json.beginObject().fields(head).columns(ActionRow.TYPE, row).endObject()
                .out.toString();
    }

    /**
     * One object of the fields of {@code fields}, in their order: text, whole or decimal
     * numbers, booleans and nulls.
     */
    public static String object(Map<String, ?> fields) {
        Json json = new Json();
        return json.beginObject().fields(fields).endObject().out.toString();
    }

    /**
     * Audit entries as warden.record_actions takes them: the columns of warden.action_log
     * that the writer may give, the run's ({@link AuditLog.RunColumn}) and every column of the
     * row; the server sets id, logged_at and caller.
     */
    static String auditRows(Run run, List<ActionRow> rows) {
        Json json = new Json();
        json.out.append('[');
        for (ActionRow r : rows) {
            json.beginObject();
            for (AuditLog.RunColumn c : AuditLog.RunColumn.values()) {
                json.value(c.sqlName(), c.value(run));
            }
            json.columns(ActionRow.TYPE, r).endObject();
        }
        return json.out.append(']').toString();
    }

    private <R> Json columns(RowType<R> type, R row) {
        for (RowColumn<R> c : type.columns()) {
            value(c.sqlName(), c.value(row));
        }
        return this;
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

    /** A column's value in the Java type {@link SqlType} gives it. */
    private Json value(String name, Object value) {
        if (value instanceof Integer i) {
            return field(name, i);
        }
        if (value instanceof List<?> pids) {
            name(name);
            out.append('[');
            for (int i = 0; i < pids.size(); i++) {
                out.append(i == 0 ? "" : ",").append(pids.get(i));
            }
            out.append(']');
            return this;
        }
        return field(name, (String) value);
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
