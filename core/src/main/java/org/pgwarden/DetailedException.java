package org.pgwarden;

import java.sql.SQLException;

/**
 * An error the core raises in the client, not through the server (where the server cannot be
 * asked: the statement that failed may have aborted the caller's transaction), with the DETAIL
 * a server's error would carry kept apart from its message, so that the runner shows both as
 * psql would without parsing text.
 */
public final class DetailedException extends SQLException {

    private static final long serialVersionUID = 1L;

    private final String detail;

    DetailedException(String message, String sqlState, String detail, Throwable cause) {
        super(message, sqlState, cause);
        this.detail = detail;
    }

    /** The DETAIL line's text. */
    public String detail() {
        return detail;
    }
}
