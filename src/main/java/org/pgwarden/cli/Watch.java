package org.pgwarden.cli;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.pgwarden.Action;
import org.pgwarden.ActionRow;
import org.pgwarden.Enforcer;
import org.pgwarden.OneTransaction;
import org.pgwarden.Outcome;
import org.pgwarden.SqlState;

/**
 * {@code watch}: enforce every interval in one process, for a server without pg_cron or
 * PL/Java. Runs one at a time, each in its own transaction as enforce's are; an enforce run
 * elsewhere (pg_cron, another runner) holding the lock makes a run skipped, not a second one
 * at once. SIGTERM or SIGINT lets the current run finish, then the runner exits 0.
 */
final class Watch {

    private final WatchOptions options;
    private final boolean dryRun;
    private final WatchLog log;
    private final Metrics metrics;
    private final Link link;
    private final PrintStream err;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private long runs;
    /** The exit status, for the shutdown hook: FAILED until the loop ends as asked. */
    private volatile int status = Main.FAILED;

    private Watch(Options options, WatchLog log, Metrics metrics, Link link,
            PrintStream err) {
        this.err = err;
        this.options = options.watch();
        this.dryRun = options.dryRun();
        this.log = log;
        this.metrics = metrics;
        this.link = link;
    }

    /** Runs until a signal stops it; returns the exit status, as Main's commands do. */
    static int run(Options options, ConnectionSettings settings, PrintStream out,
            PrintStream err) {
        WatchOptions w = options.watch();
        // Metrics first: a port that is taken is a bad argument, found before connecting.
        Metrics metrics;
        try {
            metrics = Metrics.start(w);
        } catch (UsageException e) {
            err.println("pgwarden: " + e.getMessage());
            err.println("Try \"java -jar pgwarden-cli.jar --help\".");
            return Main.BAD_ARGUMENTS;
        }
        try (metrics) {
            Connection first;
            try {
                first = settings.open();
            } catch (SQLException e) {
                err.println("pgwarden: cannot connect to " + settings.description() + ": "
                        + Main.message(e));
                return Main.CANNOT_CONNECT;
            }
            try {
                // A role that may not signal is a mistake to report now, not every interval.
                OneTransaction.run(first, () -> {
                    OperatorCheck.check(first);
                    return null;
                });
            } catch (SQLException e) {
                err.println("pgwarden: " + Main.message(e));
                closeQuietly(first);
                return SqlState.INSUFFICIENT_PRIVILEGE.matches(e) ? Main.PERMISSION_DENIED
                        : Main.FAILED;
            }
            WatchLog log = new WatchLog(out, w.logFormat(), Clock.systemUTC());
            try (Link link = new Link(settings, first, log, metrics, w.interval())) {
                return new Watch(options, log, metrics, link, err).loop();
            }
        }
    }

    private int loop() {
        CountDownLatch finished = new CountDownLatch(1);
        Thread hook = new Thread(() -> {
            stopRequested.countDown();
            awaitQuietly(finished);
            // The JVM would exit 143 after SIGTERM: a stop asked for is a clean end, exit 0.
            // halt, not exit: System.exit inside a shutdown hook waits for the hooks, itself
            // included, for ever.
            err.flush();
            Runtime.getRuntime().halt(status);
        }, "pgwarden-watch-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            started();
            long next = System.nanoTime();
            while (awaitRun(next)) {
                long start = System.nanoTime();
                runOnce();
                // From start to start; a run longer than the interval is followed at once.
                next = Math.max(start + options.interval().toNanos(), System.nanoTime());
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
        } finally {
            finished.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: it halts once this returns
            }
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

    private void runOnce() {
        long run = ++runs;
        long start = System.nanoTime();
        Connection conn = link.get();
        if (conn == null) {
            finish(run, null, RunResult.MISSED, start, 0, 0,
                    "no connection to the server: " + link.lastError());
            return;
        }
        Pass pass;
        try {
            pass = OneTransaction.run(conn, () -> {
                OperatorCheck.check(conn);
                SessionSnapshot snapshot = SessionSnapshot.read(conn);
                return new Pass(snapshot, Enforcer.enforce(conn, dryRun));
            });
        } catch (SQLException e) {
            if (link.broken()) {
                link.lost(Main.message(e));
                finish(run, null, RunResult.CONNECTION_LOST, start, 0, 0, Main.message(e));
            } else {
                finish(run, null, RunResult.FAILED, start, 0, 0, Main.message(e));
            }
            return;
        }
        metrics.sessions(pass.snapshot());
        Enforcer.Enforcement e = pass.enforcement();
        int signals = 0;
        for (ActionRow row : e.rows()) {
            log.action(run, e.runId(), row);
            metrics.action(row);
            if (row.action() != Action.NONE && row.outcome() != Outcome.DRY_RUN) {
                signals++;
            }
        }
        if (e.skipped()) {
            finish(run, null, RunResult.SKIPPED, start, 0, 0, "another enforce() run (pid "
                    + e.heldBy() + ") is applying the policies");
        } else {
            finish(run, e.runId(), RunResult.OK, start, e.rows().size(), signals, null);
        }
    }

    private void finish(long run, String runId, RunResult result, long start, int rows,
            int signals, String message) {
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
        fields.put("message", message);
        log.event("run", fields);
    }

    private void started() {
        Map<String, Object> fields = new LinkedHashMap<>();
        fields.put("interval", WatchInterval.text(options.interval()));
        fields.put("dry_run", dryRun);
        fields.put("metrics", options.metricsPort() == null ? null
                : options.metricsAddress().getHostAddress() + ":" + options.metricsPort());
        log.event("started", fields);
    }

    private static void awaitQuietly(CountDownLatch latch) {
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
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
    private record Pass(SessionSnapshot snapshot, Enforcer.Enforcement enforcement) {
    }
}
