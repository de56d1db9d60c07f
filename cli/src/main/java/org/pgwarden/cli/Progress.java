package org.pgwarden.cli;

import java.io.PrintStream;

/**
 * A line on stderr while a call waits for signalled backends, so that a grace period does
 * not look like a hang. Nothing is shown for a call that ends within {@link #QUIET_MILLIS}.
 * On a terminal the line counts the seconds in place; otherwise it is printed once, so that
 * a log or a pipe gets one line and no carriage returns.
 */
final class Progress implements AutoCloseable {

    /** How long a call may take before the line appears: selecting takes milliseconds. */
    static final long QUIET_MILLIS = 300;
    private static final long TICK_MILLIS = 200;

    private final PrintStream err;
    private final String message;
    private final boolean terminal;
    private final long started = System.nanoTime();
    private final Thread ticker;
    private volatile boolean shown;

    private Progress(PrintStream err, String message, boolean terminal) {
        this.err = err;
        this.message = message;
        this.terminal = terminal;
        this.ticker = new Thread(this::tick, "pgwarden-progress");
        ticker.setDaemon(true);
    }

    static Progress start(PrintStream err, String message, boolean terminal) {
        Progress progress = new Progress(err, message, terminal);
        progress.ticker.start();
        return progress;
    }

    private void tick() {
        try {
            Thread.sleep(QUIET_MILLIS);
            shown = true;
            if (!terminal) {
                err.println("pgwarden: " + message + " ...");
                return;
            }
            while (true) {
                err.print("\rpgwarden: " + message + " ... " + elapsed());
                err.flush();
                Thread.sleep(TICK_MILLIS);
            }
        } catch (InterruptedException e) {
            // the call is over
        }
    }

    private String elapsed() {
        return String.format("%.1f s", (System.nanoTime() - started) / 1e9);
    }

    @Override
    public void close() {
        ticker.interrupt();
        try {
            ticker.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (shown && terminal) {
            err.println("\rpgwarden: " + message + " ... done in " + elapsed());
        }
    }
}
