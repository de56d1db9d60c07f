package org.pgwarden;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * What the fixtures leave running or on disk (clusters, the standby, pgbouncer, unpacked
 * binaries), cleaned up when the test JVM exits, newest first, in one thread: a server stops
 * before the binaries it runs from are removed, a standby before its primary. Separate
 * shutdown hooks would run all at once.
 */
final class AtExit {

    private static final Deque<Runnable> CLEANUPS = new ArrayDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(AtExit::runAll, "pgwarden-it-cleanup"));
    }

    private AtExit() {
    }

    /** Runs {@code cleanup} when the JVM exits, before everything registered earlier. */
    static void register(Runnable cleanup) {
        synchronized (CLEANUPS) {
            CLEANUPS.push(cleanup);
        }
    }

    /** Removes {@code dir} when the JVM exits. */
    static void delete(Path dir) {
        register(() -> Shell.deleteQuietly(dir));
    }

    private static void runAll() {
        while (true) {
            Runnable cleanup;
            synchronized (CLEANUPS) {
                cleanup = CLEANUPS.poll();
            }
            if (cleanup == null) {
                return;
            }
            try {
                cleanup.run();
            } catch (RuntimeException e) {
                System.out.println("[pgwarden-it] a cleanup at exit failed: " + e);
            }
        }
    }
}
