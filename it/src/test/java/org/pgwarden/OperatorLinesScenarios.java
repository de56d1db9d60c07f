package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Escalation.CANCEL_ONLY;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The server log lines a DBA reads: one line per signal, with nothing a client chose able to
 * break it, and no CONTEXT or STATEMENT line of pgwarden's own code after it. Role names are
 * the hostile values here: a client that may create roles chooses them, and PostgreSQL keeps
 * them as given (it cleans application_name itself: every character outside printable ASCII
 * becomes ? up to 15, an escape such as \x0d from 16).
 */
abstract class OperatorLinesScenarios extends ScenarioBase {

    /** A victim's role name that, printed raw, starts a forged line after a CR. */
    static final String FORGING_ROLE =
            "it\rLOG:  pgwarden: terminate pid=1\u001b[2J\u2028\"\\";
    /** How a pgwarden log line shows it. */
    static final String FORGING_ROLE_SHOWN =
            "\"it\\rLOG:  pgwarden: terminate pid=1\\x1b[2J\\u2028\\\"\\\\\"";
    /** An operator's role name with a space, a line feed and a right-to-left override. */
    static final String OPERATOR_ROLE = "warden it\nop\u202e";
    static final String OPERATOR_ROLE_SHOWN = "\"warden it\\nop\\u202e\"";

    private final List<String> quotedRoles = new ArrayList<>();
    private final List<Victim> victimsOfQuotedRoles = new ArrayList<>();
    private final List<Connection> connections = new ArrayList<>();

    @AfterEach
    void dropQuotedRoles() throws SQLException {
        for (Connection c : connections) {
            c.close();
        }
        for (Victim v : victimsOfQuotedRoles) {
            v.close();
        }
        Victims.terminate(server, victimsOfQuotedRoles.stream().map(v -> v.pid).toList());
        for (String role : quotedRoles) {
            server.sql().execute("DROP ROLE IF EXISTS " + identifier(role));
        }
    }

    @Test
    void controlCharactersInRoleNamesShowAsEscapesAndForgeNoLine() throws Exception {
        String victimRole = quotedRole(FORGING_ROLE);
        String operator = quotedRole(OPERATOR_ROLE);
        server.sql().execute("GRANT warden_operator TO " + identifier(operator));
        Victim idleTx = victimAs(victimRole, "lines-forging-role").idleInTransaction("SELECT 1");
        idleTx.awaitAge("100 milliseconds");
        Connection asOperator = connect(operator);

        List<ActionRow> rows = client().reapIdleInTx(asOperator, "50 milliseconds", FOR_REAL);

        assertEquals(Outcome.TERMINATED, rowFor(rows, idleTx).outcome());
        Matcher line = awaitLine(idleTx);
        assertEquals("terminate", line.group("action"));
        assertEquals(FORGING_ROLE_SHOWN, line.group("user"));
        assertEquals(OPERATOR_ROLE_SHOWN, line.group("caller"));
        String log = server.sql().serverLog();
        assertFalse(log.contains(FORGING_ROLE), "the victim's role name reached the log raw");
        assertFalse(log.contains(OPERATOR_ROLE), "the caller's role name reached the log raw");
    }

    @Test
    void noContextOrStatementLineFollowsALogLineOfAnOperator() throws Exception {
        String operator = quotedRole("warden_it_lines_operator");
        server.sql().execute("GRANT warden_operator TO " + identifier(operator));
        String victimRole = quotedRole("warden_it_lines_victim");
        Victim idleTx = victimAs(victimRole, "lines-operator-context")
                .idleInTransaction("SELECT 1");
        idleTx.awaitAge("100 milliseconds");

        List<ActionRow> rows =
                client().reapIdleInTx(connect(operator), "50 milliseconds", FOR_REAL);

        assertEquals(Outcome.TERMINATED, rowFor(rows, idleTx).outcome());
        Matcher line = awaitLine(idleTx);
        assertEquals("warden_it_lines_operator", line.group("caller"));
        assertNothingAfter(line);
    }

