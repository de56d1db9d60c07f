package org.pgwarden.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value of watch's --interval, read on the client: it must be checked before anything
 * connects, so the server cannot judge it as it judges the thresholds. Written as a time
 * setting is in postgresql.conf ({@code 30s}, {@code 5min}), a whole number and a unit.
 */
final class WatchInterval {

    static final Duration MIN = Duration.ofSeconds(1);
    static final Duration MAX = Duration.ofDays(1);

    private static final Pattern SYNTAX = Pattern.compile("(\\d{1,9})\\s*(ms|s|min|h|d)");

    private WatchInterval() {
    }

    static Duration parse(String value) throws UsageException {
        Matcher m = SYNTAX.matcher(value.trim());
        if (!m.matches()) {
            throw invalid(value, "expected a whole number and a unit, ms, s, min, h or d,"
                    + " as in postgresql.conf: 30s, 5min");
        }
        long n = Long.parseLong(m.group(1));
        Duration d = switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "min" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
        // Below a second the runs would be most of the server's pg_stat_activity reads.
        if (d.compareTo(MIN) < 0 || d.compareTo(MAX) > 0) {
            throw invalid(value, "must be between 1s and 1d");
        }
        return d;
    }

    /** A length as a log line shows it: {@code 1.5s}, {@code 300s}. */
    static String text(Duration d) {
        return String.format(Locale.ROOT, "%.3f", d.toNanos() / 1e9)
                .replaceAll("\\.?0+$", "") + "s";
    }

    private static UsageException invalid(String value, String why) {
        return new UsageException("invalid value for option --interval: \"" + value + "\" ("
                + why + ")");
    }
}
