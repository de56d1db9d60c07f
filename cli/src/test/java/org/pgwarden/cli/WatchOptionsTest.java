package org.pgwarden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class WatchOptionsTest {

    @Test
    void watchTakesAnIntervalAsPostgresqlConfWritesIt() throws Exception {
        assertEquals(Duration.ofSeconds(30), interval("30s"));
        assertEquals(Duration.ofMinutes(5), interval("5min"));
        assertEquals(Duration.ofMinutes(5), interval("5 min"));
        assertEquals(Duration.ofMillis(1500), interval("1500ms"));
        assertEquals(Duration.ofHours(2), interval("2h"));
        assertEquals(Duration.ofDays(1), interval("1d"));
    }

    @Test
    void defaultsAreTextLogsAndNoMetrics() throws Exception {
        Options o = Options.parse("watch", "--interval", "30s");

        assertEquals(Command.WATCH, o.command());
        assertEquals(LogFormat.TEXT, o.watch().logFormat());
        assertNull(o.watch().metricsPort());
        assertEquals("127.0.0.1", o.watch().metricsAddress().getHostAddress());
        assertNull(Options.parse("enforce").watch());
    }

    @Test
    void watchTakesEnforcesDryRunAndItsOwnOptions() throws Exception {
        Options o = Options.parse("watch", "--interval=1min", "--dry-run", "--log-format",
                "json", "--metrics-port", "9187", "--metrics-address", "0.0.0.0");

        assertTrue(o.dryRun());
        assertEquals(Duration.ofMinutes(1), o.watch().interval());
        assertEquals(LogFormat.JSON, o.watch().logFormat());
        assertEquals(9187, o.watch().metricsPort());
        assertEquals("0.0.0.0", o.watch().metricsAddress().getHostAddress());
    }

    @Test
    void aBadValueIsRefusedNamingTheOptionAndTheValue() {
        String syntax = "(expected a whole number and a unit, ms, s, min, h or d, as in"
                + " postgresql.conf: 30s, 5min)";
        assertRefused("invalid value for option --interval: \"5m\" " + syntax, "watch",
                "--interval", "5m");
        assertRefused("invalid value for option --interval: \"soon\" " + syntax, "watch",
                "--interval", "soon");
        assertRefused("invalid value for option --interval: \"-1s\" " + syntax, "watch",
                "--interval", "-1s");
        assertRefused("invalid value for option --interval: \"999ms\" (must be between 1s and"
                + " 1d)", "watch", "--interval", "999ms");
        assertRefused("invalid value for option --interval: \"25h\" (must be between 1s and"
                + " 1d)", "watch", "--interval", "25h");
        assertRefused("invalid value for option --log-format: \"xml\" (expected text or json)",
                "watch", "--interval", "1s", "--log-format", "xml");
        for (String port : new String[] {"0", "65536", "http", "-1", "123456"}) {
            assertRefused("invalid value for option --metrics-port: \"" + port + "\" (expected"
                    + " a port number from 1 to 65535)", "watch", "--interval", "1s",
                    "--metrics-port=" + port);
        }
        assertRefused("invalid value for option --metrics-address: \"no-such-host.invalid\""
                + " (unknown host)", "watch", "--interval", "1s", "--metrics-port", "9187",
                "--metrics-address", "no-such-host.invalid");
        // TEST-NET-3 (RFC 5737): never an address of this host.
        assertRefused("invalid value for option --metrics-address: \"203.0.113.7\" (not an"
                + " address of this host)", "watch", "--interval", "1s", "--metrics-port",
                "9187", "--metrics-address", "203.0.113.7");
    }

    @Test
    void misuseIsRefusedWithAMessageNamingIt() {
        assertRefused("option --interval is required for watch", "watch");
        assertRefused("option --interval does not apply to enforce", "enforce", "--interval",
                "1s");
        assertRefused("option --metrics-port does not apply to reap", "reap", "--threshold",
                "1s", "--metrics-port", "9187");
        assertRefused("option --metrics-address needs --metrics-port", "watch", "--interval",
                "1s", "--metrics-address", "127.0.0.1");
        assertRefused("option --format does not apply to watch (use --log-format)", "watch",
                "--interval", "1s", "--format", "json");
        assertRefused("option --interval given more than once", "watch", "--interval", "1s",
                "--interval", "2s");
    }

    private static Duration interval(String text) throws UsageException {
        return Options.parse("watch", "--interval", text).watch().interval();
    }

    private static void assertRefused(String message, String... args) {
        UsageException e = assertThrows(UsageException.class, () -> Options.parse(args));
        assertEquals(message, e.getMessage());
    }
}
