package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * warden.action_summary's outcome labels ({@link ActionSummaryView}, which generates the view
 * that GeneratedSqlTest keeps sql/schema.sql holding): each is an outcome's text short of its
 * detail.
 */
class ActionSummaryTest {

    /** The functions whose runs write audit rows ({@link ActionSummaryView#FUNCTIONS}). */
    static final List<String> FUNCTIONS = ActionSummaryView.FUNCTIONS;

    @Test
    void everyLabelIsShortOfItsDetail() {
        for (Outcome o : Outcome.values()) {
            String prefix = ActionSummaryView.prefix(o);
            assertTrue(prefix == null || o.text("x").startsWith(prefix), o.name());
            assertTrue(prefix == null || !prefix.equals(o.label()), o.name());
            assertTrue(!o.label().equals("other"), o.name());
        }
        assertEquals("skipped: exempt (", ActionSummaryView.prefix(Outcome.EXEMPT));
    }
}
