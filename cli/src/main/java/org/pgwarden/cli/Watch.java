package org.pgwarden.cli;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.pgwarden.Action;
import org.pgwarden.ActionRow;
import org.pgwarden.Enforcer;
import org.pgwarden.Installation;
import org.pgwarden.Notices;
import org.pgwarden.OneTransaction;
import org.pgwarden.Outcome;
import org.pgwarden.SqlState;

/**
 * {@code watch}: enforce every interval in one process, for a server without pg_cron or
 * PL/Java. Runs one at a time, each in its own transaction as enforce's are; an enforce run
 * elsewhere (pg_cron, another runner) holding the lock makes a run skipped, not a second one
 * at once. SIGTERM or SIGINT lets the current run finish, then the runner exits 0; a run
 * still going {@link #STOP_TIMEOUT_SECONDS} later is cut, logged interrupted, and the runner
 * exits 1. A signal before the loop starts (nothing was done yet) exits 0 at once.
 */
final class Watch {

    /**
     * How long a stop waits for the current run: past it the process exits under the run,
     * which the server then rolls back. A run whose server stopped answering ends by itself
     * within {@link Link#SOCKET_TIMEOUT_SECONDS}; this is for one that legitimately waits
     * longer: a policy's grace is up to 10 minutes, and a run cut short loses its audit rows,
     * so the stop waits 15 minutes; install/pgwarden-watch.service's TimeoutStopSec and
     * docker/runner.Dockerfile's --stop-timeout give a minute more, so that the runner logs
     * the run as interrupted before the SIGKILL. The hidden system property
     * pgwarden.stopTimeout (seconds) shortens it for tests.
     */
    static final int STOP_TIMEOUT_SECONDS = Integer.getInteger("pgwarden.stopTimeout", 900);

    private static final String AUDITED = """
        SELECT action, outcome, policy, count(*) FROM warden.action_log
        WHERE logged_at >= ? AND run_id = ?::uuid
        GROUP BY 1, 2, 3
        """;

    private final WatchOptions options;
    private final ConnectionSettings settings;
    private final boolean dryRun;
    private final PrintStream out;
    private final PrintStream err;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch finished = new CountDownLatch(1);
    private WatchLog log;
    private Metrics metrics;
    private Link link;
    private long runs;
    /** Whether the loop runs: before, a stop exits 0 at once, as nothing was done yet. */
    private volatile boolean looping;
    /** The run in progress and its start (System.nanoTime), for a stop that cuts it; 0: none. */
    private volatile long current;
    private volatile long currentStart;
    /** The exit status, for the shutdown hook: FAILED until the loop ends as asked. */
    private volatile int status = Main.FAILED;

    private Watch(Options options, ConnectionSettings settings, PrintStream out,
            PrintStream err) {
        this.options = options.watch();
        this.settings = settings;
        this.dryRun = options.dryRun();
        this.out = out;
        this.err = err;
    }

