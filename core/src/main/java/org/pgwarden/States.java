package org.pgwarden;

import java.util.List;
import java.util.stream.Collectors;

/**
 * The values of pg_stat_activity.state that pgwarden's rules name, written once: the
 * selections ({@link Selection}), the reports' advice and the SQL wrappers' pre-checks
 * (generated from these) and the runner's watch metrics all read them from here.
 */
public final class States {

    public static final String ACTIVE = "active";
    public static final String IDLE = "idle";
    public static final String IDLE_IN_TRANSACTION = "idle in transaction";
    public static final String IDLE_IN_TRANSACTION_ABORTED = "idle in transaction (aborted)";
    /** The protocol's FunctionCall message (libpq's PQfn), which runs in a transaction. */
    public static final String FASTPATH = "fastpath function call";

    /** Idle in a transaction, aborted or not. */
    public static final List<String> IDLE_IN_ANY_TRANSACTION =
            List.of(IDLE_IN_TRANSACTION, IDLE_IN_TRANSACTION_ABORTED);

    private States() {
    }

    /**
     * SQL: {@code column} is one of {@code states}, as {@code column = 'x'} for one state and
     * {@code column IN ('x', 'y')} for several.
     */
    public static String in(String column, List<String> states) {
        if (states.size() == 1) {
            return column + " = " + literal(states.get(0));
        }
        return column + " IN (" + states.stream().map(States::literal)
                .collect(Collectors.joining(", ")) + ")";
    }

    /** A state as a SQL literal (no state holds a quote). */
    public static String literal(String state) {
        return "'" + state + "'";
    }
}
