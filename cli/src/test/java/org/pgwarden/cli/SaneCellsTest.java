package org.pgwarden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.pgwarden.Action;
import org.pgwarden.ActionRow;
import org.pgwarden.Outcome;

/** What a client's text does to the runner's CSV and table: nothing it chose. */
class SaneCellsTest {

    @Test
    void aCsvCellThatASpreadsheetWouldReadAsAFormulaStartsWithAQuote() {
        assertEquals("\"'=HYPERLINK(\"\"http://x\"\")\"", Csv.field("=HYPERLINK(\"http://x\")"));
        assertEquals("'+1", Csv.field("+1"));
        assertEquals("'-1", Csv.field("-1"));
        assertEquals("'@SUM(A1)", Csv.field("@SUM(A1)"));
        assertEquals("'  =1+1", Csv.field("  =1+1"));
        assertEquals("'-- nightly\\nSELECT 1", Csv.field("-- nightly\nSELECT 1"));
        assertEquals("\"'=1,2\"", Csv.field("=1,2"));
    }

    @Test
    void aCsvCellHoldsNoTabCarriageReturnOrOtherControlCharacter() {
        assertEquals("\\t=1+1", Csv.field("\t=1+1"));
        assertEquals("\\r=1+1", Csv.field("\r=1+1"));
        assertEquals("a\\x1b[2Jb\\u2028c", Csv.field("a\u001b[2Jb\u2028c"));
    }

    @Test
    void ordinaryCellsAreUnchangedAndASemicolonIsQuoted() {
        assertEquals("11447", Csv.field("11447"));
        assertEquals("00:00:02.853492", Csv.field("00:00:02.853492"));
        assertEquals("\"{5,6}\"", Csv.field("{5,6}"));
        assertEquals("漢字", Csv.field("漢字"));
        assertEquals("\"SELECT 1; SELECT 2\"", Csv.field("SELECT 1; SELECT 2"));
        assertEquals("", Csv.field(null));
        assertEquals("", Csv.field(""));
    }

    @Test
    void everyCsvRowIsOneLine() {
        String csv = print(Format.CSV, Result.ofActions(List.of(
                row(7, "=cmd\r\n漢字", "SELECT '\r\n'"))));
        assertEquals(2, csv.lines().count(), csv);
        assertFalse(csv.contains("\r"), csv);
    }

    @Test
    void displayWidthCountsWideCharactersTwiceAndMarksNotAtAll() {
        assertEquals(3, DisplayWidth.of("abc"));
        assertEquals(4, DisplayWidth.of("漢字"));
        assertEquals(6, DisplayWidth.of("テスト"));
        assertEquals(4, DisplayWidth.of("ｶﾀｶﾅ"));
        assertEquals(2, DisplayWidth.of("Ａ"));
        assertEquals(2, DisplayWidth.of("한"));
        assertEquals(2, DisplayWidth.of("\u3000"));
        assertEquals(2, DisplayWidth.of("😀"));
        assertEquals(2, DisplayWidth.of("\uD840\uDC0B"));
        assertEquals(1, DisplayWidth.of("e\u0301"));
        assertEquals(1, DisplayWidth.of("é"));
        assertEquals(1, DisplayWidth.of("→"));
    }

    @Test
    void aTableStaysAlignedWithWideAndControlCharacters() {
        String table = print(Format.TABLE, Result.ofActions(List.of(
                row(11, "漢字アプリ", "SELECT '한국어'"),
                row(12, "a\rb", "SELECT 1"),
                row(13, "ｶﾀｶﾅ", "SELECT\t2"))));
        assertEquals(String.join("\n",
                " pid | usename | application_name | datname | state  | age      | action    "
                        + "| outcome    | query_preview",
                "-----+---------+------------------+---------+--------+----------+-----------"
                        + "+------------+-----------------",
                " 11  | 運用者  | 漢字アプリ       | app     | active | 00:00:09 | terminate "
                        + "| terminated | SELECT '한국어'",
                " 12  | 運用者  | a\\rb             | app     | active | 00:00:09 | terminate "
                        + "| terminated | SELECT 1",
                " 13  | 運用者  | ｶﾀｶﾅ             | app     | active | 00:00:09 | terminate "
                        + "| terminated | SELECT\\t2",
                "(3 rows)", ""), table);
    }

    private static ActionRow row(int pid, String application, String query) {
        return new ActionRow(pid, "運用者", application, "app", null, "2025-01-01 10:00:00+00",
                "active", "00:00:09", Action.TERMINATE, Outcome.TERMINATED, null, query, null,
                null, null);
    }

    private static String print(Format format, Result result) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            format.write(result, out);
        }
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
