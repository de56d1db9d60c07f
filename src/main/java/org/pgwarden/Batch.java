package org.pgwarden;

import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One call of an action function: its targets, the signals sent to them and the row each
 * ends with, in the order the targets were selected.
 */
final class Batch implements AutoCloseable {

    /**
     * How long to wait for a terminated backend to exit. It normally takes milliseconds; a
     * backend blocked where it cannot check for interrupts takes longer and is then reported
     * 'still running' rather than holding up the caller.
     */
    static final Duration EXIT_WAIT = Duration.ofSeconds(5);

    private final Connection conn;
    private final Signaller signaller;
    private final Map<Candidate, ActionRow> rows = new LinkedHashMap<>();

    Batch(Connection conn, Selection selection, String function, List<Candidate> targets)
            throws SQLException {
        this.conn = conn;
        this.signaller = new Signaller(conn, selection, function);
        for (Candidate target : targets) {
            rows.put(target, null);
        }
    }

    /**
     * Sends {@code action} to every target the caller may signal, or only records it on a
     * dry run, and returns the targets it was sent to. The others end as 'skipped: not
     * permitted', 'dry run' or 'gone'.
     */
    List<Candidate> signalAll(Action action, boolean dryRun, Function<Candidate, String> reason)
            throws SQLException {
        List<Candidate> permitted = new ArrayList<>();
        for (Candidate target : rows.keySet()) {
            if (!target.signallable()) {
                record(target, Action.NONE, Outcome.NOT_PERMITTED);
            } else if (dryRun) {
                record(target, action, Outcome.DRY_RUN);
            } else {
                permitted.add(target);
            }
        }
        List<Candidate> sent = signal(action, permitted, reason);
        for (Candidate target : permitted) {
            if (!sent.contains(target)) {
                record(target, Action.NONE, Outcome.GONE);
            }
        }
        return sent;
    }

    /** Sends {@code action} to each of {@code targets} still as selected; returns those. */
    List<Candidate> signal(Action action, List<Candidate> targets,
            Function<Candidate, String> reason) throws SQLException {
        List<Candidate> sent = new ArrayList<>();
        if (targets.isEmpty()) {
            return sent;
        }
        signaller.refresh();
        for (Candidate target : targets) {
            if (signaller.send(action, target, reason.apply(target))) {
                sent.add(target);
            }
        }
        return sent;
    }

    /**
     * Waits for all of {@code terminated} together, so that a batch costs one wait, not one
     * per backend, and records each as 'terminated' or 'still running'.
     */
    void awaitExit(List<Candidate> terminated) throws SQLException {
        List<Candidate> exited = Activity.await(conn, terminated, Activity::exited, EXIT_WAIT);
        for (Candidate target : terminated) {
            Outcome outcome = exited.contains(target) ? Outcome.TERMINATED : Outcome.STILL_RUNNING;
            record(target, Action.TERMINATE, outcome);
        }
    }

    void record(Candidate target, Action action, Outcome outcome) {
        rows.put(target, ActionRow.of(target, action, outcome));
    }

    List<ActionRow> rows() {
        return new ArrayList<>(rows.values());
    }

    @Override
    public void close() throws SQLException {
        signaller.close();
    }
}
