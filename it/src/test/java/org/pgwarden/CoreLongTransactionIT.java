package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * end_long_transactions and long_transaction policies through the Java core over pgjdbc,
 * with pgwarden's tables installed from sql/schema.sql as on a server without PL/Java.
 */
class CoreLongTransactionIT extends LongTransactionScenarios {

    private final CoreClient client = new CoreClient();

    @BeforeAll
    static void installSchema() throws Exception {
        TestServer.get().sql().installSchema();
    }

    @Override
    protected WardenClient client() {
        return client;
    }

    /**
     * A transaction that ended after the selection, its session already in a new one, is not
     * the one selected: the identity check at the signal (xact_start) leaves it alone.
     */
    @Test
    void aSessionThatMovedToAnotherTransactionAfterTheSelectionIsNotSignalled()
            throws Exception {
        Victim idleTx = victim("tx-moved").idleInTransaction("SELECT 1");
        idleTx.awaitAge(THRESHOLD);
        Installation installation = Installation.probe(caller);
        List<Candidate> selected = Candidates.select(caller, installation,
                Selection.LONG_TRANSACTION, new Interval(THRESHOLD,
                        java.time.Duration.ofMillis(200)), Filter.NONE, false);
        assertEquals(1, selected.stream().filter(c -> c.pid() == idleTx.pid).count());

        idleTx.execute("COMMIT").idleInTransaction("SELECT 2");
        List<ActionRow> rows = LongTransactionEnder.act(caller, installation,
                Run.of(caller, LongTransactionEnder.FUNCTION), selected,
                new Interval(THRESHOLD, java.time.Duration.ofMillis(200)),
                new Interval("1 second", java.time.Duration.ofSeconds(1)), false);

        assertEquals(Outcome.GONE, rowFor(rows, idleTx).outcome());
        idleTx.assertUsable();
        assertEquals(List.of("none/gone"), audit(idleTx));
    }
}
