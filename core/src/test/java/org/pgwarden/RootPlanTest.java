package org.pgwarden;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Which lock roots are signalled and why the others are not, on wait graphs made up for each
 * case (the scenario suites show the common ones on a real server).
 */
class RootPlanTest {

    /** An idle-in-transaction client root, due, matched, signallable, not exempt. */
    private static Root root(int pid, Integer... waiting) {
        return new Root(pid, pid, "client backend", "idle in transaction", null, true, true,
                true, null, false, List.of(waiting));
    }

    private record Root(int pid, long node, String backendType, String state, String gid,
            boolean due, boolean matched, boolean signallable, String exemption, boolean own,
            List<Integer> waiting) {

        static Root prepared(long xid, String gid, Integer... waiting) {
            return new Root(0, -xid, null, "prepared", gid, true, true, true, null, false,
                    List.of(waiting));
        }

        Root type(String type) {
            return new Root(pid, node, type, state, gid, due, matched, signallable, exemption,
                    own, waiting);
        }

        Root exempt(String note) {
            return new Root(pid, node, backendType, state, gid, due, matched, signallable,
                    note, own, waiting);
        }

        Root notDue() {
            return new Root(pid, node, backendType, state, gid, false, matched, signallable,
                    exemption, own, waiting);
        }

        Root unmatched() {
            return new Root(pid, node, backendType, state, gid, due, false, signallable,
                    exemption, own, waiting);
        }

        LockRoot lockRoot() {
            Candidate c = new Candidate(pid, 1L, 2L, Selection.LOCK_ROOT, "u", "a", "d", null,
                    "s", state, "1s", "q", signallable, exemption, waiting.size(), waiting);
            return new LockRoot(c, node, backendType, gid, due, matched, own);
        }
    }

    private static List<String> plan(Set<Integer> handled, Root... roots) {
        List<LockRoot> lockRoots = Arrays.stream(roots).map(Root::lockRoot).toList();
        List<String> decided = new ArrayList<>();
        for (RootPlan.Decision d : RootPlan.of(lockRoots, handled).decisions()) {
            decided.add(d.root().pid() + ": " + (d.outcome() == null ? "batch"
                    : d.outcome().text(d.detail())));
        }
        return decided;
    }

    private static List<String> plan(Root... roots) {
        return plan(Set.of(), roots);
    }

    @Test
    void aLoneRootGoesToTheBatch() {
        assertEquals(List.of("10: batch"), plan(root(10, 20, 21)));
    }

    @Test
    void aPreparedTransactionIsReportedWithItsGidAndItsSharersAreSpared() {
        assertEquals(List.of(
                "0: skipped: prepared transaction 'tx', needs ROLLBACK PREPARED or COMMIT"
                        + " PREPARED",
                "10: skipped: the waiters stay blocked by prepared transaction 'tx'"),
                plan(Root.prepared(700, "'tx'", 20), root(10, 20)));
    }

    @Test
    void aRootIsSignalledWhenItFreesOneWaiterThoughAnotherStaysBlocked() {
        assertEquals(List.of("10: batch", "0: skipped: prepared transaction 'tx', needs"
                + " ROLLBACK PREPARED or COMMIT PREPARED"),
                plan(root(10, 20, 21), Root.prepared(700, "'tx'", 20)));
    }

    @Test
    void rootsThatOnlyFreeWaitersTogetherAreSignalledTogether() {
        assertEquals(List.of("10: batch", "11: batch"), plan(root(10, 20), root(11, 20)));
    }

    @Test
    void rootsWhoseWaitersAllWaitForARootThatStaysAreSparedAndNameIt() {
        assertEquals(List.of(
                "12: skipped: the waiters stay blocked by pid 99 (autovacuum worker)",
                "10: skipped: the waiters stay blocked by pid 99 (autovacuum worker)",
                "99: skipped: not a client backend (autovacuum worker)"),
                plan(root(12, 20, 30), root(10, 20),
                        root(99, 20, 30).type("autovacuum worker")));
    }

    @Test
    void exemptAndOwnRootsAndStatesWithoutASignalAreSaidSo() {
        Root own = new Root(15, 15, "client backend", "active", null, true, true, true, null,
                true, List.of(20));
        Root fastpath = new Root(16, 16, "client backend", "fastpath function call", null,
                true, true, true, null, false, List.of(21));
        assertEquals(List.of("14: batch", "15: skipped: your own session",
                "16: skipped: state 'fastpath function call'",
                "10: skipped: the waiters stay blocked by pid 14 (exempt), pid 15 (your own"
                        + " session), pid 16 (state 'fastpath function call')"),
                plan(root(14, 20).exempt("backup"), own, fastpath, root(10, 20, 21)));
    }

    @Test
    void rootsOutsideThePolicyOrNotYetDueOrHandledStayWithoutARow() {
        assertEquals(List.of(
                "10: skipped: the waiters stay blocked by pid 11 (outside the policy),"
                        + " pid 13 (another policy's)"),
                plan(Set.of(13), root(10, 20, 21), root(11, 20).unmatched(), root(13, 21)));
        assertEquals(List.of(), plan(root(10, 20).notDue()));
    }

    @Test
    void aLongListOfStayingRootsIsCut() {
        List<Root> roots = new ArrayList<>(List.of(root(10, 20)));
        for (int pid = 31; pid <= 37; pid++) {
            roots.add(root(pid, 20).exempt("x"));
        }
        assertEquals("10: skipped: the waiters stay blocked by pid 31 (exempt), pid 32"
                + " (exempt), pid 33 (exempt), pid 34 (exempt), pid 35 (exempt) and 2 more",
                plan(roots.toArray(new Root[0])).get(0));
    }
}
