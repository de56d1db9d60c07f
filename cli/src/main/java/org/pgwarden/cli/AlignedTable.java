package org.pgwarden.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.pgwarden.Escape;

/**
 * Prints rows as psql's aligned format does: a header, a rule, padded cells, a count. Each
 * row stays on one line and in line with the others: control characters in a value show as
 * the log's escapes ({@link Escape}), and cells are padded by their display width
 * ({@link DisplayWidth}), a wide East Asian character taking two columns.
 */
final class AlignedTable {

    private AlignedTable() {
    }

    static void write(Result result, PrintStream out) {
        List<String> columns = result.tableColumns();
        List<List<String>> cells = new ArrayList<>();
        for (Map<String, String> row : result.rows()) {
            List<String> line = new ArrayList<>();
            for (String column : columns) {
                line.add(cell(row.get(column)));
            }
            cells.add(line);
        }
        int[] widths = new int[columns.size()];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = DisplayWidth.of(columns.get(i));
            for (List<String> line : cells) {
                widths[i] = Math.max(widths[i], DisplayWidth.of(line.get(i)));
            }
        }
        out.println(line(columns, widths));
        StringBuilder rule = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            rule.append(i == 0 ? "" : "+").append("-".repeat(widths[i] + 2));
        }
        out.println(rule);
        for (List<String> line : cells) {
            out.println(line(line, widths));
        }
        int n = cells.size();
        out.println("(" + n + (n == 1 ? " row)" : " rows)"));
    }

    private static String line(List<String> values, int[] widths) {
        StringBuilder line = new StringBuilder();
        for (int i = 0; i < widths.length; i++) {
            String value = values.get(i);
            line.append(i == 0 ? " " : "| ").append(value)
                    .append(" ".repeat(widths[i] - DisplayWidth.of(value) + 1));
        }
        return line.toString().stripTrailing();
    }

    /** A value on one line: a query preview may hold line breaks and tabs. */
    static String cell(String value) {
        return value == null ? "" : Escape.controls(value);
    }
}
