package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** When a cancelled backend counts as still in the transaction it was selected in. */
class LongTransactionEnderTest {

    private static final long BACKEND_START = 1_000;
    private static final long XACT_START = 2_000;
    private static final long CANCELLED_BEFORE = 5_000;
    private static final String ABORTED = "idle in transaction (aborted)";
    private static final String FASTPATH = "fastpath function call";

    private static final Candidate ACTIVE = new Candidate(42, BACKEND_START, XACT_START,
            Selection.LONG_TRANSACTION, "u", "a", "d", null, "s", "active", "1s", "q", true,
            null, null, null);

    private static Activity.Seen seen(String state, long queryStart, long key) {
        return new Activity.Seen(BACKEND_START, queryStart, queryStart, state, 0, false, key);
    }

    @Test
    void theSameXactStartInAnyStateIsTheSameTransaction() {
        var same = new LongTransactionEnder.SameTransaction(CANCELLED_BEFORE);
        assertFalse(same.ended(ACTIVE, seen("active", 3_000, XACT_START)));
        assertFalse(same.ended(ACTIVE, seen("idle in transaction", 6_000, XACT_START)));
        // A failed subtransaction keeps xact_start.
        assertFalse(same.ended(ACTIVE, seen(ABORTED, 6_000, XACT_START)));
        assertSame(ACTIVE, same.asNow(ACTIVE));
    }

    @Test
    void aBlockTheCancelFailedIsTheSameTransactionUntilItRunsAnotherStatement() {
        var same = new LongTransactionEnder.SameTransaction(CANCELLED_BEFORE);
        assertFalse(same.ended(ACTIVE, seen(ABORTED, 3_000, 3_000)));
        assertEquals(3_000, same.asNow(ACTIVE).sinceMicros());
        assertEquals(ACTIVE.pid(), same.asNow(ACTIVE).pid());

        assertTrue(same.ended(ACTIVE, seen(ABORTED, 6_000, 6_000)));
        assertSame(ACTIVE, same.asNow(ACTIVE));
    }

    @Test
    void theCancelledStatementStillShownActiveWhileItsTransactionAbortsIsUndecided() {
        var same = new LongTransactionEnder.SameTransaction(CANCELLED_BEFORE);
        assertFalse(same.ended(ACTIVE, seen("active", 3_000, 0)));
        assertFalse(same.ended(ACTIVE, seen(FASTPATH, 3_000, 0)));
        assertSame(ACTIVE, same.asNow(ACTIVE));
        // A new statement outside a transaction, shown active before its xact_start.
        assertTrue(same.ended(ACTIVE, seen("active", 6_000, 0)));
    }

    @Test
    void anEndedOrAnotherTransactionOrAnExitEndsIt() {
        var same = new LongTransactionEnder.SameTransaction(CANCELLED_BEFORE);
        assertTrue(same.ended(ACTIVE, seen("idle", 3_000, 0)));
        assertTrue(same.ended(ACTIVE, seen("active", 6_000, 6_000)));
        assertTrue(same.ended(ACTIVE, seen("idle in transaction", 6_000, 4_000)));
        assertTrue(same.ended(ACTIVE, null));
        assertTrue(same.ended(ACTIVE, new Activity.Seen(BACKEND_START + 1, 3_000, 3_000,
                "active", 0, false, XACT_START)));
    }

    @Test
    void onlyAnActiveBackendOrOneInAFastPathCallIsCancelledFirst() {
        assertEquals(Action.CANCEL, LongTransactionEnder.firstSignal(ACTIVE));
        assertEquals(Action.CANCEL, LongTransactionEnder.firstSignal(new Candidate(42,
                BACKEND_START, XACT_START, Selection.LONG_TRANSACTION, "u", "a", "d", null,
                "s", FASTPATH, "1s", "q", true, null, null, null)));
        for (String state : new String[] {"idle in transaction", ABORTED}) {
            Candidate idle = new Candidate(42, BACKEND_START, XACT_START,
                    Selection.LONG_TRANSACTION, "u", "a", "d", null, "s", state, "1s", "q",
                    true, null, null, null);
            assertEquals(Action.TERMINATE, LongTransactionEnder.firstSignal(idle));
        }
    }
}
