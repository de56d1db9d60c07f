package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class IntervalRuleTest {

    @Test
    void schemaSqlInstallsTheCoresRuleVerbatim() throws Exception {
        String schema = Files.readString(Path.of(System.getProperty("pgwarden.basedir", "."),
                "sql", "schema.sql"));
        assertTrue(schema.contains(IntervalRule.FUNCTION + "\n"),
                "sql/schema.sql must hold, verbatim, what"
                        + " `java -cp target/classes org.pgwarden.IntervalRule` prints:\n"
                        + IntervalRule.FUNCTION);
    }

    @Test
    void schemaSqlClaimsTheHomeDatabaseWithTheCoresText() throws Exception {
        String schema = Files.readString(Path.of(System.getProperty("pgwarden.basedir", "."),
                "sql", "schema.sql"));
        assertTrue(schema.contains(Home.CLAIM + "\n"), "sql/schema.sql must hold, verbatim,"
                + " what `java -cp target/classes org.pgwarden.Home` prints:\n" + Home.CLAIM);
    }

    @Test
    void lengthsGoBackToSqlAsExactSeconds() {
        assertEquals("86400.000000 seconds", IntervalRule.seconds(Duration.ofDays(1)));
        assertEquals("0.050000 seconds", IntervalRule.seconds(Duration.ofMillis(50)));
        assertEquals("0.000001 seconds", IntervalRule.seconds(Duration.ofNanos(1000)));
    }
}
