package org.pgwarden;

/**
 * The one rule for showing text from the server (role, application and database names, query
 * text) on a line a person reads: the server log, the runner's table and CSV. Any client
 * chooses its own query text and, with CREATE ROLE or CREATE DATABASE, names that may hold
 * line breaks or terminal escapes; printed raw, a carriage return lets a value forge what
 * looks like a line of its own.
 *
 * <p>Escaped, so that they show and cannot break or reorder a line: every control character
 * (C0, DEL, C1), the line and paragraph separators U+2028 and U+2029, and the format
 * characters (Unicode category Cf: the bidirectional overrides that make text display in
 * another order than it is stored, zero-width characters, tag characters), and an unpaired
 * surrogate. {@code \n}, {@code \r} and {@code \t} keep their usual escapes; another ASCII
 * control shows as {@code \x1b}, any other as {@code \u2028} (or {@code \U000e0041} beyond
 * the Basic Multilingual Plane), lowercase hexadecimal. A backslash shows as {@code \\}, so
 * that an escape and the same characters typed by a client (PostgreSQL 16 and later write
 * a control character in application_name as the four characters {@code \x0d}) differ.
 */
public final class Escape {

    private Escape() {
    }

    /** {@code value} with every character this class escapes escaped; null stays null. */
    public static String controls(String value) {
        if (value == null || !needed(value)) {
            return value;
        }
        StringBuilder out = new StringBuilder(value.length() + 16);
        value.codePoints().forEach(cp -> append(out, cp));
        return out.toString();
    }

    /** Whether {@code value} holds a backslash or a character that must be escaped. */
    public static boolean needed(String value) {
        return value.codePoints().anyMatch(cp -> cp == '\\' || escaped(cp));
    }

    /** Whether code point {@code cp} is shown as an escape rather than as itself. */
    public static boolean escaped(int cp) {
        return switch (Character.getType(cp)) {
            case Character.CONTROL, Character.FORMAT, Character.LINE_SEPARATOR,
                    Character.PARAGRAPH_SEPARATOR, Character.SURROGATE -> true;
            default -> false;
        };
    }

    private static void append(StringBuilder out, int cp) {
        switch (cp) {
            case '\\' -> out.append("\\\\");
            case '\n' -> out.append("\\n");
            case '\r' -> out.append("\\r");
            case '\t' -> out.append("\\t");
            default -> {
                if (!escaped(cp)) {
                    out.appendCodePoint(cp);
                } else if (cp < 0x80) {
                    out.append(String.format("\\x%02x", cp));
                } else if (cp <= 0xFFFF) {
                    out.append(String.format("\\u%04x", cp));
                } else {
                    out.append(String.format("\\U%08x", cp));
                }
            }
        }
    }
}
