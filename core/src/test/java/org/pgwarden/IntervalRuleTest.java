package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The copy of the rule in sql/schema.sql is GeneratedSqlTest's. */
class IntervalRuleTest {

    @Test
    void lengthsGoBackToSqlAsExactSeconds() {
        assertEquals("86400.000000 seconds", IntervalRule.seconds(Duration.ofDays(1)));
        assertEquals("0.050000 seconds", IntervalRule.seconds(Duration.ofMillis(50)));
        assertEquals("0.000001 seconds", IntervalRule.seconds(Duration.ofNanos(1000)));
    }
}
