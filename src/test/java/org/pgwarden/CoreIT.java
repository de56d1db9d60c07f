package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The scenarios through the Java core over an ordinary pgjdbc connection, which needs no
 * PL/Java and always runs; plus what only the core's two phases (select, then act) can show.
 */
class CoreIT extends WardenScenarios {

    private final CoreClient client = new CoreClient();

    @Override
    protected WardenClient client() {
        return client;
    }

    @Test
    void anIdleTransactionThatMovedOnIsGoneAndNotSignalled() throws Exception {
        Victim v = victim("moved-on-tx").idleInTransaction("SELECT 1");
        v.awaitAge("100 milliseconds");
        Interval threshold = Arguments.threshold(caller, "threshold", "50 milliseconds");
        List<Candidate> selected =
                Candidates.select(caller, Selection.IDLE_IN_TRANSACTION, threshold);
        assertTrue(selected.stream().anyMatch(c -> c.pid() == v.pid));

        v.conn.commit();
        v.execute("SELECT 2");
        v.awaitState("idle in transaction");
        ActionRow row = rowFor(IdleTransactionReaper.act(caller, selected, threshold, false), v);

        assertEquals(Action.NONE, row.action());
        assertEquals(Outcome.GONE, row.outcome());
        v.assertUsable();
    }

    @Test
    void aQueryThatEndedBeforeTheCancelIsGoneAndItsSuccessorRunsOn() throws Exception {
        Victim v = victim("moved-on-query").start("SELECT pg_sleep(0.5)");
        v.awaitAge("100 milliseconds");
        Interval threshold = Arguments.threshold(caller, "threshold", "50 milliseconds");
        List<Candidate> selected = Candidates.select(caller, Selection.LONG_RUNNING, threshold);
        assertTrue(selected.stream().anyMatch(c -> c.pid() == v.pid));

        Poll.until("the first query to end", Duration.ofSeconds(10), () -> !v.stillRunning());
        v.start("SELECT pg_sleep(60)");
        Interval grace = Arguments.grace(caller, "grace", "1 second");
        ActionRow row = rowFor(
                LongRunningCanceller.act(caller, selected, threshold, true, grace, false), v);

        assertEquals(Outcome.GONE, row.outcome());
        assertTrue(v.stillRunning());
        assertEquals("active", v.stateSeen());
    }

    @Test
    void aReusedPidIsNotSignalled() throws Exception {
        Victim v = victim("reused-pid-tx").idleInTransaction("SELECT 1");
        v.awaitAge("100 milliseconds");
        Interval threshold = Arguments.threshold(caller, "threshold", "50 milliseconds");
        Candidate real = Candidates.select(caller, Selection.IDLE_IN_TRANSACTION, threshold)
                .stream().filter(c -> c.pid() == v.pid).findFirst().orElseThrow();
        // The same pid, but a process that started a moment later: what the selected
        // backend's pid would look like once the operating system reused it.
        Candidate earlier = new Candidate(real.pid(), real.backendStartMicros() - 1,
                real.sinceMicros(), real.usename(), real.applicationName(), real.datname(),
                real.clientAddr(), real.backendStart(), real.state(), real.age(),
                real.queryPreview(), real.signallable());

        ActionRow row = rowFor(
                IdleTransactionReaper.act(caller, List.of(earlier), threshold, false), v);

        assertEquals(Outcome.GONE, row.outcome());
        v.assertUsable();
    }

    @Test
    void textThatIsNotAnIntervalIsRefusedWith22023() throws Exception {
        refused("threshold", "\"soon\"", () -> client.reapIdleInTx(caller, "soon", false));
        refused("grace", "\"a while\"",
                () -> client.cancelLongRunning(caller, "1 hour", true, "a while", false));
    }

    @Test
    void theCoreWorksInsideAnOpenTransaction() throws Exception {
        Victim v = victim("in-tx-caller-target").idleInTransaction("SELECT 1");
        v.awaitAge("100 milliseconds");
        caller.setAutoCommit(false);
        try {
            // one transaction: only pg_stat_clear_snapshot() lets the waits see the exit
            ActionRow row = rowFor(client.reapIdleInTx(caller, "50 milliseconds", false), v);
            assertEquals(Outcome.TERMINATED, row.outcome());
        } finally {
            caller.rollback();
            caller.setAutoCommit(true);
        }
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), v.nextStatementSqlState());
    }
}
