package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Lock roots through the Java core over pgjdbc, with pgwarden's tables installed from
 * sql/schema.sql as on a server without PL/Java; plus what only the core's two phases (find
 * the roots, then act) can show.
 */
class CoreLockRootIT extends LockRootScenarios {

    private final CoreClient client = new CoreClient();

    @BeforeAll
    static void installSchema() throws Exception {
        TestServer.get().sql().installSchema();
    }

    @Override
    protected WardenClient client() {
        return client;
    }

    @Test
    void aRootThatWentIdleAfterItWasFoundIgnoresTheCancelAndIsTerminatedAfterGrace()
            throws Exception {
        String table = table("warden_it_went_idle");
        String gate = table("warden_it_went_idle_gate");
        Victim root = victim("went-idle")
                .idleInTransaction("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
        // Runs, in the same transaction, until the test opens the gate.
        root.start("DO $$ BEGIN WHILE NOT EXISTS (SELECT FROM " + gate + ") LOOP"
                + " PERFORM pg_sleep(0.01); END LOOP; END $$");
        Victim waiter = victim("went-idle-waiter").start("SELECT count(*) FROM " + table);
        awaitLockWait(waiter);
        waiter.awaitAge("100 milliseconds");
        Installation installation = Installation.probe(caller);
        Interval minWait = Arguments.threshold(caller, "min_wait", "50 milliseconds");
        List<LockRoot> roots = Candidates.lockRoots(caller, installation, minWait,
                Filter.NONE);
        assertEquals(List.of("active"), roots.stream().filter(r -> r.pid() == root.pid)
                .map(r -> r.candidate().state()).toList());

        server.sql().execute("INSERT INTO " + gate + " VALUES (1)");
        root.awaitSuccess();
        root.awaitState("idle in transaction");
        ActionRow row = rowFor(BlockerTerminator.resolve(caller, installation,
                Run.of(caller, "test"), roots, minWait,
                Arguments.grace(caller, "grace", "300 milliseconds"), Set.of(), false), root);

        assertEquals(Action.TERMINATE, row.action());
        assertEquals(Outcome.TERMINATED, row.outcome());
        assertEquals(List.of("cancel/still running", "terminate/terminated"), audit(root));
        assertEquals(SqlState.ADMIN_SHUTDOWN.code(), root.nextStatementSqlState());
        waiter.awaitSuccess();
    }
}
