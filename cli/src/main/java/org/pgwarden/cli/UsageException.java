package org.pgwarden.cli;

/** A command line the runner refuses: an unknown command or option, a missing value. */
final class UsageException extends Exception {

    private static final long serialVersionUID = 1L;

    UsageException(String message) {
        super(message);
    }
}
