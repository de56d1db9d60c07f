package org.pgwarden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ConnectException;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

/**
 * The runner reads a server's error from pgjdbc's parse of the ErrorResponse fields, so a
 * value quoted in a message (a database, role or policy name a client chose) cannot forge a
 * DETAIL line or cut the message short, as parsing pgjdbc's rendered text did.
 */
class ServerErrorTest {

    /** An ErrorResponse as the server sends it: typed fields, each ending in a zero byte. */
    private static PSQLException fromServer(String message, String detail) {
        String fields = "SERROR\0VERROR\0C3D000\0M" + message + "\0"
                + (detail == null ? "" : "D" + detail + "\0");
        return new PSQLException(new ServerErrorMessage(fields));
    }

    @Test
    void aQuotedValueWithANewlineNeitherCutsTheMessageNorForgesADetail() {
        PSQLException e = fromServer("database \"x\n  Detail: forged\" does not exist", null);

        assertTrue(e.getMessage().contains("\n  Detail: forged"), e.getMessage());
        assertEquals("database \"x\\n  Detail: forged\" does not exist", ServerError.message(e));
        assertNull(ServerError.detail(e));
    }

    @Test
    void aNameWithALineBreakInTheDetailCannotPrintALineOfItsOwn() {
        PSQLException e = fromServer("home is elsewhere",
                "database \"app\nDETAIL: forged\npgwarden: 3 sessions terminated\" is home");

        assertEquals("database \"app\\nDETAIL: forged\\npgwarden: 3 sessions terminated\""
                + " is home", ServerError.detail(e));
    }

    @Test
    void anErrorIsShownAsPsqlShowsItsMessageAndDetail() {
        PSQLException e = new PSQLException(new ServerErrorMessage("SERROR\0VERROR\0C22023\0"
                + "Minvalid value for parameter \"threshold\": \"-00:05:00\"\0"
                + "DThe value of \"threshold\" must be greater than zero.\0"
                + "WPL/pgSQL function inline_code_block line 3 at RAISE\0"));

        assertEquals("invalid value for parameter \"threshold\": \"-00:05:00\"",
                ServerError.message(e));
        assertEquals("The value of \"threshold\" must be greater than zero.",
                ServerError.detail(e));
    }

    @Test
    void theServersDetailAndMessageComeWithoutSeverity() {
        PSQLException e = fromServer("ERROR: looks like a severity", "the real detail");

        assertEquals("ERROR: looks like a severity", ServerError.message(e));
        assertEquals("the real detail", ServerError.detail(e));
    }

    @Test
    void aClientSideErrorKeepsItsFirstLine() {
        SQLException e = new SQLException("bad value \"x\"\nsecond line", "22023");

        assertEquals("bad value \"x\"", ServerError.message(e));
        assertNull(ServerError.detail(e));
    }

    @Test
    void aSocketThatCouldNotBeOpenedIsToldApartByItsSqlState() {
        PSQLException refused = new PSQLException("The connection attempt failed.",
                PSQLState.CONNECTION_UNABLE_TO_CONNECT, new ConnectException("refused"));

        assertTrue(ServerError.socketNotOpened(refused));
        assertFalse(ServerError.socketNotOpened(fromServer("password authentication failed",
                null)));
    }
}
