package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The outcome column's text reads back as the outcome and detail that wrote it. */
class OutcomeTest {

    @Test
    void everyOutcomeReadsBackWithItsDetail() {
        String detail = "E'it''s, needs ROLLBACK PREPARED or COMMIT PREPARED (x)'";
        for (Outcome outcome : Outcome.values()) {
            String text = outcome.text(detail);
            assertEquals(outcome, Outcome.ofLabel(text), text);
            assertEquals(text.equals(outcome.label()) ? null : detail, outcome.detailOf(text));
            assertEquals(outcome, Outcome.ofLabel(outcome.text(null)));
        }
        assertEquals("skipped: exempt (backup)", Outcome.EXEMPT.text("backup"));
        assertNull(Outcome.GONE.detailOf("gone"));
    }
}
