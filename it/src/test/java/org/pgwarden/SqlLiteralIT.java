package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The literals the reports build ({@link SqlLiteral}), made by a real server from hostile
 * text and read back by it: each names its text exactly, as made and as the runner's
 * printers show it (which change none of it), and is plain where nothing needs an escape.
 */
class SqlLiteralIT {

    private final TestServer server = TestServer.get();

    @Test
    void everyLiteralReadsBackAsItsTextAndNoPrinterChangesIt() throws Exception {
        List<String> texts = new ArrayList<>(List.of("blocker\t", "blocker\\u0009",
                "it's", "a\\b", "x\ny\r", "q\"q", "rtl\u202egnp", "zw\u200bj\u2060",
                "tag\udb40\udc41\udb40\udc7f", "vs\ufe0f\udb40\udd00", "nbsp\u00a0\u3000",
                "hangul\u3164\u115f", "!", "!\t", "#!\t", "all !#&*/<>@^_|~ \t\\ !!''",
                "\u00e9\u65e5\u672c plain", "", "a,b;c =x"));
        // Every code point at an edge of what is encoded, and just outside it.
        for (int[] range : SqlLiteral.ENCODED) {
            for (int cp : new int[] {range[0] - 1, range[0], range[1], range[1] + 1}) {
                if (cp > 0 && Character.getType(cp) != Character.SURROGATE) {
                    texts.add("edge " + Character.toString(cp) + " end");
                }
            }
        }

        Map<String, String> literals = new LinkedHashMap<>();
        try (Connection c = server.connect()) {
            for (String text : texts) {
                literals.put(text, literal(c, text));
            }
            for (Map.Entry<String, String> e : literals.entrySet()) {
                String text = e.getKey();
                String literal = e.getValue();
                assertEquals(text, readBack(c, literal), literal);
                // What the runner's table and CSV show, and JSON writes, is the literal.
                assertEquals(literal, Escape.controls(literal), literal);
                assertFalse(literal.contains("\"") || literal.contains("\\"), literal);
                assertEquals("{\"l\":\"" + literal + "\"}", Json.object(Map.of("l", literal)));
                boolean plain = text.codePoints().noneMatch(SqlLiteral::encoded);
                assertEquals(plain, literal.startsWith("'"), literal);
            }
        }
        assertEquals("U&'blocker!0009' UESCAPE '!'", literals.get("blocker\t"));
        assertEquals("U&'blocker!005Cu0009' UESCAPE '!'", literals.get("blocker\\u0009"));
        assertEquals("'it''s'", literals.get("it's"));
        assertEquals("U&'tag!+0E0041!+0E007F' UESCAPE '!'",
                literals.get("tag\udb40\udc41\udb40\udc7f"));
        assertEquals("U&'!#0009' UESCAPE '#'", literals.get("!\t"));
        assertEquals("U&'all !!#&*/<>@^_|~ !0009!005C !!!!''''' UESCAPE '!'",
                literals.get("all !#&*/<>@^_|~ \t\\ !!''"));
        assertEquals("''", literals.get(""));
    }

    @Test
    void aNullTextHasNoLiteral() throws Exception {
        try (Connection c = server.connect()) {
            assertNull(literal(c, null));
        }
    }

    /** The literal the server makes of {@code text}. */
    private static String literal(Connection c, String text) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + SqlLiteral.of("v.t")
                + " FROM (SELECT ?::text) AS v (t)")) {
            ps.setString(1, text);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** What the server reads {@code literal} as, pasted into a statement. */
    private static String readBack(Connection c, String literal) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT " + literal)) {
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }
}
