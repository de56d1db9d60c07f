package org.pgwarden;

import java.util.Arrays;
import java.util.List;
import java.util.stream.Collectors;

/**
 * SQL that quotes client-chosen text (a prepared transaction's gid, a database or
 * application name) as a string constant a DBA pastes into a command: ROLLBACK PREPARED,
 * pg_drop_replication_slot. The constant must reproduce the text exactly, also when it is
 * copied from the runner's table, CSV or JSON output, whose printers show a backslash
 * doubled ({@link Escape}), a double quote doubled (CSV) or escaped (JSON), and a control or
 * invisible character as an escape. ROLLBACK PREPARED takes only a string constant, not an
 * expression such as {@code 'a' || chr(9)}.
 *
 * <p>So the constant holds none of those characters: plain {@code 'it''s'} when the text
 * needs no escape, else PostgreSQL's {@code U&'tab!0009' UESCAPE '!'}, in which the escape
 * character (the first of {@link #ESCAPES} that the text does not hold; else the first,
 * doubled wherever the text holds it) encodes each backslash, double quote, control,
 * invisible or deceptive character ({@link #ENCODED}) as four hexadecimal digits, or
 * {@code +} and six beyond U+FFFF. A {@code U&''} constant needs standard_conforming_strings
 * on, PostgreSQL's default since 9.1.
 */
final class SqlLiteral {

    /**
     * The escape characters, in order of preference: ASCII punctuation that UESCAPE takes
     * (no hexadecimal digit, {@code +}, quote, double quote or white space), that no
     * printer changes (no backslash), that no CSV reader splits at (no comma, no
     * semicolon), and that no caller's format string or LIKE pattern takes for its own
     * (no percent sign), nor pgjdbc for a parameter (no question mark).
     */
    static final List<String> ESCAPES = List.of("!", "#", "&", "*", "/", "<", ">", "@", "^",
            "_", "|", "~");

    /*
     * The code points shown through the escape, as inclusive ranges: the backslash and the
     * double quote; controls (C0, DEL, C1); white space other than the space (no-break,
     * ogham, en quad to hair space, narrow no-break, medium mathematical, ideographic);
     * the format characters (Unicode category Cf: soft hyphen, Arabic number signs,
     * zero-width characters, bidirectional marks, embeddings, overrides and isolates, word
     * joiner and invisible operators, BOM, interlinear annotation, Egyptian hieroglyph
     * controls, shorthand format controls, musical symbol formatting, the tag block) and
     * the other default-ignorable code points (combining grapheme joiner, Hangul fillers,
     * Khmer inherent vowels, Mongolian variation selectors, variation selectors, U+FFF0 to
     * U+FFF8, U+E0000 to U+E0FFF); the line and paragraph separators. A superset of what
     * Escape escapes, which SqlLiteralTest checks for every code point.
     */
    static final int[][] ENCODED = {{0x01, 0x1f}, {0x22, 0x22}, {0x5c, 0x5c}, {0x7f, 0xa0},
        {0xad, 0xad}, {0x34f, 0x34f}, {0x600, 0x605}, {0x61c, 0x61c}, {0x6dd, 0x6dd},
        {0x70f, 0x70f}, {0x890, 0x891}, {0x8e2, 0x8e2}, {0x115f, 0x1160}, {0x1680, 0x1680},
        {0x17b4, 0x17b5}, {0x180b, 0x180f}, {0x2000, 0x200f}, {0x2028, 0x202f},
        {0x205f, 0x206f}, {0x3000, 0x3000}, {0x3164, 0x3164}, {0xfe00, 0xfe0f},
        {0xfeff, 0xfeff}, {0xffa0, 0xffa0}, {0xfff0, 0xfffb}, {0x110bd, 0x110bd},
        {0x110cd, 0x110cd}, {0x13430, 0x1343f}, {0x1bca0, 0x1bca3}, {0x1d173, 0x1d17a},
        {0xe0000, 0xe0fff}};

    /*
     * ENCODED as a bracket expression, its characters made with chr(): the descriptor's
     * parser forbids a backslash and a double quote, and invisible characters have no
     * place in source text. A backslash inside brackets escapes the next character in
     * PostgreSQL's regular expressions, so it is written twice.
     */
    private static final String PATTERN = "('[' || " + Arrays.stream(ENCODED)
            .map(r -> r[0] == 0x5c ? chr(0x5c) + " || " + chr(0x5c)
                    : r[0] == r[1] ? chr(r[0]) : chr(r[0]) + " || '-' || " + chr(r[1]))
            .collect(Collectors.joining(" || ")) + " || ']')";

    private SqlLiteral() {
    }

    /** Whether code point {@code cp} is written through the escape. */
    static boolean encoded(int cp) {
        for (int[] range : ENCODED) {
            if (cp >= range[0] && cp <= range[1]) {
                return true;
            }
        }
        return false;
    }

    /**
     * An SQL expression of type text: {@code text} (an SQL expression of type text; NULL
     * gives NULL) as a string constant, on one line. Plain SQL, with neither a backslash
     * nor a double quote, for the deployment descriptor's parser.
     */
    static String of(String text) {
        return """
            CASE WHEN %1$s !~ %2$s
                      THEN pg_catalog.quote_literal(%1$s)
                      ELSE (SELECT 'U&''' || pg_catalog.string_agg(CASE
                                       WHEN s.c = e.c THEN e.c || e.c
                                       WHEN s.c = '''' THEN ''''''
                                       WHEN s.c ~ %2$s THEN e.c || CASE
                                           WHEN pg_catalog.ascii(s.c) > 65535
                                               THEN '+' || pg_catalog.lpad(pg_catalog.upper(
                                                   pg_catalog.to_hex(pg_catalog.ascii(s.c))),
                                                   6, '0')
                                           ELSE pg_catalog.lpad(pg_catalog.upper(
                                               pg_catalog.to_hex(pg_catalog.ascii(s.c))),
                                               4, '0')
                                       END
                                       ELSE s.c
                                   END, '' ORDER BY s.i) || ''' UESCAPE ''' || e.c || ''''
                            FROM (SELECT coalesce((
                                      SELECT x.c
                                      FROM pg_catalog.unnest(%3$s) WITH ORDINALITY AS x (c, i)
                                      WHERE pg_catalog.strpos(%1$s, x.c) = 0
                                      ORDER BY x.i LIMIT 1), %4$s) AS c) AS e
                            CROSS JOIN pg_catalog.regexp_split_to_table(%1$s, '')
                                WITH ORDINALITY AS s (c, i)
                            GROUP BY e.c)
                 END""".formatted(text, PATTERN, escapes(), quoted(ESCAPES.get(0)));
    }

    private static String chr(int cp) {
        return "pg_catalog.chr(" + cp + ")";
    }

    private static String escapes() {
        return ESCAPES.stream().map(SqlLiteral::quoted)
                .collect(Collectors.joining(", ", "ARRAY[", "]::text[]"));
    }

    private static String quoted(String s) {
        return "'" + s.replace("'", "''") + "'";
    }
}
