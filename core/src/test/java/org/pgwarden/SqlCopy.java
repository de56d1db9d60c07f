package org.pgwarden;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The columns of the row types and of the audit writer as the committed SQL declares them
 * (sql/functions.sql, sql/schema.sql), which is what the server is given: read from the text,
 * not from the core's definition, so that a printer's columns compared with these are
 * compared with what SQL knows.
 */
public final class SqlCopy {

    private SqlCopy() {
    }

    /** The column names of {@code CREATE TYPE warden.TYPE}, in order. */
    public static List<String> typeColumns(String type) {
        return names(between(read("functions.sql"), "CREATE TYPE warden." + type + " AS (",
                "\n);"));
    }

    /**
     * The keys warden.record_actions reads from the audit JSON: its json_to_recordset column
     * definition list, in order.
     */
    public static List<String> auditKeys() {
        String function = between(read("schema.sql"),
                "CREATE OR REPLACE FUNCTION warden.record_actions(entries json)", "';");
        return names(between(function, "json_to_recordset(entries) AS e (", ")"));
    }

    /** The keys of the first object of {@code json}, in order. */
    public static List<String> jsonKeys(String json) {
        String first = json.substring(0, json.indexOf('}') + 1);
        List<String> keys = new ArrayList<>();
        Matcher m = Pattern.compile("\"(\\w+)\":").matcher(first);
        while (m.find()) {
            keys.add(m.group(1));
        }
        return keys;
    }

    private static List<String> names(String definitions) {
        List<String> names = new ArrayList<>();
        for (String column : definitions.split(",")) {
            names.add(column.trim().split("\\s+")[0]);
        }
        return names;
    }

    private static String between(String text, String start, String end) {
        Matcher m = Pattern.compile(Pattern.quote(start) + "(.*?)" + Pattern.quote(end),
                Pattern.DOTALL).matcher(text);
        if (!m.find()) {
            throw new AssertionError("not found: " + start);
        }
        return m.group(1);
    }

    private static String read(String file) {
        try {
            return Files.readString(Path.of(System.getProperty("pgwarden.basedir", "."), "sql",
                    file));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
