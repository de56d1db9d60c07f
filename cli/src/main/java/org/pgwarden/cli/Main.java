package org.pgwarden.cli;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLWarning;
import java.sql.Statement;
import java.util.Map;
import org.pgwarden.BackendReport;
import org.pgwarden.BlockerTerminator;
import org.pgwarden.Enforcer;
import org.pgwarden.Escape;
import org.pgwarden.HorizonReport;
import org.pgwarden.IdleTransactionReaper;
import org.pgwarden.Installation;
import org.pgwarden.LongRunningCanceller;
import org.pgwarden.LongTransactionEnder;
import org.pgwarden.Notices;
import org.pgwarden.OneTransaction;
import org.pgwarden.SqlState;

/**
 * The client-side runner: {@code java -jar pgwarden-cli.jar report|cancel|reap|end-tx|blockers|enforce}.
 * It runs
 * the same core as the SQL functions, over a pgjdbc connection that runs as the connecting
 * role, so a server without PL/Java (a managed service) gets the same rules and outcomes.
 */
public final class Main {

    /** The command ran; whatever its rows say, nothing failed. */
    static final int OK = 0;
    /** The server raised an error while the command ran. */
    static final int FAILED = 1;
    /** The command line, or a value the server checked for it, was refused. */
    static final int BAD_ARGUMENTS = 2;
    /** No connection could be made. */
    static final int CANNOT_CONNECT = 3;
    /** The role may not do this. */
    static final int PERMISSION_DENIED = 4;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.getenv(), System.out, System.err,
                System.console() != null));
    }

    /**
     * Runs one command and returns the exit status.
     *
     * @param terminal whether stderr is a terminal, where the progress line counts in place
     */
    static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err,
            boolean terminal) {
        Options options;
        ConnectionSettings settings;
        try {
            options = Options.parse(args);
            if (options.help()) {
                out.print(Usage.TEXT);
                return OK;
            }
            settings = ConnectionSettings.of(options, env, err);
        } catch (UsageException e) {
            err.println("pgwarden: " + e.getMessage());
            err.println("Try \"java -jar pgwarden-cli.jar --help\".");
            return BAD_ARGUMENTS;
        }
        if (options.command() == Command.WATCH) {
            return Watch.run(options, settings, out, err);
        }
        Connection conn;
        try {
            conn = Link.bounded(settings.open());
        } catch (SQLException e) {
            err.println("pgwarden: cannot connect to " + settings.description() + ": "
                    + ServerError.message(e));
            return CANNOT_CONNECT;
        }
        // The core's NOTICEs (a hot standby's audit that cannot be written), as psql shows
        // them: on stderr, even when the call then fails.
        Notices.collect();
        try (conn) {
            // The whole call in one transaction, search_path pinned (OneTransaction).
            Result result = OneTransaction.run(conn, () -> {
                OperatorCheck.check(conn);
                warnIfNotInstalled(options.command(), conn, err);
                return execute(options, conn, err, terminal);
            });
            notices(conn, err);
            options.format().write(result, out);
            out.flush();
            return OK;
        } catch (SQLException e) {
            notices(conn, err);
            err.println("pgwarden: " + Link.message(e));
            String detail = ServerError.detail(e);
            if (detail != null) {
                err.println("DETAIL: " + detail);
            }
            if (SqlState.INVALID_PARAMETER_VALUE.matches(e)) {
                return BAD_ARGUMENTS;
            }
            return SqlState.INSUFFICIENT_PRIVILEGE.matches(e) ? PERMISSION_DENIED : FAILED;
        }
    }

    private static Result execute(Options options, Connection conn, PrintStream err,
            boolean terminal) throws SQLException {
        return switch (options.command()) {
            case REPORT -> Result.ofReport(BackendReport.run(conn, options.includeIdle()));
            case HORIZON -> Result.ofHorizon(HorizonReport.run(conn));
            case CANCEL -> {
                String waiting = options.escalate()
                        ? "waiting up to " + options.grace() + " for cancelled queries to stop,"
                                + " then terminating the rest"
                        : "waiting up to " + options.grace() + " for cancelled queries to stop";
                try (Progress p = Progress.start(err, waiting, terminal)) {
                    yield Result.ofActions(LongRunningCanceller.run(conn, options.threshold(),
                            options.escalate(), options.grace(), options.dryRun()));
                }
            }
            case REAP -> {
                try (Progress p = Progress.start(err, "waiting for terminated sessions to exit",
                        terminal)) {
                    yield Result.ofActions(IdleTransactionReaper.run(conn, options.threshold(),
                            options.dryRun(), options.onlyBlocking()));
                }
            }
            case END_TX -> {
                try (Progress p = Progress.start(err, "waiting up to " + options.grace()
                        + " for cancelled transactions to end, then terminating the rest",
                        terminal)) {
                    yield Result.ofActions(LongTransactionEnder.run(conn, options.threshold(),
                            options.grace(), options.dryRun()));
                }
            }
            case BLOCKERS -> {
                try (Progress p = Progress.start(err, "waiting up to " + options.grace()
                        + " for lock roots to let go", terminal)) {
                    yield Result.ofActions(BlockerTerminator.run(conn, options.threshold(),
                            options.grace(), options.dryRun()));
                }
            }
            case ENFORCE -> {
                try (Progress p = Progress.start(err, "applying the enabled policies",
                        terminal)) {
                    yield Result.ofActions(Enforcer.run(conn, options.dryRun()));
                }
            }
            // run() hands watch to Watch before it connects.
            case WATCH -> throw new IllegalStateException("watch is not a single call");
        };
    }

    /**
     * cancel, reap, end-tx and blockers work without sql/schema.sql (a server where nothing could be
     * installed), with no exemptions and no audit: said before they act, so that it is never
     * a surprise. enforce refuses without the tables; report and horizon signal nothing.
     */
    private static void warnIfNotInstalled(Command command, Connection conn, PrintStream err)
            throws SQLException {
        if (command != Command.CANCEL && command != Command.REAP
                && command != Command.END_TX && command != Command.BLOCKERS) {
            return;
        }
        // The probe the core makes: outside pgwarden's home database it refuses (55000)
        // before a warning could mislead.
        if (Installation.probe(conn).tables()) {
            return;
        }
        try (Statement st = conn.createStatement();
                ResultSet rs = st.executeQuery("SELECT pg_catalog.current_database()")) {
            rs.next();
            err.println("pgwarden: the warden schema is not installed in database \""
                    + rs.getString(1) + "\": no exemptions apply and nothing is written to"
                    + " warden.action_log");
            err.flush();
        }
    }

    /** What the server said besides the result, as psql shows it. */
    private static void notices(Connection conn, PrintStream err) {
        for (String notice : Notices.drain()) {
            err.println("NOTICE:  " + Escape.controls(notice));
        }
        try {
            for (SQLWarning w = conn.getWarnings(); w != null; w = w.getNextWarning()) {
                err.println("WARNING:  " + Escape.controls(w.getMessage()));
            }
        } catch (SQLException e) {
            // a closed connection has none to show
        }
    }
}
