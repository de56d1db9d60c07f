package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ArgumentsTest {

    @Test
    void aRefusalNamesTheParameterAndQuotesTheValue() {
        assertEquals("invalid value for parameter \"grace\": \"00:11:00\"",
                Arguments.message("grace", "00:11:00"));
        assertEquals("The value of \"grace\" must be at most 10 minutes.",
                Arguments.detail("grace", "must be at most 10 minutes"));
    }

    @Test
    void aNullValueIsShownAsNull() {
        assertEquals("invalid value for parameter \"threshold\": NULL",
                Arguments.message("threshold", null));
    }

    @Test
    void logValuesAreQuotedSoThatALineCannotBeForged() {
        assertEquals("\"a \\\"b\\\" \\\\ \\nc\"", ServerMessages.quote("a \"b\" \\ \nc"));
        assertEquals("NULL", ServerMessages.quote(null));
    }

    @Test
    void waitingPidsAreReadFromTheirTextForm() {
        assertEquals(List.of(), Candidates.pids(""));
        assertEquals(List.of(12, 345), Candidates.pids("12,345"));
    }
}
