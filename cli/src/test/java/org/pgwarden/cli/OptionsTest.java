package org.pgwarden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

class OptionsTest {

    @Test
    void cancelTakesItsOptionsWithSpaceOrEquals() throws Exception {
        Options o = Options.parse("cancel", "--threshold", "5 minutes", "--escalate",
                "--grace=2s", "--format", "json", "--url", "jdbc:postgresql://db/app");

        assertEquals(Command.CANCEL, o.command());
        assertEquals("5 minutes", o.threshold());
        assertTrue(o.escalate());
        assertEquals("2s", o.grace());
        assertFalse(o.dryRun());
        assertEquals(Format.JSON, o.format());
        assertEquals("jdbc:postgresql://db/app", o.url());
    }

    @Test
    void blockersAndEnforceTakeTheirOptions() throws Exception {
        Options blockers = Options.parse("blockers", "--min-wait", "30s", "--grace=2s",
                "--dry-run");
        assertEquals(Command.BLOCKERS, blockers.command());
        assertEquals("30s", blockers.threshold());
        assertEquals("2s", blockers.grace());
        assertTrue(blockers.dryRun());
        assertEquals(Command.ENFORCE, Options.parse("enforce").command());
        assertTrue(Options.parse("reap", "--threshold", "1h", "--only-blocking")
                .onlyBlocking());
    }

    @Test
    void defaultsAreThoseOfTheSqlFunctions() throws Exception {
        Options o = Options.parse("cancel", "--threshold", "1 hour");

        assertEquals("5 seconds", o.grace());
        assertFalse(o.escalate());
        assertEquals(Format.TABLE, o.format());
    }

    @Test
    void aNegativeIntervalIsAValueForTheServerToJudge() throws Exception {
        assertEquals("-5 minutes", Options.parse("reap", "--threshold", "-5 minutes")
                .threshold());
    }

    @Test
    void misuseIsRefusedWithAMessageNamingIt() {
        assertRefused("no command given (expected report, horizon, cancel, reap, end-tx,"
                + " blockers, enforce or watch)");
        assertRefused("unknown command \"kill\" (expected report, horizon, cancel, reap,"
                + " end-tx, blockers, enforce or watch)", "kill");
        assertRefused("option --threshold is required for end-tx", "end-tx");
        assertRefused("option --escalate does not apply to end-tx", "end-tx", "--escalate");
        assertRefused("option --min-wait is required for blockers", "blockers");
        assertRefused("option --only-blocking does not apply to cancel", "cancel",
                "--only-blocking");
        assertRefused("option --threshold is required for cancel", "cancel");
        assertRefused("option --escalate does not apply to reap", "reap", "--escalate");
        assertRefused("option --include-idle does not apply to cancel", "cancel",
                "--include-idle");
        assertRefused("option --threshold must follow the command", "--threshold", "1s",
                "reap");
        assertRefused("option --threshold needs a value", "reap", "--threshold");
        assertRefused("option --grace needs a value", "cancel", "--grace", "--escalate");
        assertRefused("option --dry-run takes no value", "reap", "--dry-run=yes");
        assertRefused("option --format given more than once", "report", "--format", "csv",
                "--format", "json");
        assertRefused("invalid value for option --format: \"xml\" (expected table, csv or"
                + " json)", "report", "--format", "xml");
        assertRefused("unexpected argument \"extra\"", "report", "extra");
        assertRefused("unknown option \"-x\"", "report", "-x");
    }

    @Test
    void helpNeedsNothingElse() throws Exception {
        assertTrue(Options.parse("--help").help());
        assertTrue(Options.parse("reap", "-?").help());
    }

    @Test
    void theLibpqVariablesNameTheServer() throws Exception {
        ConnectionSettings s = ConnectionSettings.of(Options.parse("report"), Map.of(
                "PGHOST", "db1", "PGPORT", "5433", "PGDATABASE", "my app", "PGUSER", "alice",
                "PGPASSWORD", "secret", "PGSSLMODE", "require"));

        assertEquals("jdbc:postgresql://db1:5433/my+app", s.url());
        assertEquals("alice", s.properties().getProperty("user"));
        assertEquals("secret", s.properties().getProperty("password"));
        assertEquals("require", s.properties().getProperty("sslmode"));
        assertEquals("pgwarden-cli", s.properties().getProperty("ApplicationName"));
        assertEquals("db1:5433 database \"my app\" as \"alice\"", s.description());
    }

    @Test
    void aUrlWinsAndIsShownWithoutItsQuery() throws Exception {
        ConnectionSettings s = ConnectionSettings.of(Options.parse("report", "--url",
                "jdbc:postgresql://db2/app?password=secret", "--user", "bob"),
                Map.of("PGHOST", "db1", "PGUSER", "alice"));

        assertEquals("jdbc:postgresql://db2/app?password=secret", s.url());
        assertEquals("bob", s.properties().getProperty("user"));
        assertEquals("jdbc:postgresql://db2/app", s.description());
    }

    private static void assertRefused(String message, String... args) {
        UsageException e = assertThrows(UsageException.class, () -> Options.parse(args));
        assertEquals(message, e.getMessage());
    }
}
