package org.pgwarden.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.pgwarden.ActionRow;
import org.pgwarden.HorizonRow;
import org.pgwarden.Json;
import org.pgwarden.ReportRow;
import org.pgwarden.RowColumn;
import org.pgwarden.RowType;

/**
 * The rows a command produced, as text keyed by the SQL function's column names, in the SQL
 * result type's column order; plus the columns an aligned table shows and the JSON form.
 * Every list comes from the row type's one definition ({@link RowType}).
 *
 * @param columns every column, in the order of warden.backend_row, warden.horizon_row or
 *     warden.action_row
 * @param tableColumns the columns a person reads first, for {@link Format#TABLE}
 * @param rows one map per row, column name to value (null for SQL NULL)
 * @param json the rows as the PL/Java entry points hand them to SQL
 */
record Result(List<String> columns, List<String> tableColumns,
        List<Map<String, String>> rows, String json) {

    static Result ofActions(List<ActionRow> actions) {
        return of(ActionRow.TYPE, actions);
    }

    static Result ofReport(List<ReportRow> report) {
        return of(ReportRow.TYPE, report);
    }

    static Result ofHorizon(List<HorizonRow> horizon) {
        return of(HorizonRow.TYPE, horizon);
    }

    static <R> Result of(RowType<R> type, List<R> values) {
        List<Map<String, String>> rows = new ArrayList<>();
        for (R r : values) {
            Map<String, String> row = new LinkedHashMap<>();
            for (RowColumn<R> c : type.columns()) {
                row.put(c.sqlName(), c.text(r));
            }
            rows.add(row);
        }
        return new Result(type.names(), type.shownNames(), rows, Json.rows(type, values));
    }
}
