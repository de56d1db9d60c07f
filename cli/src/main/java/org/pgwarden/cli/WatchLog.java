package org.pgwarden.cli;

import java.io.PrintStream;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pgwarden.ActionRow;
import org.pgwarden.Escape;
import org.pgwarden.Json;

/**
 * watch's lines on stdout, one per event: started, each action row, each run, connection
 * lost and back, stopped. Every line starts with its time and event; as text the fields
 * follow as key=value, in JSON (JSON Lines) they are the keys of one object. An action row
 * has the columns of enforce's result, under their SQL names.
 */
final class WatchLog {

    private final PrintStream out;
    private final LogFormat format;
    private final Clock clock;

    WatchLog(PrintStream out, LogFormat format, Clock clock) {
        this.out = out;
        this.format = format;
        this.clock = clock;
    }

    void event(String event, Map<String, ?> fields) {
        Map<String, Object> head = head(event);
        head.putAll(fields);
        write(format == LogFormat.JSON ? Json.object(head) : text(head));
    }

    /**
     * @param audited whether warden.action_log holds the row: not in a dry run, nor on a hot
     *     standby or without the tables, where run_id names no rows there
     */
    void action(long run, String runId, boolean audited, ActionRow row) {
        Map<String, Object> head = head("action");
        head.put("run", run);
        head.put("run_id", runId);
        if (!audited) {
            head.put("audit", false);
        }
        if (format == LogFormat.JSON) {
            write(Json.actionRow(head, row));
            return;
        }
        head.putAll(Result.ofActions(List.of(row)).rows().get(0));
        write(text(head));
    }

    private Map<String, Object> head(String event) {
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("time", clock.instant().toString());
        head.put("event", event);
        return head;
    }

    // One println and a flush per line: lines of the shutdown hook's thread and the loop's
    // never interleave, and a pipe to a log shipper gets each line when it happens.
    private synchronized void write(String line) {
        out.println(line);
        out.flush();
    }

    /** TIME EVENT key=value ...; a null value is left out. */
    private static String text(Map<String, Object> fields) {
        StringBuilder line = new StringBuilder();
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            if (f.getValue() == null) {
                continue;
            }
            if (line.length() > 0) {
                line.append(' ');
            }
            String key = f.getKey();
            if (key.equals("time") || key.equals("event")) {
                line.append(f.getValue());
            } else {
                line.append(key).append('=').append(value(f.getValue().toString()));
            }
        }
        return line.toString();
    }

    /**
     * A value as it can be read back: bare when it has no space, quote, equals sign or
     * backslash; else double-quoted with \" inside. Control characters are escaped as in the
     * server log, so that a client's text cannot start a line of its own.
     */
    static String value(String v) {
        String escaped = Escape.controls(v);
        if (!escaped.isEmpty() && escaped.chars().noneMatch(c -> c == ' ' || c == '"'
                || c == '=' || c == '\\')) {
            return escaped;
        }
        return '"' + escaped.replace("\"", "\\\"") + '"';
    }
}