    /** Runs until a signal stops it; returns the exit status, as Main's commands do. */
    static int run(Options options, ConnectionSettings settings, PrintStream out,
            PrintStream err) {
        Watch watch = new Watch(options, settings, out, err);
        // Installed first: a SIGTERM while the runner connects is a stop too, not exit 143.
        Thread hook = new Thread(watch::stop, "pgwarden-watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            return watch.start();
        } finally {
            watch.finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it halts once this returns
            }
        }
    }

    /** The shutdown hook: asks the loop to stop, waits for the run, and ends the process. */
    private void stop() {
        stopRequested.countDown();
        // halt, not exit: System.exit inside a shutdown hook waits for the hooks, itself
        // included, for ever. The JVM would exit 143 after SIGTERM: a stop asked for is a
        // clean end, exit 0.
        if (!looping) {
            err.flush();
            Runtime.getRuntime().halt(Main.OK);
        }
        if (!awaitQuietly(finished, STOP_TIMEOUT_SECONDS)) {
            interrupted();
            err.flush();
            Runtime.getRuntime().halt(Main.FAILED);
        }
        err.flush();
        Runtime.getRuntime().halt(status);
    }

    /** The lines of a run cut by the stop timeout; the process exits right after. */
    private void interrupted() {
        long run = current;
        if (run != 0) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("run", run);
            fields.put("result", RunResult.INTERRUPTED.label());
            fields.put("duration_seconds", (System.nanoTime() - currentStart) / 1000000 / 1000.0);
            fields.put("dry_run", dryRun);
            fields.put("message", "still running " + STOP_TIMEOUT_SECONDS + " s after the stop"
                    + " was asked for: the runner exits, the server rolls the run back (signals"
                    + " sent are in the server log)");
            log.event("run", fields);
        }
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("runs", runs);
        fields.put("message", "stopped with a run in progress");
        log.event("stopped", fields);
    }

    private int start() {
        // Metrics first: a port that is taken is a bad argument, found before connecting.
        try {
            metrics = Metrics.start(options);
        } catch (UsageException e) {
            err.println("pgwarden: " + e.getMessage());
            err.println("Try \"java -jar pgwarden-cli.jar --help\".");
            return Main.BAD_ARGUMENTS;
        }
        try (Metrics served = metrics) {
            Connection first;
            try {
                first = Link.bounded(settings.open());
            } catch (SQLException e) {
                err.println("pgwarden: cannot connect to " + settings.description() + ": "
                        + Link.message(e));
                return Main.CANNOT_CONNECT;
            }
            Boolean inRecovery;
            try {
                // A role that may not signal, the wrong database, no policies table: mistakes
                // to report now, not as a failed run every interval. A dry run of enforce
                // meets every check a run does, and signals and writes nothing.
                OneTransaction.run(first, () -> {
                    OperatorCheck.check(first);
                    return Enforcer.enforce(first, true);
                });
                inRecovery = Link.inRecovery(first);
            } catch (SQLException e) {
                err.println("pgwarden: " + Link.message(e));
                String detail = ServerError.detail(e);
                if (detail != null) {
                    err.println("DETAIL: " + detail);
                }
                closeQuietly(first);
                return SqlState.INSUFFICIENT_PRIVILEGE.matches(e) ? Main.PERMISSION_DENIED
                        : Main.FAILED;
            }
            log = new WatchLog(out, options.logFormat(), Clock.systemUTC());
            try (Link l = new Link(settings, first, log, metrics, options.interval())) {
                link = l;
                return loop(inRecovery);
            }
        }
    }

    private int loop(Boolean inRecovery) {
        looping = true;
        try {
            started(inRecovery);
            long next = System.nanoTime();
            while (awaitRun(next)) {
                long start = System.nanoTime();
                long run = ++runs;
                runOnce(run, start);
                // From start to start; a run longer than the interval is followed at once,
                // and the times that fell due meanwhile, but the one run now, each have their
                // line: none passes silently.
                long interval = options.interval().toNanos();
                long now = System.nanoTime();
                long due = (now - start) / interval;
                for (long i = 1; i < due && stopRequested.getCount() > 0; i++) {
                    finish(++runs, null, RunResult.MISSED, now, 0, 0, null, "run " + run
                            + " was still going when this one fell due");
                }
                next = Math.max(start + interval, now);
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("runs", runs);
            log.event("stopped", fields);
            status = Main.OK;
            return status;
        } catch (RuntimeException e) {
            // Printed here: once finished is counted down, the hook halts the JVM before an
            // exception thrown on could be printed.
            err.println("pgwarden: watch stopped by an internal error: " + e);
            e.printStackTrace(err);
            return status;
        }
    }

    /**
     * Waits until {@code next} (System.nanoTime), reconnecting meanwhile when the connection
     * is lost; false when a stop was asked for instead.
     */
    private boolean awaitRun(long next) {
        while (stopRequested.getCount() > 0) {
            long now = System.nanoTime();
            if (now - next >= 0) {
                return true;
            }
            long wake = Math.min(next - now, Math.max(0, link.nextAttempt() - now));
            try {
                if (stopRequested.await(wake, TimeUnit.NANOSECONDS)) {
                    return false;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
            link.retryIfDue();
        }
        return false;
    }

    private void runOnce(long run, long start) {
        currentStart = start;
        current = run;
        try {
            runOnce(run);
        } finally {
            current = 0;
        }
    }

    private void runOnce(long run) {
        long start = currentStart;
        Connection conn = link.get();
        if (conn == null) {
            finish(run, null, RunResult.MISSED, start, 0, 0, null,
                    "no connection to the server: " + link.lastError());
            return;
        }
        Pass pass;
        Notices.collect();
        try {
            pass = OneTransaction.run(conn, () -> {
                OperatorCheck.check(conn);
                Installation installation = Installation.probe(conn);
                Timestamp began = clockTimestamp(conn);
                SessionSnapshot snapshot = SessionSnapshot.read(conn);
                return new Pass(snapshot, installation, began, Enforcer.enforce(conn, dryRun));
            });
        } catch (SQLException e) {
            notices(run, conn);
            if (link.broken()) {
                link.lost(Link.message(e));
                finish(run, null, RunResult.CONNECTION_LOST, start, 0, 0, null,
                        Link.message(e));
            } else {
                finish(run, null, RunResult.FAILED, start, 0, 0, null, ServerError.message(e));
            }
            return;
        }
        notices(run, conn);
        metrics.sessions(pass.snapshot());
        Enforcer.Enforcement e = pass.enforcement();
        boolean audited = !dryRun && pass.installation().tables()
                && !pass.installation().standby();
        for (ActionRow row : e.rows()) {
            log.action(run, e.runId(), audited, row);
            if (dryRun) {
                metrics.dryRun(row);
            }
        }
        if (e.skipped()) {
            finish(run, null, RunResult.SKIPPED, start, 0, 0, null, "another enforce() run"
                    + " (pid " + e.heldBy() + ") is applying the policies");
            return;
        }
        int signals = 0;
        String message = null;
        if (audited) {
            try {
                // In a transaction of its own, search_path pinned as the run's was.
                signals = OneTransaction.run(conn,
                        () -> countAudited(conn, pass.began(), e.runId()));
            } catch (SQLException x) {
                // The run committed: its rows are in warden.action_log, only not counted.
                message = "the run's rows in warden.action_log could not be counted: "
                        + Link.message(x);
            }
        } else if (!dryRun) {
            for (ActionRow row : e.rows()) {
                if (row.outcome() == Outcome.DRY_RUN) {
                    metrics.dryRun(row);
                    continue;
                }
                metrics.signals(row.action().label(), row.outcome().label(), row.policy(),
                        false, 1);
                if (row.action() != Action.NONE) {
                    signals++;
                }
            }
        }
        finish(run, e.runId(), RunResult.OK, start, e.rows().size(), signals, audited,
                message);
    }

    /**
     * Counts the run's rows of warden.action_log into the metrics, as they were written (an
     * escalated query has two: the cancel and the terminate), and returns how many are
     * signals. The dry-run rows of a policy that only observes signalled nothing: they count
     * with the dry runs'. logged_at is indexed, run_id is not.
     */
    private int countAudited(Connection conn, Timestamp began, String runId)
            throws SQLException {
        int signals = 0;
        try (PreparedStatement ps = conn.prepareStatement(AUDITED)) {
            ps.setTimestamp(1, began);
            ps.setString(2, runId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String action = rs.getString(1);
                    long count = rs.getLong(4);
                    String outcome = outcomeLabel(rs.getString(2));
                    if (outcome.equals(Outcome.DRY_RUN.label())) {
                        metrics.dryRun(action, outcome, rs.getString(3), count);
                        continue;
                    }
                    metrics.signals(action, outcome, rs.getString(3), true, count);
                    if (!action.equals(Action.NONE.label())) {
                        signals += (int) count;
                    }
                }
            }
        }
        return signals;
    }

    /** An outcome without its detail, as the metrics label it; text of a newer core as is. */
    private static String outcomeLabel(String text) {
        try {
            return Outcome.ofLabel(text).label();
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static Timestamp clockTimestamp(Connection conn) throws SQLException {
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_catalog.clock_timestamp()")) {
            rs.next();
            return rs.getTimestamp(1);
        }
    }

    /** The run's NOTICEs, and the connection's warnings, each as a line of its own. */
    private void notices(long run, Connection conn) {
        List<String> notices = new ArrayList<>(Notices.drain());
        try {
            for (SQLWarning w = conn.getWarnings(); w != null; w = w.getNextWarning()) {
                notices.add(w.getMessage());
            }
            conn.clearWarnings();
        } catch (SQLException e) {
            // a closed connection has none to show
        }
        for (String notice : notices) {
            Map<String, Object> fields = new LinkedHashMap<>();
            fields.put("run", run);
            fields.put("message", notice);
            log.event("notice", fields);
        }
    }

    private void finish(long run, String runId, RunResult result, long start, int rows,
            int signals, Boolean audited, String message) {
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        metrics.run(result, took, Instant.now());
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("run", run);
        fields.put("run_id", runId);
        fields.put("result", result.label());
        fields.put("rows", rows);
        fields.put("signals", signals);
        fields.put("duration_seconds", took.toMillis() / 1000.0);
        fields.put("dry_run", dryRun);
        fields.put("audit", audited);
        fields.put("message", message);
        log.event("run", fields);
    }

    private void started(Boolean inRecovery) {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("interval", WatchInterval.text(options.interval()));
        fields.put("dry_run", dryRun);
        fields.put("server", settings.description());
        fields.put("in_recovery", inRecovery);
        fields.put("metrics", options.metricsPort() == null ? null
                : options.metricsAddress().getHostAddress() + ":" + options.metricsPort());
        log.event("started", fields);
    }

    /** Whether the latch reached 0 within {@code seconds}. */
    private static boolean awaitQuietly(CountDownLatch latch, int seconds) {
        try {
            return latch.await(seconds, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void closeQuietly(Connection conn) {
        try {
            conn.close();
        } catch (SQLException e) {
            // nothing to release
        }
    }

    /** What one run's transaction read and did. */
    private record Pass(SessionSnapshot snapshot, Installation installation, Timestamp began,
            Enforcer.Enforcement enforcement) {
    }
}
