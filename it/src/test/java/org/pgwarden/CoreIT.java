package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.pgwarden.WardenClient.DryRun.FOR_REAL;
import static org.pgwarden.WardenClient.Escalation.ESCALATE;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The scenarios through the Java core over an ordinary pgjdbc connection, which needs no
 * PL/Java and always runs; plus what only the core's two phases (select, then act) can show.
 */
class CoreIT extends WardenScenarios {

    private final CoreClient client = new CoreClient();

    @BeforeAll
    static void installSchema() throws Exception {
        // What a server without PL/Java takes with psql -f: exemptions, policies, audit.
        TestServer.get().sql().installSchema();
    }

    @Override
    protected WardenClient client() {
        return client;
    }

    @Test
    void anIdleTransactionThatMovedOnIsGoneAndNotSignalled() throws Exception {
        Victim v = victim("moved-on-tx").idleInTransaction("SELECT 1");
        v.awaitAge("100 milliseconds");
        Interval threshold = Arguments.threshold(caller, "threshold", "50 milliseconds");
        List<Candidate> selected = Candidates.select(caller, installation(),
                Selection.IDLE_IN_TRANSACTION, threshold, Filter.NONE, false);
        assertTrue(selected.stream().anyMatch(c -> c.pid() == v.pid));

        v.conn.commit();
        v.execute("SELECT 2");
        v.awaitState("idle in transaction");
        ActionRow row = rowFor(IdleTransactionReaper.act(caller, installation(),
                Run.of(caller, "test"), selected, threshold, false), v);

        assertEquals(Action.NONE, row.action());
        assertEquals(Outcome.GONE, row.outcome());
        v.assertUsable();
    }

    @Test
    void aQueryThatEndedBeforeTheCancelIsGoneAndItsSuccessorRunsOn() throws Exception {
        try (Connection gate = server.connect()) {
            // The victim's first query waits for this advisory lock: it ends when the test
            // releases it, not when some sleep happens to run out.
            lockGate(gate, true);
            Victim v = victim("moved-on-query").start("SELECT pg_advisory_lock(4242)");
            v.awaitAge("100 milliseconds");
            Interval threshold = Arguments.threshold(caller, "threshold", "50 milliseconds");
            List<Candidate> selected = Candidates.select(caller, installation(),
                    Selection.LONG_RUNNING, threshold, Filter.NONE, false);
            assertTrue(selected.stream().anyMatch(c -> c.pid() == v.pid));

            lockGate(gate, false);
            v.awaitSuccess();
            v.start("SELECT pg_sleep(60)");
            Interval grace = Arguments.grace(caller, "grace", "1 second");
            ActionRow row = rowFor(LongRunningCanceller.act(caller, installation(),
                    Run.of(caller, "test"), selected, threshold, true, grace, false), v);

            assertEquals(Outcome.GONE, row.outcome());
            assertTrue(v.stillRunning());
            assertEquals("active", v.stateSeen());
        }
    }

    @Test
    void aBackendThatMovedOnDuringTheCallersTransactionIsGone() throws Exception {
        Victim v = victim("moved-on-in-tx").idleInTransaction("SELECT 1");
        v.awaitAge("100 milliseconds");
        caller.setAutoCommit(false);
        try {
            // All in one transaction, as inside the server: the signal must not trust the
            // pg_stat_activity snapshot the selection took.
            Interval threshold = Arguments.threshold(caller, "threshold", "50 milliseconds");
            List<Candidate> selected = Candidates.select(caller, installation(),
                    Selection.IDLE_IN_TRANSACTION, threshold, Filter.NONE, false);
            v.conn.commit();
            v.execute("SELECT 2");
            v.awaitState("idle in transaction");

            ActionRow row = rowFor(IdleTransactionReaper.act(caller, installation(),
                    Run.of(caller, "test"), selected, threshold, false), v);

            assertEquals(Outcome.GONE, row.outcome());
        } finally {
            caller.rollback();
            caller.setAutoCommit(true);
        }
        v.assertUsable();
    }

    @Test
    void aReusedPidIsNotSignalled() throws Exception {
        Victim v = victim("reused-pid-tx").idleInTransaction("SELECT 1");
        v.awaitAge("100 milliseconds");
        Interval threshold = Arguments.threshold(caller, "threshold", "50 milliseconds");
        Candidate real = Candidates.select(caller, installation(),
                Selection.IDLE_IN_TRANSACTION, threshold, Filter.NONE, false)
                .stream().filter(c -> c.pid() == v.pid).findFirst().orElseThrow();
        // The same pid, but another process: what the selected backend's pid looks like
        // once the operating system has reused it.
        Candidate reused = real.withBackendStart(real.backendStartMicros() - 1);

        ActionRow row = rowFor(IdleTransactionReaper.act(caller, installation(),
                Run.of(caller, "test"), List.of(reused), threshold, false), v);

        assertEquals(Outcome.GONE, row.outcome());
        v.assertUsable();
    }

    @Test
    void textThatIsNotAnIntervalIsRefusedWith22023() throws Exception {
        refused("threshold", "\"soon\"", () -> client.reapIdleInTx(caller, "soon", FOR_REAL));
        refused("grace", "\"a while\"",
                () -> client.cancelLongRunning(caller, "1 hour", ESCALATE, "a while", FOR_REAL));
    }

    @Test
    void theCoreWorksInsideAnOpenTransaction() throws Exception {
        Victim v = victim("in-tx-caller-target").idleInTransaction("SELECT 1");
        v.awaitAge("100 milliseconds");
        caller.setAutoCommit(false);
        try {
            // one transaction: only pg_stat_clear_snapshot() lets the waits see the exit
            ActionRow row = rowFor(client.reapIdleInTx(caller, "50 milliseconds", FOR_REAL), v);
            assertEquals(Outcome.TERMINATED, row.outcome());
        } finally {
            caller.rollback();
            caller.setAutoCommit(true);
        }
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), v.nextStatementSqlState());
    }

    private Installation installation() throws SQLException {
        return Installation.probe(caller);
    }

    private static void lockGate(Connection gate, boolean lock) throws SQLException {
        try (Statement st = gate.createStatement();
                ResultSet rs = st.executeQuery(lock ? "SELECT pg_advisory_lock(4242)"
                        : "SELECT pg_advisory_unlock(4242)")) {
            rs.next();
        }
    }
}
