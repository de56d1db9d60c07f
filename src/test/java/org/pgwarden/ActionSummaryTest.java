package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * warden.action_summary groups by each outcome's label, which sql/schema.sql reads off the
 * outcome column's text with a CASE that must know every outcome with a detail: one rule,
 * {@link Outcome}'s, written twice and compared here.
 */
class ActionSummaryTest {

    @Test
    void schemaSqlReadsEveryOutcomesLabelAsOutcomeWritesIt() throws Exception {
        String schema = Files.readString(Path.of(System.getProperty("pgwarden.basedir", "."),
                "sql", "schema.sql"));
        assertTrue(schema.contains(labelCase()), "warden.action_summary in sql/schema.sql"
                + " must hold, verbatim:\n" + labelCase());
    }

    @Test
    void everyLabelIsShortOfItsDetail() {
        for (Outcome o : Outcome.values()) {
            String prefix = prefix(o);
            assertTrue(prefix == null || o.text("x").startsWith(prefix), o.name());
            assertTrue(prefix == null || !prefix.equals(o.label()), o.name());
        }
        assertEquals("skipped: exempt (", prefix(Outcome.EXEMPT));
    }

    /** The CASE of the view: for each outcome with a detail, its text's start to its label. */
    static String labelCase() {
        StringBuilder sql = new StringBuilder("       CASE\n");
        for (Outcome o : Outcome.values()) {
            String prefix = prefix(o);
            if (prefix != null) {
                sql.append("           WHEN pg_catalog.starts_with(a.outcome, ")
                        .append(literal(prefix)).append(")\n               THEN ")
                        .append(literal(o.label())).append('\n');
            }
        }
        return sql.append("           ELSE a.outcome\n       END AS outcome,\n").toString();
    }

    /** What the outcome column holds before the detail, or null for an outcome without. */
    private static String prefix(Outcome o) {
        String text = o.text("\0");
        int at = text.indexOf('\0');
        return at < 0 ? null : text.substring(0, at);
    }

    private static String literal(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
