package org.pgwarden;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * A result row type: the one definition of its columns, in order, that the SQL type
 * ({@code CREATE TYPE warden.<sqlName>}, generated from it), the JSON of the PL/Java entry
 * points, the runner's table, CSV and JSON, the watch log and the audit log all follow.
 *
 * @param sqlName the SQL type's name in schema warden
 * @param columns its columns, in the SQL type's order
 * @param <R> the Java row
 */
public record RowType<R>(String sqlName, List<RowColumn<R>> columns) {

    /** @param columns a column enum's values() */
    static <R> RowType<R> of(String sqlName, RowColumn<R>[] columns) {
        return new RowType<>(sqlName, List.of(columns));
    }

    /** The SQL names of every column, in order. */
    public List<String> names() {
        List<String> names = new ArrayList<>();
        for (RowColumn<R> c : columns) {
            names.add(c.sqlName());
        }
        return names;
    }

    /** The SQL names of the columns the runner's aligned table shows, in order. */
    public List<String> shownNames() {
        List<String> names = new ArrayList<>();
        for (RowColumn<R> c : columns) {
            if (c.shown()) {
                names.add(c.sqlName());
            }
        }
        return names;
    }

    /** The current row of {@code rs}, every column read by its name. */
    Values read(ResultSet rs) throws SQLException {
        List<Object> values = new ArrayList<>();
        for (RowColumn<R> c : columns) {
            values.add(c.type().read(rs, c.sqlName()));
        }
        return new Values(values);
    }

    /** The column values of {@code row}, in order. */
    public Values values(R row) {
        List<Object> values = new ArrayList<>();
        for (RowColumn<R> c : columns) {
            values.add(c.value(row));
        }
        return new Values(values);
    }
}
