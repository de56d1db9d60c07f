package org.pgwarden;

/**
 * One column of a result row type ({@link RowType}): its SQL name and type, and how to take
 * its value from the Java row. The columns of each row type are an enum next to its record,
 * so that a column added there is a compile error in every exhaustive switch that reads it,
 * and every printer, and the SQL type itself (generated), follow its list.
 *
 * @param <R> the Java row
 */
public interface RowColumn<R> {

    /**
     * What a column is, apart from its value.
     *
     * @param sqlName the column's SQL name
     * @param shown whether the runner's aligned table shows it: the columns a person reads
     *     first
     * @param notNull whether a table that stores the column (warden.action_log) declares it
     *     NOT NULL
     */
    record Spec(String sqlName, SqlType type, boolean shown, boolean notNull) {
    }

    Spec spec();

    default String sqlName() {
        return spec().sqlName();
    }

    default SqlType type() {
        return spec().type();
    }

    default boolean shown() {
        return spec().shown();
    }

    default boolean notNull() {
        return spec().notNull();
    }

    /** The column's value in {@code row}, in the Java type {@link SqlType} names. */
    Object value(R row);

    /** The value as text ({@link SqlType#text}), null for NULL. */
    default String text(R row) {
        return type().text(value(row));
    }
}
