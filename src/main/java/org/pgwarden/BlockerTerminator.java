package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** The work of {@code warden.terminate_blockers}. */
public final class BlockerTerminator {

    static final String FUNCTION = "terminate_blockers";

    private BlockerTerminator() {
    }

    /**
     * Resolves lock-wait chains at their roots, where some backend has waited longer than
     * {@code minWait}: an idle or idle-in-transaction root is terminated; an active root is
     * cancelled and, if it ignores the cancel for {@code grace}, terminated. Waiters are
     * never signalled: once the root is gone they get their locks.
     */
    public static List<ActionRow> run(Connection conn, String minWait, String grace,
            Boolean dryRun) throws SQLException {
        boolean dry = Arguments.flag(conn, "dry_run", dryRun);
        Interval wait = Arguments.threshold(conn, "min_wait", minWait);
        Interval patience = Arguments.grace(conn, "grace", grace);
        Installation installation = Installation.probe(conn);
        Preflight.check(conn, installation, dry, longestWait(patience));
        List<Candidate> roots = Candidates.lockRoots(conn, installation, wait, Filter.NONE);
        return act(conn, installation, Run.of(conn, FUNCTION), roots, wait, patience, dry);
    }

    /**
     * The longest the call waits after its signals: the terminated roots' exit, the
     * cancelled ones' grace, then the exit of those terminated after it.
     */
    static Duration longestWait(Interval grace) {
        return Batch.EXIT_WAIT.plus(grace.duration()).plus(Batch.EXIT_WAIT);
    }

    /** Acts on roots already selected; see {@link #run}. */
    static List<ActionRow> act(Connection conn, Installation installation, Run run,
            List<Candidate> roots, Interval minWait, Interval grace, boolean dryRun)
            throws SQLException {
        Batch batch = new Batch(conn, installation, run, roots, dryRun);
        List<Candidate> sent = batch.signalAll(BlockerTerminator::firstSignal,
                c -> "blocks " + c.blockedCount() + " session(s) (pid "
                        + c.waitingPids() + "), some waiting longer than "
                        + minWait.text());
        List<Candidate> cancelled = new ArrayList<>();
        List<Candidate> terminated = new ArrayList<>();
        for (Candidate c : sent) {
            (firstSignal(c) == Action.CANCEL ? cancelled : terminated).add(c);
        }
        batch.awaitExit(terminated);
        batch.settleCancels(cancelled, grace, true);
        return batch.finish();
    }

    /** An active root has a query to cancel; an idle one holds its locks until it ends. */
    static Action firstSignal(Candidate root) {
        return root.selection() == Selection.LONG_RUNNING ? Action.CANCEL : Action.TERMINATE;
    }
}
