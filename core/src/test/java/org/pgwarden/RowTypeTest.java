package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Each row type's definition against its record: every column read back into the record's
 * own component (a row whose values all differ, so that two columns swapped in a record's
 * {@code ofValues} show), and against its SQL copy.
 */
class RowTypeTest {

    static final ActionRow ACTION = new ActionRow(101, "u1", "a1", "d1", "10.0.0.1",
            "2026-01-01 10:00:00+00", "idle in transaction", "00:00:05", Action.TERMINATE,
            Outcome.WAITERS_STAY_BLOCKED, "102", "q1", 3, List.of(104, 105), "p1");
    static final ReportRow REPORT = new ReportRow(201, "d2", "u2", "a2", "10.0.0.2",
            "client backend", "active", "Lock", "relation", "2026-01-01 10:00:00+00",
            "01:00:00", "00:10:00", 7, "00:01:00", "00:00:30", List.of(202, 203), 4, "e2",
            "q2", "advice2");
    static final HorizonRow HORIZON = new HorizonRow("client backend", 301, "n3", "u3", "d3",
            "idle in transaction", "pgoutput", "7300", "xmin", 8, "2026-01-01 10:00:00+00",
            "00:02:00", "advice3");

    @Test
    void everyColumnReadsBackIntoItsOwnComponent() {
        assertEquals(ACTION, ActionRow.ofValues(ActionRow.TYPE.values(ACTION)));
        assertEquals(REPORT, ReportRow.ofValues(ReportRow.TYPE.values(REPORT)));
        assertEquals(HORIZON, HorizonRow.ofValues(HorizonRow.TYPE.values(HORIZON)));
        for (RowType<?> type : List.of(ActionRow.TYPE, ReportRow.TYPE, HorizonRow.TYPE)) {
            assertEquals(type.names().size(), new HashSet<>(type.names()).size(),
                    type.sqlName() + ": a column named twice");
        }
    }

    @Test
    void aRowWithEveryValueDifferentHasNoTwoColumnsAlike() {
        // Else the round trip above could not see two columns swapped.
        for (List<?> values : List.of(texts(ActionRow.TYPE, ACTION),
                texts(ReportRow.TYPE, REPORT), texts(HorizonRow.TYPE, HORIZON))) {
            assertEquals(values.size(), new HashSet<>(values).size(), values.toString());
        }
    }

    @Test
    void eachDefinitionIsItsSqlTypesColumns() {
        assertEquals(SqlCopy.typeColumns("action_row"), ActionRow.TYPE.names());
        assertEquals(SqlCopy.typeColumns("backend_row"), ReportRow.TYPE.names());
        assertEquals(SqlCopy.typeColumns("horizon_row"), HorizonRow.TYPE.names());
        assertTrue(ActionRow.TYPE.names().containsAll(ActionRow.TYPE.shownNames()));
    }

    private static <R> List<String> texts(RowType<R> type, R row) {
        return type.columns().stream().map(c -> c.text(row)).toList();
    }
}
