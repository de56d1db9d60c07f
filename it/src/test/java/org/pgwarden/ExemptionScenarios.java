package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.DryRun.DRY_RUN;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Idle.EXCLUDE_IDLE;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Exemptions protect exactly what they say, and policies select exactly what they say, in
 * one matching language: names compared exactly, LIKE patterns only in the *_like columns,
 * member_of for a role, and the marker that tells when only the client's own choice of
 * application_name protects a session. Subclasses choose the way of calling pgwarden.
 */
abstract class ExemptionScenarios extends ScenarioBase {

    private static final String TOOLS = "warden_exempt_tools";

    @AfterEach
    void dropRows() throws SQLException {
        server.sql().execute("DELETE FROM warden.exemption WHERE name LIKE 'it\\_%'");
        server.sql().execute("DELETE FROM warden.policy WHERE name LIKE 'it\\_%'");
    }

    @Test
    void aClientNamingItselfPgDumpIsReapedUnlessItsRoleIsAMemberOfTheToolsRole()
            throws Exception {
        Victim impostor = victimNamed(role("warden_it_hostile"), "pg_dump")
                .idleInTransaction("SELECT 1");
        impostor.awaitAge("100 milliseconds");

        assertEquals(Outcome.TERMINATED, rowFor(reap(), impostor).outcome());
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), impostor.nextStatementSqlState());

        String backup = role("warden_it_backup");
        server.sql().execute("GRANT " + TOOLS + " TO " + backup);
        Victim tool = victimNamed(backup, "pg_dump").idleInTransaction("SELECT 1");
        tool.awaitAge("100 milliseconds");

        ActionRow spared = rowFor(reap(), tool);
        assertEquals(Outcome.EXEMPT, spared.outcome());
        assertEquals("backup: pg_dump", spared.exemption());
        tool.assertUsable();
    }

    @Test
    void aRoleNameWithLikeMetacharactersProtectsThatRoleAndNoOther() throws Exception {
        List<Victim> protectedOnes = new ArrayList<>();
        List<Victim> others = new ArrayList<>();
        // each written name, and a name its LIKE reading would have matched instead or too
        String[][] names = {
            {"warden_it_a_b", "warden_it_axb"},
            {"warden_it_100%", "warden_it_100x"},
            {"warden_it_b\\s", "warden_it_bs"},
        };
        for (String[] pair : names) {
            exemption("it_" + pair[0], "usename", pair[0]);
            protectedOnes.add(victimNamed(quotedRole(pair[0]), "it-exact-role")
                    .idleInTransaction("SELECT 1"));
            others.add(victimNamed(quotedRole(pair[1]), "it-exact-role")
                    .idleInTransaction("SELECT 1"));
        }
        awaitAges(protectedOnes, others);

        List<ActionRow> rows = reap();

        for (Victim v : protectedOnes) {
            assertEquals(Outcome.EXEMPT, rowFor(rows, v).outcome(), rows::toString);
            v.assertUsable();
        }
        for (Victim v : others) {
            assertEquals(Outcome.TERMINATED, rowFor(rows, v).outcome(), rows::toString);
            assertEquals(SqlState.ADMIN_SHUTDOWN.code(), v.nextStatementSqlState());
        }
    }

    @Test
    void anApplicationNameIsExactAndOnlyTheLikeColumnTakesAPattern() throws Exception {
        exemption("it_exact_app", "application_name", "it_app_1");
        exemption("it_tool_prefix", "application_name_like", "it\\_tool%");
        Victim exact = victimNamed("it_app_1").idleInTransaction("SELECT 1");
        Victim lookalike = victimNamed("it_appx1").idleInTransaction("SELECT 1");
        Victim tool = victimNamed("it_tool-7").idleInTransaction("SELECT 1");
        Victim notTool = victimNamed("itxtool-7").idleInTransaction("SELECT 1");
        awaitAges(List.of(exact, lookalike, tool, notTool), List.of());

        List<ActionRow> rows = reap();

        assertEquals(Outcome.EXEMPT, rowFor(rows, exact).outcome());
        assertEquals(Outcome.EXEMPT, rowFor(rows, tool).outcome());
        assertEquals(Outcome.TERMINATED, rowFor(rows, lookalike).outcome());
        assertEquals(Outcome.TERMINATED, rowFor(rows, notTool).outcome());
        exact.assertUsable();
        tool.assertUsable();
    }

    @Test
    void aRowMustMatchOnSomethingAndNameARoleThatExists() throws Exception {
        SQLException all = assertThrows(SQLException.class, () -> server.sql().execute(
                "INSERT INTO warden.exemption (name, note) VALUES ('it_all', 'x')"));
        assertEquals("23514", all.getSQLState(), all.getMessage());
        assertTrue(all.getMessage().contains("exemption \"it_all\" matches every session"),
                all.getMessage());
        exemption("it_some", "application_name", "it-some");
        SQLException emptied = assertThrows(SQLException.class, () -> server.sql().execute(
                "UPDATE warden.exemption SET application_name = NULL WHERE name = 'it_some'"));
        assertEquals("23514", emptied.getSQLState(), emptied.getMessage());

        SQLException noRole = assertThrows(SQLException.class,
                () -> exemption("it_ghost", "member_of", "warden_it_no_such_role"));
        assertEquals("42704", noRole.getSQLState(), noRole.getMessage());
        assertTrue(noRole.getMessage().contains(
                "invalid value for column \"member_of\": \"warden_it_no_such_role\""),
                noRole.getMessage());
        SQLException noPolicyRole = assertThrows(SQLException.class, () -> server.sql().execute(
                "INSERT INTO warden.policy (name, kind, threshold, member_of) VALUES"
                        + " ('it_ghost', 'idle_in_tx', '1 hour', 'warden_it_no_such_role')"));
        assertEquals("42704", noPolicyRole.getSQLState(), noPolicyRole.getMessage());

        SQLException pattern = assertThrows(SQLException.class,
                () -> exemption("it_escape", "application_name_like", "it-tool\\"));
        assertEquals("22025", pattern.getSQLState(), pattern.getMessage());
        assertTrue(pattern.getMessage().contains(
                "invalid value for column \"application_name_like\": \"it-tool\\\""),
                pattern.getMessage());
    }

    @Test
    void aRoleDroppedAfterItsRowWasWrittenMatchesNothingAndBreaksNothing() throws Exception {
        String group = role("warden_it_gone_group");
        exemption("it_gone", "member_of", group);
        insertPolicy("it_gone", PolicyKind.IDLE_IN_TX.sql(), "member_of", group);
        server.sql().execute("DROP ROLE " + group);
        Victim v = victim("gone-group-tx").idleInTransaction("SELECT 1");
        v.awaitAge("100 milliseconds");

        assertEquals(null,
                reportRowFor(client().backendReport(caller, EXCLUDE_IDLE), v).exemption());
        assertTrue(client().enforce(caller, FOR_REAL).stream().noneMatch(r -> r.pid() == v.pid));
        assertEquals(Outcome.TERMINATED, rowFor(reap(), v).outcome());
        // the row stays open to every change but a new member_of that names no role
        server.sql().execute("UPDATE warden.policy SET enabled = false WHERE name = 'it_gone'");
        SQLException renamed = assertThrows(SQLException.class, () -> server.sql().execute(
                "UPDATE warden.policy SET member_of = 'warden_it_other' WHERE name = 'it_gone'"));
        assertEquals("42704", renamed.getSQLState(), renamed.getMessage());
    }

    @Test
    void policyFiltersUseTheSameLanguageAndTheReportAgreesWithEnforce() throws Exception {
        String group = role("warden_it_policy_group");
        String member = role("warden_it_policy_member");
        server.sql().execute("GRANT " + group + " TO " + member);
        Victim named = victimNamed(quotedRole("warden_it_a_b"), "it-policy")
                .idleInTransaction("SELECT 1");
        Victim lookalike = victimNamed(quotedRole("warden_it_axb"), "it-policy")
                .idleInTransaction("SELECT 1");
        Victim sleeper = victimNamed(member, "it-policy").start("SELECT pg_sleep(60)");
        Victim outsider = victimNamed(quotedRole("warden_it_outsider"), "it-policy")
                .start("SELECT pg_sleep(60)");
        awaitAges(List.of(named, lookalike, sleeper, outsider), List.of());
        insertPolicy("it_ab", PolicyKind.IDLE_IN_TX.sql(), "usename", "warden_it_a_b");
        insertPolicy("it_group", PolicyKind.LONG_RUNNING.sql(), "member_of", group);

        List<ReportRow> report = client().backendReport(caller, EXCLUDE_IDLE);
        List<ActionRow> dry = client().enforce(caller, DRY_RUN);
        List<ActionRow> rows = client().enforce(caller, FOR_REAL);

        assertTrue(reportRowFor(report, named).advice()
                .startsWith("enforce() policy 'it_ab' would terminate it now"));
        assertTrue(reportRowFor(report, sleeper).advice()
                .startsWith("enforce() policy 'it_group' would cancel it now"));
        assertTrue(reportRowFor(report, lookalike).advice().startsWith("reap_idle_in_tx"),
                reportRowFor(report, lookalike).advice());
        assertTrue(reportRowFor(report, outsider).advice().startsWith("cancel_long_running"),
                reportRowFor(report, outsider).advice());
        for (List<ActionRow> call : List.of(dry, rows)) {
            assertEquals("it_ab", rowFor(call, named).policy());
            assertEquals("it_group", rowFor(call, sleeper).policy());
            assertTrue(call.stream().noneMatch(
                    r -> r.pid() == lookalike.pid || r.pid() == outsider.pid), call::toString);
        }
        assertEquals(Outcome.TERMINATED, rowFor(rows, named).outcome());
        assertEquals(Outcome.CANCELLED, rowFor(rows, sleeper).outcome());
        assertEquals(SqlState.QUERY_CANCELED.code(), sleeper.awaitFailure());
        lookalike.assertUsable();
        assertTrue(outsider.stillRunning());
    }

    @Test
    void theReportAndTheOutcomeSayWhenOnlyTheClientsChoiceProtects() throws Exception {
        exemption("it_chosen", "application_name", "it-chosen");
        exemption("it_both_a_weak", "application_name", "it-both");
        try (PreparedStatement ps = caller.prepareStatement("""
                INSERT INTO warden.exemption (name, application_name, usename, note)
                VALUES ('it_both_strong', 'it-both', current_user, 'it: strong')""")) {
            ps.executeUpdate();
        }
        Victim chosen = victimNamed("it-chosen").idleInTransaction("SELECT 1");
        Victim both = victimNamed("it-both").idleInTransaction("SELECT 1");
        awaitAges(List.of(chosen, both), List.of());
        String shown = "note it_chosen; application_name chosen by the client";

        List<ReportRow> report = client().backendReport(caller, EXCLUDE_IDLE);
        List<ActionRow> rows = reap();

        assertEquals(shown, reportRowFor(report, chosen).exemption());
        assertEquals("none: exempt (" + shown + ")", reportRowFor(report, chosen).advice());
        ActionRow row = rowFor(rows, chosen);
        assertEquals(Outcome.EXEMPT, row.outcome());
        assertEquals(shown, row.exemption());
        assertEquals("skipped: exempt (" + shown + ")", row.outcomeText());
        assertEquals(List.of("skipped: exempt (" + shown + ")"), auditOutcomes(chosen));
        // a row that does not rest on the client's choice is shown, though not first by name
        assertEquals("it: strong", reportRowFor(report, both).exemption());
        assertEquals("it: strong", rowFor(rows, both).exemption());
        chosen.assertUsable();
        both.assertUsable();
    }

    // ---- helpers ------------------------------------------------------------------------

    List<ActionRow> reap() throws SQLException {
        return client().reapIdleInTx(caller, "50 milliseconds", FOR_REAL);
    }

    /** Adds exemption {@code name} matching on one column; its note is "note name". */
    void exemption(String name, String column, String value) throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement("INSERT INTO warden.exemption"
                + " (name, " + column + ", note) VALUES (?, ?, ?)")) {
            ps.setString(1, name);
            ps.setString(2, value);
            ps.setString(3, "note " + name);
            ps.executeUpdate();
        }
    }

    /** Adds an immediate policy for the sessions matching on one column. */
    void insertPolicy(String name, String kind, String column, String value)
            throws SQLException {
        try (PreparedStatement ps = caller.prepareStatement("INSERT INTO warden.policy"
                + " (name, kind, threshold, " + column + ") VALUES (?, ?, '50 milliseconds', ?)")) {
            ps.setString(1, name);
            ps.setString(2, kind);
            ps.setString(3, value);
            ps.executeUpdate();
        }
    }

    /** Creates a login role whose name needs quoting; returns the name itself. */
    String quotedRole(String name) throws SQLException {
        role("\"" + name.replace("\"", "\"\"") + "\"");
        return name;
    }

    static void awaitAges(List<Victim> some, List<Victim> more) {
        for (List<Victim> list : List.of(some, more)) {
            list.forEach(v -> v.awaitAge("100 milliseconds"));
        }
    }

    /** The outcome column of each audit row for this victim's backend, oldest first. */
    List<String> auditOutcomes(Victim v) throws SQLException {
        return auditOf(v, "outcome");
    }
}
