package org.pgwarden;

import java.time.Duration;

/** Waits for a condition with a deadline instead of sleeping a fixed time. */
final class Poll {

    @FunctionalInterface
    interface Condition {
        boolean holds() throws Exception;
    }

    private Poll() {
    }

    static void until(String what, Duration limit, Condition condition) {
        long deadline = System.nanoTime() + limit.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.holds()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() > deadline) {
                AssertionError failure = new AssertionError(
                        "gave up after " + limit.toMillis() + " ms waiting for " + what);
                if (last != null) {
                    failure.initCause(last);
                }
                throw failure;
            }
            try {
                Thread.sleep(10);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what, e);
            }
        }
    }
}
