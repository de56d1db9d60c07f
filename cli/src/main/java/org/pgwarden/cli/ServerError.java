package org.pgwarden.cli;

import java.sql.SQLException;
import org.pgwarden.DetailedException;
import org.pgwarden.Escape;
import org.postgresql.util.PSQLException;
import org.postgresql.util.PSQLState;
import org.postgresql.util.ServerErrorMessage;

/**
 * What an error says, read as psql would show it: from pgjdbc's structured copy of the
 * server's ErrorResponse where there is one (pgwarden's own errors are raised by the server
 * too, ServerMessages), never by parsing pgjdbc's rendering of it, which prefixes the severity
 * and appends the detail, hint and context on further lines. Both come escaped
 * ({@link Escape}): a message quotes names a client or an owner chose (a database renamed to
 * hold a line break and "DETAIL: ..." would otherwise print lines of its own).
 */
final class ServerError {

    private ServerError() {
    }

    /** The primary message, without severity, detail or context, escaped. */
    static String message(SQLException e) {
        ServerErrorMessage server = server(e);
        if (server != null && server.getMessage() != null) {
            return Escape.controls(server.getMessage());
        }
        if (e instanceof DetailedException) {
            return Escape.controls(e.getMessage());
        }
        // pgjdbc's own errors (no server involved) and the core's: their first line
        String text = e.getMessage() == null ? e.toString() : e.getMessage();
        int newline = text.indexOf('\n');
        return Escape.controls(newline < 0 ? text : text.substring(0, newline));
    }

    /** The server's DETAIL field, or the one the core gave an error it raised itself, or null. */
    static String detail(SQLException e) {
        if (e instanceof DetailedException d) {
            return Escape.controls(d.detail());
        }
        ServerErrorMessage server = server(e);
        return server == null ? null : Escape.controls(server.getDetail());
    }

    /**
     * Whether pgjdbc could not open a socket to the server at all: it then says only "The
     * connection attempt failed." and keeps the reason (psql's "No such file or directory")
     * in the cause.
     */
    static boolean socketNotOpened(SQLException e) {
        return e instanceof PSQLException && server(e) == null
                && PSQLState.CONNECTION_UNABLE_TO_CONNECT.getState().equals(e.getSQLState());
    }

    private static ServerErrorMessage server(SQLException e) {
        return e instanceof PSQLException p ? p.getServerErrorMessage() : null;
    }
}
