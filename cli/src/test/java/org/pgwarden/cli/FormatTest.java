package org.pgwarden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgwarden.Action;
import org.pgwarden.ActionRow;
import org.pgwarden.HorizonRow;
import org.pgwarden.Outcome;
import org.pgwarden.ReportRow;
import org.pgwarden.RowType;
import org.pgwarden.SqlCopy;

class FormatTest {

    private static final List<ActionRow> ROWS = List.of(
            new ActionRow(11446, "postgres", "report", "app", null, "2025-01-01 10:00:00+00",
                    "active", "00:00:02.854793", Action.CANCEL, Outcome.CANCELLED, null,
                    "select pg_sleep(120)", null, null, "runaway reports"),
            new ActionRow(11447, "postgres", "stubborn", "app", "127.0.0.1",
                    "2025-01-01 10:00:00+00", "active", "00:00:02.853492", Action.TERMINATE,
                    Outcome.TERMINATED, null, "DO $$\nBEGIN \"loop\", forever", 2,
                    List.of(5, 6), null));

    @Test
    void aTableIsAlignedLikePsqlsAndKeepsEachRowOnOneLine() {
        assertEquals(String.join("\n",
                " pid   | usename  | application_name | datname | state  | age             "
                        + "| action    | outcome    | query_preview",
                "-------+----------+------------------+---------+--------+-----------------"
                        + "+-----------+------------+------------------------------",
                " 11446 | postgres | report           | app     | active | 00:00:02.854793 "
                        + "| cancel    | cancelled  | select pg_sleep(120)",
                " 11447 | postgres | stubborn         | app     | active | 00:00:02.853492 "
                        + "| terminate | terminated | DO $$\\nBEGIN \"loop\", forever",
                "(2 rows)", ""),
                print(Format.TABLE, Result.ofActions(ROWS)));
    }

    @Test
    void csvQuotesWhatNeedsItAndLeavesNullEmpty() {
        assertEquals("""
                pid,usename,application_name,datname,client_addr,backend_start,state,age,\
                action,outcome,query_preview,blocked_count,waiting_pids,policy
                11446,postgres,report,app,,2025-01-01 10:00:00+00,active,00:00:02.854793,\
                cancel,cancelled,select pg_sleep(120),,,runaway reports
                11447,postgres,stubborn,app,127.0.0.1,2025-01-01 10:00:00+00,active,\
                00:00:02.853492,terminate,terminated,"DO $$\\nBEGIN ""loop"", forever",2,\
                "{5,6}",
                """, print(Format.CSV, Result.ofActions(ROWS)));
    }

    @Test
    void noRowsStillPrintTheHeader() {
        assertEquals("pid,usename,application_name,datname,client_addr,backend_start,state,"
                + "age,action,outcome,query_preview,blocked_count,waiting_pids,policy\n",
                print(Format.CSV, Result.ofActions(
                        List.of())));
        assertEquals("[]\n", print(Format.JSON, Result.ofActions(List.of())));
        assertEquals("(0 rows)", print(Format.TABLE, Result.ofReport(List.of())).lines()
                .reduce((a, b) -> b).orElseThrow());
    }

    @Test
    void csvAndJsonPrintEveryColumnOfEachRowTypeAndTheTableItsShownOnes() {
        check("action_row", ActionRow.TYPE, Result.ofActions(ROWS));
        check("backend_row", ReportRow.TYPE, Result.ofReport(List.of(new ReportRow(7, "d",
                "u", "a", null, "client backend", "idle", null, null, "s", "1s", null, null,
                "1s", "1s", List.of(), 0, null, "q", "none: idle"))));
        check("horizon_row", HorizonRow.TYPE, Result.ofHorizon(List.of(new HorizonRow(
                "client backend", 7, "a", "u", "d", "idle in transaction", null, "750", "xmin",
                3, "s", "1s", "advice"))));
    }

    /**
     * The CSV header and the JSON keys are the SQL type's columns, as the committed SQL
     * declares them; the table's header is the columns the definition shows, in that order.
     */
    private static void check(String sqlType, RowType<?> type, Result result) {
        List<String> columns = SqlCopy.typeColumns(sqlType);
        String csv = print(Format.CSV, result);
        assertEquals(columns, List.of(csv.lines().findFirst().orElseThrow().split(",")),
                sqlType + " as CSV");
        assertEquals(columns, SqlCopy.jsonKeys(print(Format.JSON, result)), sqlType + " as JSON");
        List<String> header = Arrays.stream(print(Format.TABLE, result).lines().findFirst()
                .orElseThrow().split("\\|")).map(String::trim).toList();
        assertEquals(type.shownNames(), header, sqlType + " as a table");
        assertEquals(header, columns.stream().filter(header::contains).toList(),
                sqlType + ": the table shows a column of another type, or out of order");
    }

    private static String print(Format format, Result result) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            format.write(result, out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
