package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class EscapeTest {

    @Test
    void everyControlCharacterShowsAsAVisibleEscape() {
        assertEquals("a\\rb\\nc\\td\\x1b[2Je\\x7ff\\x00g\\u0085h\\u2028i\\u2029j",
                Escape.controls("a\rb\nc\td\u001b[2Je\u007ff\u0000g\u0085h\u2028i\u2029j"));
    }

    @Test
    void formatCharactersThatReorderOrHideTextAreEscaped() {
        // A right-to-left override, a zero-width space and a tag character (beyond the BMP).
        assertEquals("\\u202eabc\\u200bd\\U000e0041",
                Escape.controls("\u202eabc\u200bd\uDB40\uDC41"));
        assertEquals("x\\ud800y", Escape.controls("x\uD800y"));
    }

    @Test
    void aBackslashIsDoubledSoThatTypedEscapesDifferFromRealOnes() {
        // PostgreSQL 16 writes a CR in application_name as the four characters \x0d.
        assertEquals("\\\\x0d \\r", Escape.controls("\\x0d \r"));
        assertEquals("\\\\n", Escape.controls("\\n"));
    }

    @Test
    void printableTextOfAnyScriptIsLeftAlone() {
        String text = "SELECT 'Zürich', '漢字', 'ｶﾀｶﾅ', '한국어', 'e\u0301', '😀'";
        assertEquals(text, Escape.controls(text));
        assertNull(Escape.controls(null));
    }

    @Test
    void aQuotedValueCannotEndTheLineOrItsQuotes() {
        String forged = "x\r2026-01-01 00:00:00 UTC [1] LOG:  pgwarden: terminate pid=1 \"";
        String quoted = ServerMessages.quote(forged);
        assertEquals("\"x\\r2026-01-01 00:00:00 UTC [1] LOG:  pgwarden: terminate pid=1"
                + " \\\"\"", quoted);
        assertFalse(quoted.codePoints().anyMatch(Escape::escaped), quoted);
    }

    @Test
    void aRoleNameIsBareOnlyWhenItIsAPlainIdentifier() {
        assertEquals("postgres", ServerMessages.name("postgres"));
        assertEquals("warden_cron2", ServerMessages.name("warden_cron2"));
        assertEquals("\"warden-it\"", ServerMessages.name("warden-it"));
        assertEquals("\"a reason=\\\"x\\\"\"", ServerMessages.name("a reason=\"x\""));
        assertEquals("\"op\\r\\n\"", ServerMessages.name("op\r\n"));
        assertEquals("\"rôle\"", ServerMessages.name("rôle"));
        assertEquals("\"\"", ServerMessages.name(""));
        assertEquals("NULL", ServerMessages.name(null));
    }
}
