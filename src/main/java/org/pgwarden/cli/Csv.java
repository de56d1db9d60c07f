package org.pgwarden.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;

/** Prints every column as CSV: a header line, one line per row, RFC 4180 quoting. */
final class Csv {

    private Csv() {
    }

    static void write(Result result, PrintStream out) {
        List<String> columns = result.columns();
        out.println(String.join(",", columns.stream().map(Csv::field).toList()));
        for (Map<String, String> row : result.rows()) {
            out.println(String.join(",", columns.stream().map(c -> field(row.get(c))).toList()));
        }
    }

    /** One field: empty for NULL, quoted when it holds a comma, quote or line break. */
    static String field(String value) {
        if (value == null) {
            return "";
        }
        if (value.chars().noneMatch(c -> c == ',' || c == '"' || c == '\n' || c == '\r')) {
            return value;
        }
        return '"' + value.replace("\"", "\"\"") + '"';
    }
}
