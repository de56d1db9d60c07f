package org.pgwarden.cli;

import java.util.Arrays;

/**
 * How many terminal columns text takes, as wcwidth() counts them: the table is aligned by
 * this, not by the number of chars, so that a name in Chinese, Japanese or Korean does not
 * push the columns after it out of line.
 *
 * <p>Two columns for a character of East Asian Width W (wide) or F (fullwidth), zero for a
 * combining mark and for the vowels and final consonants of conjoining Hangul, one for the
 * rest. Control and format characters never get here: {@link AlignedTable} escapes them
 * first. Java has no East Asian Width property, and the libraries that do (ICU4J) are tens
 * of megabytes for one table of ranges: the ranges below were taken from the Unicode
 * Character Database 14 (EastAsianWidth.txt, W and F, adjacent ranges joined over
 * unassigned code points), and the whole of planes 2 and 3, which it reserves as wide.
 * Characters of width A (ambiguous) count one column, as terminals outside East Asian
 * locales show them.
 */
final class DisplayWidth {

    /** Inclusive first and last code points of the wide ranges, in order. */
    private static final int[] WIDE = {
        0x1100, 0x115F, 0x231A, 0x231B, 0x2329, 0x232A, 0x23E9, 0x23EC, 0x23F0, 0x23F0,
        0x23F3, 0x23F3, 0x25FD, 0x25FE, 0x2614, 0x2615, 0x2648, 0x2653, 0x267F, 0x267F,
        0x2693, 0x2693, 0x26A1, 0x26A1, 0x26AA, 0x26AB, 0x26BD, 0x26BE, 0x26C4, 0x26C5,
        0x26CE, 0x26CE, 0x26D4, 0x26D4, 0x26EA, 0x26EA, 0x26F2, 0x26F3, 0x26F5, 0x26F5,
        0x26FA, 0x26FA, 0x26FD, 0x26FD, 0x2705, 0x2705, 0x270A, 0x270B, 0x2728, 0x2728,
        0x274C, 0x274C, 0x274E, 0x274E, 0x2753, 0x2755, 0x2757, 0x2757, 0x2795, 0x2797,
        0x27B0, 0x27B0, 0x27BF, 0x27BF, 0x2B1B, 0x2B1C, 0x2B50, 0x2B50, 0x2B55, 0x2B55,
        0x2E80, 0x303E, 0x3041, 0x3247, 0x3250, 0x4DBF, 0x4E00, 0xA4C6, 0xA960, 0xA97C,
        0xAC00, 0xD7A3, 0xF900, 0xFAD9, 0xFE10, 0xFE19, 0xFE30, 0xFE6B, 0xFF01, 0xFF60,
        0xFFE0, 0xFFE6, 0x16FE0, 0x1B2FB, 0x1F004, 0x1F004, 0x1F0CF, 0x1F0CF, 0x1F18E, 0x1F18E,
        0x1F191, 0x1F19A, 0x1F200, 0x1F320, 0x1F32D, 0x1F335, 0x1F337, 0x1F37C, 0x1F37E,
        0x1F393, 0x1F3A0, 0x1F3CA, 0x1F3CF, 0x1F3D3, 0x1F3E0, 0x1F3F0, 0x1F3F4, 0x1F3F4,
        0x1F3F8, 0x1F43E, 0x1F440, 0x1F440, 0x1F442, 0x1F4FC, 0x1F4FF, 0x1F53D, 0x1F54B,
        0x1F54E, 0x1F550, 0x1F567, 0x1F57A, 0x1F57A, 0x1F595, 0x1F596, 0x1F5A4, 0x1F5A4,
        0x1F5FB, 0x1F64F, 0x1F680, 0x1F6C5, 0x1F6CC, 0x1F6CC, 0x1F6D0, 0x1F6D2, 0x1F6D5,
        0x1F6DF, 0x1F6EB, 0x1F6EC, 0x1F6F4, 0x1F6FC, 0x1F7E0, 0x1F7F0, 0x1F90C, 0x1F93A,
        0x1F93C, 0x1F945, 0x1F947, 0x1F9FF, 0x1FA70, 0x1FAF6, 0x20000, 0x3FFFD,
    };

    private DisplayWidth() {
    }

    /** The columns {@code text} takes on a terminal. */
    static int of(String text) {
        return text.codePoints().map(DisplayWidth::of).sum();
    }

    /** The columns code point {@code cp} takes: 0, 1 or 2. */
    static int of(int cp) {
        int type = Character.getType(cp);
        if (type == Character.NON_SPACING_MARK || type == Character.ENCLOSING_MARK
                || cp >= 0x1160 && cp <= 0x11FF) {
            return 0;
        }
        return wide(cp) ? 2 : 1;
    }

    private static boolean wide(int cp) {
        if (cp < WIDE[0]) {
            return false;
        }
        // The index of the last bound <= cp: an even index is the start of a wide range.
        int i = Arrays.binarySearch(WIDE, cp);
        int bound = i >= 0 ? i : -i - 2;
        return bound % 2 == 0 || i >= 0;
    }
}
