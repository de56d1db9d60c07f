package org.pgwarden;

import java.util.List;

/**
 * A row's column values in their order ({@link RowType#read}, {@link RowType#values}), taken
 * one after the other by a record's constructor call: each {@code ofValues} names the
 * record's components in the order of its column enum, which a round trip test checks with a
 * row whose values all differ.
 */
final class Values {

    private final List<Object> values;
    private int next;

    Values(List<Object> values) {
        this.values = values;
    }

    private Object next() {
        return values.get(next++);
    }

    Integer integer() {
        return (Integer) next();
    }

    String text() {
        return (String) next();
    }

    @SuppressWarnings("unchecked")
    List<Integer> integers() {
        return (List<Integer>) next();
    }

    /** The values not taken yet: a record that read them all leaves none. */
    int left() {
        return values.size() - next;
    }
}
