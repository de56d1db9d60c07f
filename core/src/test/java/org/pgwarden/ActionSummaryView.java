package org.pgwarden;

import java.util.Arrays;
import java.util.List;

/**
 * warden.action_summary, generated into sql/schema.sql ({@link GeneratedSql}): its labels are
 * the values pgwarden writes, and nothing else. A row written through warden.record_actions
 * may hold any text, and a label names no session. The view reads each outcome's label off
 * the outcome column's text with a CASE that must know every outcome ({@link Outcome}'s
 * rule), and knows the functions and actions ({@link Action}) that write rows.
 */
final class ActionSummaryView {

    /** The functions whose runs write audit rows, enforce()'s under its policies' kinds. */
    static final List<String> FUNCTIONS = List.of(IdleTransactionReaper.FUNCTION,
            LongRunningCanceller.FUNCTION, BlockerTerminator.FUNCTION,
            LongTransactionEnder.FUNCTION);

    private ActionSummaryView() {
    }

    /* The counts, after the labels. */
    private static final String COUNTS = """
               pg_catalog.count(*) FILTER (WHERE a.logged_at > pg_catalog.now() - interval '1 hour')
                   AS last_hour,
               pg_catalog.count(*) AS last_day,
               pg_catalog.max(a.logged_at) AS last_logged_at
        FROM warden.action_log AS a
        WHERE a.logged_at > pg_catalog.now() - interval '1 day'
        GROUP BY 1, 2, 3, 4;""";

    /** The view. */
    static String view() {
        return "CREATE OR REPLACE VIEW warden.action_summary AS\n" + labelColumns() + COUNTS;
    }

    /** The view's label columns: function, policy, action and outcome, or else other. */
    static String labelColumns() {
        StringBuilder sql = new StringBuilder("SELECT ");
        sql.append(known("function", FUNCTIONS)).append(" AS function,\n");
        sql.append("""
                       CASE
                           WHEN a.policy IS NULL
                                OR EXISTS (SELECT FROM warden.policy AS p WHERE p.name = a.policy)
                               THEN a.policy
                           ELSE 'other'
                       END AS policy,
                """);
        sql.append("       ").append(known("action",
                Arrays.stream(Action.values()).map(Action::label).toList()))
                .append(" AS action,\n");
        sql.append("       CASE\n").append(in("outcome",
                Arrays.stream(Outcome.values()).map(Outcome::label).toList()));
        for (Outcome o : Outcome.values()) {
            String prefix = prefix(o);
            if (prefix != null) {
                sql.append("           WHEN pg_catalog.starts_with(a.outcome, ")
                        .append(literal(prefix)).append(")\n               THEN ")
                        .append(literal(o.label())).append('\n');
            }
        }
        return sql.append("           ELSE 'other'\n       END AS outcome,\n").toString();
    }

    /** A CASE that keeps {@code column} where it is one of {@code values}, else other. */
    private static String known(String column, List<String> values) {
        return "CASE\n" + in(column, values) + "           ELSE 'other'\n       END";
    }

    /** The WHEN of {@code column} IN {@code values}, wrapped at 100 columns. */
    private static String in(String column, List<String> values) {
        StringBuilder sql = new StringBuilder();
        StringBuilder line = new StringBuilder("           WHEN a." + column + " IN (");
        for (int i = 0; i < values.size(); i++) {
            String item = literal(values.get(i)) + (i == values.size() - 1 ? ")" : ",");
            if (line.length() + 1 + item.length() > 100 && !line.toString().endsWith("(")) {
                sql.append(line).append('\n');
                line = new StringBuilder("               ");
            } else if (!line.toString().endsWith("(")) {
                line.append(' ');
            }
            line.append(item);
        }
        return sql.append(line).append("\n               THEN a.").append(column).append('\n')
                .toString();
    }

    /** What the outcome column holds before the detail, or null for an outcome without. */
    static String prefix(Outcome o) {
        String text = o.text("\0");
        int at = text.indexOf('\0');
        return at < 0 ? null : text.substring(0, at);
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
