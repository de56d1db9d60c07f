package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void writesNullsArraysAndEscapes() {
        ReportRow row = new ReportRow(7, "db", "alice", "app \"x\"\\\n\t\u0001", null,
                "client backend", "active", "Lock", "relation", "2026-11-25 10:00:00+00",
                "00:01:00", null, 12, "00:00:30", "00:00:30", List.of(3, 4), 2, null, "SELECT 1",
                "a");

        assertEquals("[{\"pid\":7,\"datname\":\"db\",\"usename\":\"alice\","
                + "\"application_name\":\"app \\\"x\\\"\\\\\\n\\t\\u0001\",\"client_addr\":null,"
                + "\"backend_type\":\"client backend\",\"state\":\"active\","
                + "\"wait_event_type\":\"Lock\",\"wait_event\":\"relation\","
                + "\"backend_start\":\"2026-11-25 10:00:00+00\",\"backend_age\":\"00:01:00\","
                + "\"xact_age\":null,\"xmin_age\":12,\"query_age\":\"00:00:30\","
                + "\"state_age\":\"00:00:30\","
                + "\"blocked_by\":[3,4],\"blocking\":2,\"exemption\":null,"
                + "\"query_preview\":\"SELECT 1\",\"advice\":\"a\"}]",
                Json.reportRows(List.of(row)));
    }

    @Test
    void writesActionLabelsAndSeparatesRows() {
        ActionRow a = new ActionRow(1, "u", "a", "d", "127.0.0.1", "s", "active", "1s",
                Action.CANCEL, Outcome.STILL_RUNNING, null, "q", null, null, null);
        ActionRow b = new ActionRow(2, "u", "a", "d", null, "s", "idle", "1s", Action.NONE,
                Outcome.EXEMPT, "backup", "q", 2, List.of(5, 6), "roots");

        String json = Json.actionRows(List.of(a, b));

        assertEquals(2, json.split("\\},\\{").length);
        assertTrue(json.contains("\"action\":\"cancel\",\"outcome\":\"still running\""));
        assertTrue(json.contains("\"outcome\":\"skipped: exempt (backup)\""));
        assertTrue(json.contains("\"blocked_count\":2,\"waiting_pids\":[5,6],"
                + "\"policy\":\"roots\""));
        assertTrue(json.contains("\"blocked_count\":null,\"waiting_pids\":null"));
    }

    @Test
    void separatorsAndBidiControlsAreEscapedSoALineReadsAsItDisplays() {
        String text = "a\u2028b\u2029c\u202ed\u2066e\u2069f\u200bg\u0085h\u007f\ud83d\ude00";

        assertEquals("{\"q\":\"a\\u2028b\\u2029c\\u202ed\\u2066e\\u2069f\\u200bg"
                + "\\u0085h\\u007f\ud83d\ude00\"}", Json.object(Map.of("q", text)));
    }

    @Test
    void eachRowTypesJsonHasExactlyItsSqlTypesColumnsInOrder() {
        assertEquals(SqlCopy.typeColumns("action_row"),
                SqlCopy.jsonKeys(Json.actionRows(List.of(RowTypeTest.ACTION))));
        assertEquals(SqlCopy.typeColumns("backend_row"),
                SqlCopy.jsonKeys(Json.reportRows(List.of(RowTypeTest.REPORT))));
        assertEquals(SqlCopy.typeColumns("horizon_row"),
                SqlCopy.jsonKeys(Json.horizonRows(List.of(RowTypeTest.HORIZON))));
    }

    @Test
    void aWatchLogLineHasItsHeadThenEveryColumnOfTheActionRow() {
        List<String> expected = new ArrayList<>(List.of("time", "event"));
        expected.addAll(SqlCopy.typeColumns("action_row"));
        Map<String, Object> head = new LinkedHashMap<>();
        head.put("time", "t");
        head.put("event", "action");

        assertEquals(expected, SqlCopy.jsonKeys(Json.actionRow(head, RowTypeTest.ACTION)));
    }

    @Test
    void theAuditCarriesEveryColumnOfTheActionRowAndRecordActionsReadsEachKey() {
        Run run = new Run("6a1f0e6e-0000-4000-8000-000000000001", "enforce", "p1", false);
        List<String> audit = SqlCopy.jsonKeys(Json.auditRows(run, List.of(RowTypeTest.ACTION)));

        assertEquals(SqlCopy.auditKeys(), audit);
        assertTrue(audit.containsAll(SqlCopy.typeColumns("action_row")),
                "the audit leaves out a column of warden.action_row: " + audit);
    }

    @Test
    void anEmptyResultIsAnEmptyArray() {
        assertEquals("[]", Json.actionRows(List.of()));
        assertEquals("[]", Json.reportRows(List.of()));
    }
}
