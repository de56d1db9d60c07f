package org.pgwarden;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The work of {@code warden.end_long_transactions}. */
public final class LongTransactionEnder {

    static final String FUNCTION = "end_long_transactions";

    private static final String ABORTED = States.IDLE_IN_TRANSACTION_ABORTED;
    private static final String CLOCK =
            "SELECT " + Selection.micros("pg_catalog.clock_timestamp()");

    private LongTransactionEnder() {
    }

    /**
     * Ends the transactions of client backends that have been in one transaction for more
     * than {@code threshold}, whatever they do in it: one idle in it (aborted or not) is
     * terminated; an active one, or one in a fast-path function call, is cancelled and, if
     * still in the same transaction after {@code grace}, terminated. A pool that keeps a
     * leaked transaction busy with short queries is never idle or active for long, but its
     * xact_start does not move.
     *
     * @param threshold an interval as text, greater than zero
     * @param grace an interval as text, 0 to 10 minutes
     * @param dryRun report what would be done, signal and record nothing
     */
    public static List<ActionRow> run(Connection conn, String threshold, String grace,
            Boolean dryRun) throws SQLException {
        return OneTransaction.run(conn, () -> {
            boolean dry = Arguments.flag(conn, "dry_run", dryRun);
            Interval limit = Arguments.threshold(conn, "threshold", threshold);
            Interval wait = Arguments.grace(conn, "grace", grace);
            Installation installation = Installation.probe(conn);
            Notification notification = Preflight.check(conn, installation, dry,
                    longestWait(wait));
            List<Candidate> targets = Candidates.select(conn, installation,
                    Selection.LONG_TRANSACTION, limit, Filter.NONE, false);
            Run run = Run.of(conn, FUNCTION);
            return notification.send(conn, run,
                    act(conn, installation, run, targets, limit, wait, dry));
        });
    }

    /**
     * The longest the call waits after its signals: the terminated's exit, the cancelled
     * ones' grace, then the exit of those terminated after it.
     */
    static Duration longestWait(Interval grace) {
        return Batch.EXIT_WAIT.plus(Batch.escalationWait(grace)).plus(Batch.EXIT_WAIT);
    }

    /** Acts on targets already selected; see {@link #run}. */
    static List<ActionRow> act(Connection conn, Installation installation, Run run,
            List<Candidate> targets, Interval threshold, Interval grace, boolean dryRun)
            throws SQLException {
        Batch batch = new Batch(conn, installation, run, targets, dryRun);
        SameTransaction same = new SameTransaction(dryRun ? 0 : clock(conn));
        List<Candidate> sent = batch.signalAll(LongTransactionEnder::firstSignal,
                c -> (ABORTED.equals(c.state()) ? "failed transaction, last statement "
                        : "transaction open for ") + c.age() + ", threshold "
                        + threshold.text());
        List<Candidate> cancelled = new ArrayList<>();
        List<Candidate> terminated = new ArrayList<>();
        for (Candidate c : sent) {
            (firstSignal(c) == Action.CANCEL ? cancelled : terminated).add(c);
        }
        batch.awaitExit(terminated);
        batch.settleCancels(cancelled, grace, true, same::ended,
                c -> "still in the same transaction " + grace.text() + " after cancel",
                same::asNow);
        return batch.finish();
    }

    /**
     * An active backend has a statement to cancel: in a single-statement (implicit)
     * transaction that ends the transaction, in a transaction block it leaves the block
     * aborted, and it is terminated after grace. An idle one has nothing a cancel would
     * reach. The state is the one the selection saw: one that went idle in the same
     * transaction before the cancel ignores it and is terminated after grace; one that
     * became active is terminated at once, which is what its transaction's age asked for.
     */
    static Action firstSignal(Candidate c) {
        return running(c.state()) ? Action.CANCEL : Action.TERMINATE;
    }

    /**
     * Whether a backend in {@code state} runs something a cancel reaches: a statement, or a
     * fast-path function call, which a cancel interrupts and fails the same way.
     */
    static boolean running(String state) {
        return States.ACTIVE.equals(state) || States.FASTPATH.equals(state);
    }

    private static long clock(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement(); ResultSet rs = st.executeQuery(CLOCK)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Whether a cancelled backend is still in the transaction that was selected, look after
     * look during grace. It is while its xact_start is the one selected (the cancel found it
     * idle, or a savepoint caught it), and while it sits in the block the cancel aborted:
     * PostgreSQL then shows no xact_start, but a backend that was in the selected
     * transaction when the cancel was sent, is now in a failed block and has started no
     * statement since (its query_start is older than the cancel) cannot have left it: only a
     * statement (ROLLBACK) or an exit ends a failed block. It has left it when it exited,
     * shows another transaction, is idle outside one (a cancelled implicit transaction ends),
     * or started a statement after the cancel (in its failed block, too: from there on a
     * ROLLBACK and a new failed block could not be told apart, so it is left alone).
     */
    static final class SameTransaction {

        /** A time no later than the cancels, microseconds since the epoch. */
        private final long cancelledBefore;
        /** The key of the aborted block each target not done with was last seen in. */
        private final Map<Candidate, Long> aborted = new HashMap<>();

        SameTransaction(long cancelledBefore) {
            this.cancelledBefore = cancelledBefore;
        }

        /** The done predicate of {@link Batch#settleCancels}. */
        boolean ended(Candidate c, Activity.Seen seen) {
            aborted.remove(c);
            if (Activity.exited(c, seen)) {
                return true;
            }
            long key = seen.longTransactionMicros();
            if (key == c.sinceMicros()) {
                return false;
            }
            if (seen.queryStartMicros() >= cancelledBefore) {
                return true;
            }
            if (ABORTED.equals(seen.state()) && key != 0) {
                aborted.put(c, key);
                return false;
            }
            // Still reported active (or in the fast-path call) in what was cancelled,
            // xact_start already cleared: PostgreSQL is aborting it and shows the new state
            // only when it is ready for the next statement, then idle (an implicit
            // transaction) or its failed block.
            return !(running(seen.state()) && key == 0);
        }

        /** The identity a target must still have to be terminated: see {@link #ended}. */
        Candidate asNow(Candidate c) {
            Long key = aborted.get(c);
            return key == null ? c : c.withSince(key);
        }
    }
}
