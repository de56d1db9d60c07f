package org.pgwarden.cli;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.exporter.httpserver.HTTPServer;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.pgwarden.ActionRow;
import org.pgwarden.States;

/**
 * watch's Prometheus metrics, served on /metrics when --metrics-port is given. Kept whether
 * or not they are served, so that the loop does not ask.
 */
final class Metrics implements AutoCloseable {

    /** The states of pg_stat_activity, shown at 0 too so that a series never vanishes. */
    private static final List<String> STATES = List.of(States.ACTIVE, States.IDLE,
            States.IDLE_IN_TRANSACTION, States.IDLE_IN_TRANSACTION_ABORTED, States.FASTPATH,
            "disabled");

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final Counter signals = Counter.builder()
            .name("pgwarden_signals_total")
            .help("Rows the runs wrote to warden.action_log, one per signal and per skip, by"
                    + " action, outcome (without its detail) and policy; on a hot standby,"
                    + " where nothing is written, the action rows, with audited=\"false\"")
            .labelNames("action", "outcome", "policy", "audited")
            .register(registry);
    private final Counter dryRunActions = Counter.builder()
            .name("pgwarden_dry_run_actions_total")
            .help("Rows of dry runs and of policies in mode observe (nothing signalled), by"
                    + " action, outcome and policy")
            .labelNames("action", "outcome", "policy")
            .register(registry);
    private final Counter runs = Counter.builder()
            .name("pgwarden_runs_total")
            .help("Runs that were due, by result: ok, skipped (another enforce held the lock),"
                    + " failed, connection_lost, missed (no connection, or the run before was"
                    + " still going), interrupted (cut by a stop)")
            .labelNames("result")
            .register(registry);
    private final Histogram duration = Histogram.builder()
            .name("pgwarden_run_duration_seconds")
            .help("How long the runs that reached the server took, waits for signalled"
                    + " backends included")
            .classicOnly()
            .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300)
            .register(registry);
    private final Gauge lastSuccess = Gauge.builder()
            .name("pgwarden_last_success_timestamp_seconds")
            .help("When the last run with result ok ended, in seconds since the epoch")
            .register(registry);
    private final Gauge connected = Gauge.builder()
            .name("pgwarden_connection_up")
            .help("1 while the runner has a working connection to the server, else 0")
            .register(registry);
    private final Gauge sessions = Gauge.builder()
            .name("pgwarden_sessions")
            .help("Client backends by state, as the last run read pg_stat_activity")
            .labelNames("state")
            .register(registry);
    private final Gauge oldestIdleInTransaction = Gauge.builder()
            .name("pgwarden_oldest_idle_in_transaction_seconds")
            .help("How long the longest idle in a transaction had been so, at the last run")
            .register(registry);
    private final Gauge waitingForLock = Gauge.builder()
            .name("pgwarden_sessions_waiting_for_lock")
            .help("Client backends waiting for a lock, at the last run")
            .register(registry);
    private final Set<String> statesShown = new HashSet<>(STATES);
    private HTTPServer server;

    private Metrics() {
        for (RunResult r : RunResult.values()) {
            runs.initLabelValues(r.label());
        }
        STATES.forEach(sessions::initLabelValues);
    }

    /**
     * The metrics, served as the options ask: on a port that is taken the runner stops
     * before it connects, with exit status 2.
     */
    static Metrics start(WatchOptions options) throws UsageException {
        Metrics metrics = new Metrics();
        if (options.metricsPort() == null) {
            return metrics;
        }
        try {
            metrics.server = HTTPServer.builder()
                    .inetAddress(options.metricsAddress())
                    .port(options.metricsPort())
                    .registry(metrics.registry)
                    .buildAndStart();
        } catch (IOException e) {
            throw new UsageException("invalid value for option --metrics-port: \""
                    + options.metricsPort() + "\" (cannot listen on "
                    + options.metricsAddress().getHostAddress() + " port "
                    + options.metricsPort() + ": " + e.getMessage() + ")");
        }
        return metrics;
    }

    /** Where /metrics is served, for the started line; null when it is not. */
    String endpoint() {
        return server == null ? null : "port " + server.getPort();
    }

    void connection(boolean up) {
        connected.set(up ? 1 : 0);
    }

    /** {@code count} rows of warden.action_log, or of a run that could not write it. */
    void signals(String action, String outcome, String policy, boolean audited, long count) {
        signals.labelValues(action, outcome, policy == null ? "" : policy,
                String.valueOf(audited)).inc(count);
    }

    void dryRun(ActionRow row) {
        dryRun(row.action().label(), row.outcome().label(), row.policy(), 1);
    }

    /** {@code count} rows that signalled nothing: of a dry run, or of an observing policy. */
    void dryRun(String action, String outcome, String policy, long count) {
        dryRunActions.labelValues(action, outcome, policy == null ? "" : policy).inc(count);
    }

    void run(RunResult result, Duration took, Instant ended) {
        runs.labelValues(result.label()).inc();
        if (result != RunResult.MISSED && result != RunResult.INTERRUPTED) {
            duration.observe(took.toNanos() / 1e9);
        }
        if (result == RunResult.OK) {
            lastSuccess.set(ended.toEpochMilli() / 1000.0);
        }
    }

    void sessions(SessionSnapshot snapshot) {
        statesShown.addAll(snapshot.byState().keySet());
        for (String state : statesShown) {
            sessions.labelValues(state).set(snapshot.byState().getOrDefault(state, 0));
        }
        oldestIdleInTransaction.set(snapshot.oldestIdleInTransactionSeconds());
        waitingForLock.set(snapshot.waitingForLock());
    }

    @Override
    public void close() {
        if (server != null) {
            server.close();
        }
    }
}
