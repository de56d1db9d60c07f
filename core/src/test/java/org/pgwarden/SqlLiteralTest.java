package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * What a literal may hold is what no printer changes: every character the runner's printers
 * escape ({@link Escape}, which the table, the CSV and the JSON use) is written through the
 * literal's escape character, and the escape characters themselves are ones PostgreSQL
 * takes in UESCAPE and no printer touches. Their round trip through a real server is
 * {@link SqlLiteralIT}'s.
 */
class SqlLiteralTest {

    @Test
    void everyCharacterAPrinterEscapesIsEncoded() {
        for (int cp = 1; cp <= Character.MAX_CODE_POINT; cp++) {
            if (Character.getType(cp) == Character.SURROGATE) {
                // PostgreSQL's text holds no surrogate.
                continue;
            }
            if (Escape.escaped(cp) || cp == '\\' || cp == '"') {
                assertTrue(SqlLiteral.encoded(cp), String.format("U+%04X", cp));
            }
        }
    }

    @Test
    void invisibleCharactersBeyondTheFormatCategoryAreEncoded() {
        // Tag characters, variation selectors, Hangul fillers, the combining grapheme
        // joiner, no-break and other spaces: they show as nothing or as a plain space.
        for (int cp : new int[] {0xe0000, 0xe0041, 0xe007f, 0xe0100, 0xe0fff, 0xfe0f, 0x3164,
            0x115f, 0xffa0, 0x34f, 0xa0, 0x2007, 0x202f, 0x3000, 0x180b}) {
            assertTrue(SqlLiteral.encoded(cp), String.format("U+%04X", cp));
        }
        assertFalse(SqlLiteral.encoded(' '));
        assertFalse(SqlLiteral.encoded('\''));
        assertFalse(SqlLiteral.encoded(0xe9));
    }

    @Test
    void theEscapeCharactersAreOnesUescapeTakesAndNoPrinterChanges() {
        for (String escape : SqlLiteral.ESCAPES) {
            assertEquals(1, escape.length());
            char c = escape.charAt(0);
            assertTrue(c > ' ' && c < 0x7f, escape);
            assertEquals(-1, "0123456789abcdefABCDEF+'\"\\,;%?".indexOf(c), escape);
            assertFalse(Escape.needed(escape), escape);
        }
        assertEquals("!", SqlLiteral.ESCAPES.get(0));
    }

    @Test
    void theSqlHoldsNeitherABackslashNorADoubleQuoteNorAPercentSign() {
        String sql = SqlLiteral.of("t.v");
        assertEquals(-1, sql.indexOf('\\'), sql);
        assertEquals(-1, sql.indexOf('"'), sql);
        assertEquals(-1, sql.indexOf('%'), sql);
        assertTrue(sql.chars().allMatch(c -> c == '\n' || c >= ' ' && c < 0x7f), sql);
    }
}
