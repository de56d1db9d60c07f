package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdviceTest {

    @Test
    void anActiveQueryNamesTheThresholdThatWouldCancelIt() {
        assertEquals("cancel_long_running would cancel it with a threshold under 00:03:00",
                Advice.of("active", false, true, "00:03:00", "00:03:00", List.of(), 0));
    }

    @Test
    void aLockWaiterNamesItsBlockersAndABlockerCountsItsWaiters() {
        assertEquals("cancel_long_running would cancel it with a threshold under 00:00:10;"
                + " waits for a lock held by pid 11, 12",
                Advice.of("active", false, true, "00:00:10", "00:00:10", List.of(11, 12), 0));
        assertEquals("reap_idle_in_tx would terminate it with a threshold under 00:05:00;"
                + " blocks 2 session(s)",
                Advice.of("idle in transaction", false, true, "00:06:00", "00:05:00",
                        List.of(), 2));
    }

    @Test
    void whatTheCallerMayNotSignalOrSeeIsSaidSo() {
        assertEquals("none: superuser session, only a superuser may signal it",
                Advice.of("active", true, false, "00:01:00", "00:01:00", List.of(), 0));
        assertEquals("none: you may not signal this role's sessions (needs pg_signal_backend)",
                Advice.of("idle in transaction (aborted)", false, false, "1", "1", List.of(),
                        0));
        assertEquals("none: its state is hidden from you (needs pg_read_all_stats)",
                Advice.of(null, false, true, null, null, List.of(), 0));
    }

    @Test
    void idleAndOtherStatesAreLeftAlone() {
        assertEquals("none: idle", Advice.of("idle", false, false, "1", "1", List.of(), 0));
        assertEquals("none: state 'fastpath function call'",
                Advice.of("fastpath function call", false, true, "1", "1", List.of(), 0));
    }
}
