package org.pgwarden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.pgwarden.Action;
import org.pgwarden.ActionRow;
import org.pgwarden.Outcome;

class WatchLogTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-03-01T10:00:00Z"),
            ZoneOffset.UTC);
    private static final ActionRow ROW = new ActionRow(4324, "app", "batch\r\nfake line",
            "shop", null, "2025-03-01 09:00:00+00", "idle in transaction", "00:10:00",
            Action.TERMINATE, Outcome.TERMINATED, null, "UPDATE t SET a = 'x'", null,
            List.of(), "idle transactions");

    @Test
    void aTextLineIsKeyValuePairsWithTheClientsTextEscaped() {
        String line = write(LogFormat.TEXT, log -> log.action(3, "r-1", true, ROW));

        assertEquals("2025-03-01T10:00:00Z action run=3 run_id=r-1 pid=4324 usename=app"
                + " application_name=\"batch\\r\\nfake line\" datname=shop"
                + " backend_start=\"2025-03-01 09:00:00+00\" state=\"idle in transaction\""
                + " age=00:10:00 action=terminate outcome=terminated"
                + " query_preview=\"UPDATE t SET a = 'x'\" waiting_pids={}"
                + " policy=\"idle transactions\"\n", line);
    }

    @Test
    void anActionNothingRecordedIsMarkedAuditFalse() {
        String line = write(LogFormat.TEXT, log -> log.action(3, "r-1", false, ROW));

        assertTrue(line.startsWith("2025-03-01T10:00:00Z action run=3 run_id=r-1 audit=false"
                + " pid=4324 "), line);
    }

    @Test
    void aJsonLineHasEnforcesColumnsAfterTheEvent() {
        String line = write(LogFormat.JSON, log -> log.action(3, null, true, ROW));

        assertEquals("{\"time\":\"2025-03-01T10:00:00Z\",\"event\":\"action\",\"run\":3,"
                + "\"run_id\":null,\"pid\":4324,\"usename\":\"app\",\"application_name\":"
                + "\"batch\\r\\nfake line\",\"datname\":\"shop\",\"client_addr\":null,"
                + "\"backend_start\":\"2025-03-01 09:00:00+00\",\"state\":\"idle in"
                + " transaction\",\"age\":\"00:10:00\",\"action\":\"terminate\",\"outcome\":"
                + "\"terminated\",\"query_preview\":\"UPDATE t SET a = 'x'\","
                + "\"blocked_count\":null,\"waiting_pids\":[],\"policy\":\"idle"
                + " transactions\"}\n", line);
    }

    @Test
    void anEventsNumbersStayNumbersInJsonAndAQuoteIsEscapedInText() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("run", 7L);
        fields.put("duration_seconds", 0.25);
        fields.put("dry_run", false);
        fields.put("message", "database \"x\" does not exist");

        assertEquals("{\"time\":\"2025-03-01T10:00:00Z\",\"event\":\"run\",\"run\":7,"
                + "\"duration_seconds\":0.25,\"dry_run\":false,\"message\":\"database"
                + " \\\"x\\\" does not exist\"}\n",
                write(LogFormat.JSON, log -> log.event("run", fields)));
        assertEquals("2025-03-01T10:00:00Z run run=7 duration_seconds=0.25 dry_run=false"
                + " message=\"database \\\"x\\\" does not exist\"\n",
                write(LogFormat.TEXT, log -> log.event("run", fields)));
    }

    private static String write(LogFormat format, Consumer<WatchLog> use) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        use.accept(new WatchLog(new PrintStream(bytes, true, StandardCharsets.UTF_8), format,
                CLOCK));
        return bytes.toString(StandardCharsets.UTF_8);
    }
}
