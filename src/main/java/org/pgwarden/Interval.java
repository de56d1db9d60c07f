package org.pgwarden;

import java.time.Duration;

/**
 * An SQL interval argument as the server read it.
 *
 * @param text the server's own text form, handed back to SQL as {@code ?::interval} so that
 *     Java never parses interval syntax (which follows the session's IntervalStyle)
 * @param duration the same length for waiting in Java, with a month counted as 30 days as
 *     PostgreSQL itself does when it compares intervals
 */
public record Interval(String text, Duration duration) {
}
