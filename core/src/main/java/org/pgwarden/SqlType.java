package org.pgwarden;

import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;

/**
 * The SQL type of a result row's column, and the Java value that carries it: an
 * {@link Integer} for integer, a {@code List<Integer>} for integer[], and for every other
 * type the server's text form, which SQL parses back with the column's own input function in
 * the same session (so DateStyle and IntervalStyle agree).
 */
enum SqlType {
    INTEGER("integer"),
    INTEGER_ARRAY("integer[]"),
    TEXT("text"),
    NAME("name"),
    INET("inet"),
    TIMESTAMPTZ("timestamptz"),
    INTERVAL("interval"),
    XID("xid"),
    UUID("uuid");

    private final String sql;

    SqlType(String sql) {
        this.sql = sql;
    }

    /** The type as a column definition names it. */
    public String sql() {
        return sql;
    }

    /** The value of column {@code column} of the current row, read by name; null for NULL. */
    Object read(ResultSet rs, String column) throws SQLException {
        switch (this) {
            case INTEGER:
                int i = rs.getInt(column);
                return rs.wasNull() ? null : i;
            case INTEGER_ARRAY:
                Array array = rs.getArray(column);
                if (array == null) {
                    return null;
                }
                try {
                    return Arrays.asList((Integer[]) array.getArray());
                } finally {
                    array.free();
                }
            default:
                return rs.getString(column);
        }
    }

    /**
     * A value as psql and a CSV export show it: an integer[] as PostgreSQL's text form
     * ({@code {1,2}}); null for NULL.
     */
    public String text(Object value) {
        if (value == null) {
            return null;
        }
        if (this == INTEGER_ARRAY) {
            StringBuilder text = new StringBuilder("{");
            for (Object pid : (List<?>) value) {
                text.append(text.length() == 1 ? "" : ",").append(pid);
            }
            return text.append('}').toString();
        }
        return value.toString();
    }
}
