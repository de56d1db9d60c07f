package org.pgwarden;

import java.time.Duration;

/**
 * An interval argument as {@link IntervalRule} read it.
 *
 * @param text the server's own text form of what the caller wrote, for messages and the log
 * @param duration its fixed length: days of 24 hours, no months (IntervalRule refuses them)
 */
record Interval(String text, Duration duration) {

    /**
     * The length as SQL takes it back, {@code ?::interval}: whole seconds and microseconds,
     * so that no comparison reads days by the calendar of the session's TimeZone.
     */
    String sql() {
        return IntervalRule.seconds(duration);
    }
}
