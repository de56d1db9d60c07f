package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The payload stays within pg_notify's limit whatever the policy names, in ASCII. */
class NotificationTest {

    static final Run RUN = new Run("5b0c7f3e-0000-4000-8000-000000000001", "enforce", null, false);

    static List<ActionRow> rows(int policies, String nameStem) {
        List<ActionRow> rows = new ArrayList<>();
        for (int i = 0; i < policies; i++) {
            rows.add(new ActionRow(1000 + i, "app", "app", "db", null, null, "idle", "1 s",
                    i % 2 == 0 ? Action.TERMINATE : Action.NONE,
                    i % 2 == 0 ? Outcome.TERMINATED : Outcome.EXEMPT, "note", null, null, null,
                    nameStem + i));
        }
        return rows;
    }

    @Test
    void aPayloadCountsOutcomesAndActionsAndNamesThePolicies() {
        assertEquals("{\"run_id\":\"5b0c7f3e-0000-4000-8000-000000000001\","
                + "\"function\":\"enforce\",\"database\":\"app\",\"rows\":3,"
                + "\"outcomes\":{\"terminated\":2,\"skipped: exempt\":1},"
                + "\"actions\":{\"terminate\":2,\"none\":1},"
                + "\"policies\":[\"p0\",\"p1\",\"p2\"],\"policies_omitted\":0}",
                Notification.payload(RUN, "app", rows(3, "p"), 7999));
    }

    @Test
    void policyNamesPastTheLimitAreCountedNotSent() {
        String stem = "a policy named at length ".repeat(10);
        for (int max : new int[] {7999, 3000, 800, 300}) {
            String payload = Notification.payload(RUN, "app", rows(200, stem), max);
            assertTrue(payload.length() <= max, max + ": " + payload.length());
            assertTrue(payload.matches(".*\"policies_omitted\":\\d+}"), payload);
            int sent = payload.split(stem, -1).length - 1;
            String omitted = payload.replaceAll(".*\"policies_omitted\":(\\d+)}", "$1");
            assertEquals(200, sent + Integer.parseInt(omitted), payload);
        }
        String tiny = Notification.payload(RUN, "app", rows(200, stem), 120);
        assertEquals("{\"run_id\":\"5b0c7f3e-0000-4000-8000-000000000001\","
                + "\"function\":\"enforce\",\"rows\":200,\"policies_omitted\":200}", tiny);
    }

    @Test
    void everyCharacterBeyondAsciiIsEscaped() {
        String payload = Notification.payload(RUN, "bäse\n\"q\"", rows(1, "pólicy\u202e"), 7999);
        assertTrue(payload.chars().allMatch(c -> c >= 0x20 && c < 0x7f), payload);
        assertTrue(payload.contains("\"database\":\"b\\u00e4se\\u000a\\\"q\\\"\""), payload);
        assertTrue(payload.contains("\"p\\u00f3licy\\u202e0\""), payload);
    }
}
