package org.pgwarden;

import java.time.Duration;

/**
 * The one reading of every interval pgwarden takes (thresholds, min_wait, grace; arguments,
 * policy rows and the runner alike), as SQL that the server evaluates. The core runs it over
 * its connection; sql/schema.sql installs the same text as {@code warden.interval_problem},
 * which the policy table's trigger and the SQL wrappers' pre-checks call (generated from
 * {@link #PROBLEM}: GeneratedSqlTest fails when the copy differs).
 *
 * <p>An interval is a fixed length of time: days count as 24 hours and the time part as
 * written, whatever the session's TimeZone. A month or year part is refused, since months
 * and years have no fixed length and PostgreSQL reads them differently in comparisons (30
 * days), in extract(epoch) (a year is 365.25 days) and in timestamp arithmetic (calendar
 * months); so are mixed signs ({@code '1 day -25 hours'}), whose meaning depends on which
 * reading applies, and infinite intervals (PostgreSQL 17).
 */
final class IntervalRule {

    /*
     * The limits, here only: the installed warden.interval_problem is generated from PROBLEM,
     * and Arguments reads every interval through READ.
     */
    /** The longest grace a caller may ask for: a cancel that needs longer is not honoured. */
    static final Duration MAX_GRACE = Duration.ofMinutes(10);
    /** The longest threshold: older than any backend, and far from timestamp overflow. */
    static final Duration MAX_THRESHOLD = Duration.ofDays(3650);

    /** What an interval is used for: which bounds apply. */
    enum Use {
        /** A threshold or min_wait: greater than zero, at most {@link #MAX_THRESHOLD}. */
        THRESHOLD,
        /** A grace period: not negative, at most {@link #MAX_GRACE}. */
        GRACE
    }

    /*
     * The rule as one SQL expression over v (interval) and use (text): NULL when v is
     * acceptable, else how it must be, in the words of a detail ("must ..."). The month test
     * comes first: the day and time parts are read only once it holds. extract returns
     * float8 before PostgreSQL 14 and numeric from 14, where an infinite interval (17) has
     * an infinite epoch.
     */
    static final String PROBLEM = """
        CASE
            WHEN v IS NULL THEN 'must be an interval'
            WHEN extract(epoch FROM v)::float8 IN ('Infinity', '-Infinity')
                THEN 'must be finite'
            WHEN extract(year FROM v) <> 0 OR extract(month FROM v) <> 0
                THEN 'must not have a month or year part (they have no fixed length: write days)'
            WHEN sign(extract(day FROM v))
                    * sign(extract(epoch FROM v) - 86400 * extract(day FROM v)) < 0
                THEN 'must not mix positive and negative parts'
            WHEN use = 'threshold' AND extract(epoch FROM v) <= 0
                THEN 'must be greater than zero'
            WHEN use = 'threshold' AND extract(epoch FROM v) > %d
                THEN 'must be at most %d days'
            WHEN use = 'grace' AND extract(epoch FROM v) < 0
                THEN 'must not be negative'
            WHEN use = 'grace' AND extract(epoch FROM v) > %d
                THEN 'must be at most %d minutes'
        END""".formatted(MAX_THRESHOLD.toSeconds(), MAX_THRESHOLD.toDays(),
            MAX_GRACE.toSeconds(), MAX_GRACE.toMinutes());

    /** Reads one value: its text, its length in microseconds if acceptable, the problem. */
    static final String READ = """
        SELECT t.v::text,
               CASE WHEN t.problem IS NULL
                   THEN (extract(epoch FROM t.v) * 1000000)::bigint
               END,
               t.problem
        FROM (SELECT arg.v, %s AS problem
              FROM (SELECT ?::interval AS v, ?::text AS use) AS arg) AS t
        """.formatted(PROBLEM.replace("\n", "\n          "));

    private IntervalRule() {
    }

    /**
     * An interval expression of SQL as the fixed length this rule gives it: what every
     * comparison with a policy's stored interval uses, so that a day is 24 hours there too.
     */
    static String fixed(String expression) {
        return "(extract(epoch FROM " + expression + ")::float8 * interval '1 second')";
    }

    /** The text that hands a length back to SQL as an interval: seconds, exact to 1 µs. */
    static String seconds(Duration length) {
        long micros = length.toNanos() / 1000;
        String sign = micros < 0 ? "-" : "";
        long abs = Math.abs(micros);
        return sign + abs / 1_000_000 + "." + String.format("%06d", abs % 1_000_000)
                + " seconds";
    }
}
