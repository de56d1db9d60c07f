package org.pgwarden.cli;

import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import org.pgwarden.Escape;

/**
 * Prints every column as CSV: a header line, one line per row, RFC 4180 quoting.
 *
 * <p>A spreadsheet that opens the file must see text, never a formula, and the text of a
 * session is chosen by its client: a query or a role name such as {@code =HYPERLINK(...)}
 * would otherwise run when the file is opened. So, following OWASP's advice on CSV
 * injection, a cell whose first character (after any spaces) is {@code =}, {@code +},
 * {@code -} or {@code @} starts with a single quote, which spreadsheets take for "text"; and
 * control characters are escaped as in the server log ({@link Escape}), so that no cell
 * starts with a tab or a carriage return, and every row is one line. No number is changed:
 * the numeric columns (pid, blocked_count) are never negative, and the ages are measured up
 * to now and never negative either; a query that starts with a {@code --} comment does show
 * as {@code '--}. A cell that holds a semicolon is quoted too, for the spreadsheets that
 * split at semicolons in some locales.
 */
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

    /**
     * One field: empty for NULL, escaped, a formula made text, quoted when it holds a comma,
     * quote or semicolon.
     */
    static String field(String value) {
        if (value == null) {
            return "";
        }
        String text = Escape.controls(value);
        if (formula(text)) {
            text = "'" + text;
        }
        if (text.chars().noneMatch(c -> c == ',' || c == '"' || c == ';')) {
            return text;
        }
        return '"' + text.replace("\"", "\"\"") + '"';
    }

    /** Whether a spreadsheet would read {@code text} as a formula. */
    static boolean formula(String text) {
        String start = text.stripLeading();
        return !start.isEmpty() && "=+-@".indexOf(start.charAt(0)) >= 0;
    }
}