    @Test
    void noContextOrStatementLineFollowsALogLineOfASuperuser() throws Exception {
        Victim sleeper = victim("lines-superuser-context").start("SELECT pg_sleep(60)");
        sleeper.awaitAge("100 milliseconds");

        List<ActionRow> rows = cancel("50 milliseconds", CANCEL_ONLY, "5 seconds", FOR_REAL);

        assertEquals(Outcome.CANCELLED, rowFor(rows, sleeper).outcome());
        Matcher line = awaitLine(sleeper);
        assertEquals("cancel", line.group("action"));
        assertEquals(server.superuser, line.group("caller"));
        assertNothingAfter(line);
    }

    @Test
    void aLogFunctionThatNoSuperuserOwnsIsNeverCalled() throws Exception {
        // Its owner could have written anything into it; the lines are raised by the core
        // itself then, and PostgreSQL adds its CONTEXT line, but no line is lost.
        String owner = quotedRole("warden_it_lines_owner");
        Victim idleTx = victim("lines-untrusted-function").idleInTransaction("SELECT 1");
        idleTx.awaitAge("100 milliseconds");
        server.sql().execute("ALTER FUNCTION warden.server_log(text[]) OWNER TO " + owner);
        try {
            List<ActionRow> rows = client().reapIdleInTx(caller, "50 milliseconds", FOR_REAL);

            assertEquals(Outcome.TERMINATED, rowFor(rows, idleTx).outcome());
        } finally {
            server.sql().execute("ALTER FUNCTION warden.server_log(text[]) OWNER TO "
                    + identifier(server.superuser));
        }
        Matcher line = awaitLine(idleTx);
        assertTrue(server.sql().serverLog().contains(line.group("prefix") + "CONTEXT:  "),
                "not raised by the fallback: " + line.group());
    }

    // ---- helpers ------------------------------------------------------------------------

    /**
     * The pgwarden line for {@code v}'s pid, parsed: the prefix (log_line_prefix), the
     * action and the quoted values as they stand in the line.
     */
    Matcher awaitLine(Victim v) throws Exception {
        Assumptions.assumeTrue(server.sql().serverLog() != null,
                "the server keeps no log file that SQL can read: log lines not checked");
        Pattern pattern = Pattern.compile("^(?<prefix>.*)LOG:  pgwarden: (?<action>\\w+) pid="
                + v.pid + " user=(?<user>" + QUOTED + ") application=" + QUOTED
                + " database=\"" + TestServer.DATABASE + "\" function=\\w+ reason=" + QUOTED
                + " caller=(?<caller>\\w+|" + QUOTED + ")$", Pattern.MULTILINE);
        Matcher[] found = new Matcher[1];
        Poll.until("a log line for pid " + v.pid, Duration.ofSeconds(10), () -> {
            Matcher m = pattern.matcher(server.sql().serverLog());
            found[0] = m;
            return m.find();
        });
        return found[0];
    }

    /**
     * Asserts that the message of {@code line} has no other line: every line of one message
     * carries the same prefix (its time, to the millisecond, and its pid), and PostgreSQL
     * would add its CONTEXT and STATEMENT lines to the message.
     */
    void assertNothingAfter(Matcher line) throws SQLException {
        String log = server.sql().serverLog();
        String prefix = line.group("prefix");
        Assumptions.assumeFalse(prefix.isEmpty(), "log_line_prefix is empty");
        for (String other : List.of("CONTEXT:  ", "STATEMENT:  ", "DETAIL:  ")) {
            assertFalse(log.contains(prefix + other),
                    "a " + other.trim() + " line follows " + line.group());
        }
    }

    /** Creates a login role with any name; it is dropped after the test. */
    String quotedRole(String name) throws SQLException {
        server.sql().execute("DROP ROLE IF EXISTS " + identifier(name));
        server.sql().execute("CREATE ROLE " + identifier(name) + " LOGIN PASSWORD '" + PASSWORD
                + "'");
        quotedRoles.add(name);
        return name;
    }

    Victim victimAs(String role, String name) throws SQLException {
        Victim v = Victim.open(server, role, PASSWORD, name);
        victimsOfQuotedRoles.add(v);
        return v;
    }

    Connection connect(String role) throws SQLException {
        Connection c = server.connect(role, PASSWORD, "pgwarden-it-lines");
        connections.add(c);
        return c;
    }

    /** A role name as an SQL identifier, whatever it holds. */
    static String identifier(String name) {
        return '"' + name.replace("\"", "\"\"") + '"';
    }
}
