package org.pgwarden;

import java.util.ArrayList;
import java.util.List;

/**
 * The SQL copies of the row types' one definition ({@link RowType}: {@link ActionRow.Column},
 * {@link ReportRow.Column}, {@link HorizonRow.Column}, and the audit's
 * {@link AuditLog.RunColumn}): the CREATE TYPE statements in sql/functions.sql, and
 * warden.action_log and its writer in sql/schema.sql, each a region that {@link GeneratedSql}
 * names and GeneratedSqlTest keeps current.
 */
final class RowTypesSql {

    private static final int WIDTH = 100;

    private RowTypesSql() {
    }

    static String backendRow() {
        return createType(ReportRow.TYPE);
    }

    static String horizonRow() {
        return createType(HorizonRow.TYPE);
    }

    static String actionRow() {
        return createType(ActionRow.TYPE);
    }

    /**
     * The audit table: the server's own columns, the run's, then every column of
     * warden.action_row; and for a table an earlier release created, the columns it lacks.
     */
    static String actionLog() {
        StringBuilder sql = new StringBuilder("""
                CREATE TABLE IF NOT EXISTS warden.action_log (
                    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                    logged_at timestamptz NOT NULL DEFAULT clock_timestamp(),
                    caller name NOT NULL DEFAULT current_user""");
        for (RowColumn<?> c : auditColumns()) {
            sql.append(",\n    ").append(c.sqlName()).append(' ').append(c.type().sql())
                    .append(c.notNull() ? " NOT NULL" : "");
        }
        sql.append("\n);\n");
        List<String> pairs = new ArrayList<>();
        for (RowColumn<?> c : auditColumns()) {
            pairs.add("(''" + c.sqlName() + "'', ''" + c.type().sql() + "'')");
        }
        sql.append("""
                DO 'DECLARE
                    c record;
                BEGIN
                    FOR c IN SELECT n.name, n.type
                """);
        sql.append(wrap("             FROM (VALUES ", pairs, "                   ",
                ") AS n (name, type)"));
        sql.append("""
                             WHERE n.name NOT IN (SELECT a.attname::text
                                                  FROM pg_catalog.pg_attribute AS a
                                                  WHERE a.attrelid = ''warden.action_log''::regclass
                                                    AND NOT a.attisdropped) LOOP
                        EXECUTE pg_catalog.format(
                            ''ALTER TABLE warden.action_log ADD COLUMN %I %s'', c.name, c.type);
                    END LOOP;
                END';
                """);
        return sql.toString();
    }

    /** warden.record_actions: every column the writer gives, from the JSON AuditLog sends. */
    static String recordActions() {
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        List<String> definitions = new ArrayList<>();
        for (RowColumn<?> c : auditColumns()) {
            names.add(c.sqlName());
            values.add("e." + c.sqlName());
            definitions.add(c.sqlName() + " " + c.type().sql());
        }
        return """
                CREATE OR REPLACE FUNCTION warden.record_actions(entries json)
                    RETURNS void LANGUAGE sql VOLATILE SECURITY DEFINER
                    SET search_path = pg_catalog, pg_temp
                    AS '
                """
                + wrap("INSERT INTO warden.action_log (caller, ", names, "    ", ")")
                + """
                SELECT CASE WHEN current_setting(''role'') = ''none'' THEN session_user
                            ELSE current_setting(''role'')::name END,
                """
                + wrap("       ", values, "       ", "")
                + wrap("FROM json_to_recordset(entries) AS e (", definitions, "    ", ")';");
    }

    private static List<RowColumn<?>> auditColumns() {
        List<RowColumn<?>> columns = new ArrayList<>(List.of(AuditLog.RunColumn.values()));
        columns.addAll(ActionRow.TYPE.columns());
        return columns;
    }

    private static String createType(RowType<?> type) {
        StringBuilder sql = new StringBuilder("CREATE TYPE warden.").append(type.sqlName())
                .append(" AS (\n");
        List<? extends RowColumn<?>> columns = type.columns();
        for (int i = 0; i < columns.size(); i++) {
            RowColumn<?> c = columns.get(i);
            sql.append("    ").append(c.sqlName()).append(' ').append(c.type().sql())
                    .append(i == columns.size() - 1 ? "\n" : ",\n");
        }
        return sql.append(");\n").toString();
    }

    /**
     * {@code first}, then the items, each but the last followed by a comma, in lines of at
     * most WIDTH characters that start with {@code indent} after the first; then {@code last}
     * and a line end.
     */
    private static String wrap(String first, List<String> items, String indent, String last) {
        StringBuilder text = new StringBuilder();
        StringBuilder line = new StringBuilder(first);
        boolean lineStart = true;
        for (int i = 0; i < items.size(); i++) {
            String item = items.get(i) + (i == items.size() - 1 ? last : ",");
            if (!lineStart && line.length() + 1 + item.length() > WIDTH) {
                text.append(line).append('\n');
                line = new StringBuilder(indent);
                lineStart = true;
            }
            line.append(lineStart ? "" : " ").append(item);
            lineStart = false;
        }
        return text.append(line).append('\n').toString();
    }
}
