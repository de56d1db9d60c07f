package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class AdviceTest {

    private static ReportRow row(String state, String queryAge, String stateAge,
            List<Integer> blockedBy, int blocking, String exemption) {
        return new ReportRow(1, "db", "alice", "app", null, "client backend", state, null,
                null, "s", "1", null, queryAge, stateAge, blockedBy, blocking, exemption,
                "q", null);
    }

    @Test
    void anActiveQueryNamesTheThresholdThatWouldCancelIt() {
        assertEquals("cancel_long_running would cancel it with a threshold under 00:03:00",
                Advice.of(row("active", "00:03:00", "00:03:00", List.of(), 0, null), false,
                        true, null));
    }

    @Test
    void aLockWaiterNamesItsBlockersAndABlockerCountsItsWaiters() {
        assertEquals("cancel_long_running would cancel it with a threshold under 00:00:10;"
                + " waits for a lock held by pid 11, 12",
                Advice.of(row("active", "00:00:10", "00:00:10", List.of(11, 12), 0, null),
                        false, true, null));
        assertEquals("reap_idle_in_tx would terminate it with a threshold under 00:05:00;"
                + " blocks 2 session(s)",
                Advice.of(row("idle in transaction", "00:06:00", "00:05:00", List.of(), 2,
                        null), false, true, null));
    }

    @Test
    void whatTheCallerMayNotSignalOrSeeIsSaidSo() {
        assertEquals("none: superuser session, only a superuser may signal it",
                Advice.of(row("active", "1", "1", List.of(), 0, null), true, false, null));
        assertEquals("none: you may not signal this role's sessions (needs pg_signal_backend)",
                Advice.of(row("idle in transaction (aborted)", "1", "1", List.of(), 0, null),
                        false, false, null));
        assertEquals("none: its state is hidden from you (needs pg_read_all_stats)",
                Advice.of(row(null, null, null, List.of(), 0, null), false, true, null));
    }

    @Test
    void anExemptionWinsOverEverything() {
        PolicyMatch idle = new PolicyMatch("idle", Policy.IDLE_IN_TX, "00:05:00", false, true);
        assertEquals("none: exempt (backup: pg_dump); blocks 1 session(s)",
                Advice.of(row("idle in transaction", "1", "1", List.of(), 1, "backup: pg_dump"),
                        false, true, idle));
    }

    @Test
    void aMatchingPolicySaysWhatEnforceWouldDoAndWhen() {
        PolicyMatch idle = new PolicyMatch("idle", Policy.IDLE_IN_TX, "00:05:00", false, true);
        assertEquals("enforce() policy 'idle' would terminate it now: idle in transaction"
                + " longer than 00:05:00",
                Advice.of(row("idle in transaction", "1", "1", List.of(), 0, null), false, true,
                        idle));
        PolicyMatch slow = new PolicyMatch("slow", Policy.LONG_RUNNING, "01:00:00", true,
                false);
        assertEquals("enforce() policy 'slow' would cancel it, and terminate it if it ignores"
                + " the cancel, once its query runs longer than 01:00:00",
                Advice.of(row("active", "1", "1", List.of(), 0, null), false, true, slow));
        PolicyMatch roots = new PolicyMatch("roots", Policy.BLOCKERS, "00:00:30", false, true);
        assertEquals("enforce() policy 'roots' would terminate it now: a session waits for"
                + " its lock longer than 00:00:30; blocks 3 session(s)",
                Advice.of(row("idle", "1", "1", List.of(), 3, null), false, true, roots));
        assertEquals("enforce() policy 'roots' would cancel it now, and terminate it if it"
                + " ignores the cancel: a session waits for its lock longer than 00:00:30;"
                + " blocks 1 session(s)",
                Advice.of(row("active", "1", "1", List.of(), 1, null), false, true, roots));
    }

    @Test
    void idleAndOtherStatesAreLeftAlone() {
        assertEquals("none: idle",
                Advice.of(row("idle", "1", "1", List.of(), 0, null), false, false, null));
        assertEquals("none: state 'fastpath function call'",
                Advice.of(row("fastpath function call", "1", "1", List.of(), 0, null), false,
                        true, null));
    }
}
