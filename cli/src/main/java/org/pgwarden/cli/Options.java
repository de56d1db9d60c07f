package org.pgwarden.cli;

import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * The runner's command line, checked for shape only: interval values are checked by the
 * server, through the same core code as the SQL functions' arguments.
 *
 * @param command what to run; null with {@code help}
 * @param threshold cancel, reap, end-tx: the interval text as given; blockers: min_wait
 * @param escalate cancel: terminate a backend still in its query after grace
 * @param grace cancel, end-tx, blockers: the interval text as given
 * @param dryRun cancel, reap, end-tx, blockers, enforce: report what would be done, send nothing
 * @param onlyBlocking reap: only sessions that block another
 * @param includeIdle report: idle sessions too
 * @param url a jdbc:postgresql URL, or null to use the PG* variables
 * @param user the role to connect as, or null for the URL's or PGUSER
 * @param format how to print the rows
 * @param help whether --help was asked for
 * @param watch watch's own options; null for the other commands
 * @param dbname -d: a database name or, as with psql, a connection string or URI
 * @param host -h: host names or socket directories, comma-separated
 * @param port -p: ports, comma-separated
 */
record Options(
        Command command,
        String threshold,
        boolean escalate,
        String grace,
        boolean dryRun,
        boolean onlyBlocking,
        boolean includeIdle,
        String url,
        String user,
        Format format,
        boolean help,
        WatchOptions watch,
        String dbname,
        String host,
        String port) {

    /** The default grace, as in warden.cancel_long_running. */
    static final String DEFAULT_GRACE = "5 seconds";

    static Options parse(String... args) throws UsageException {
        return new Parser(args).parse();
    }

    /** Reads the arguments left to right; each option at most once. */
    private static final class Parser {
        private final String[] args;
        private final Set<String> seen = new HashSet<>();
        private int next;

        private Command command;
        private String threshold;
        private boolean escalate;
        private String grace;
        private boolean dryRun;
        private boolean onlyBlocking;
        private boolean includeIdle;
        private String url;
        private String user;
        private Format format = Format.TABLE;
        private final Map<String, String> watchValues = new HashMap<>();
        private String dbname;
        private String host;
        private String port;

        Parser(String[] args) {
            this.args = args;
        }

        Options parse() throws UsageException {
            if (args.length == 0) {
                throw new UsageException("no command given (expected " + Command.LIST + ")");
            }
            while (next < args.length) {
                String arg = args[next++];
                if (arg.equals("--help") || arg.equals("-?")) {
                    return new Options(null, null, false, null, false, false, false, null,
                            null, Format.TABLE, true, null, null, null, null);
                }
                if (arg.startsWith("-")) {
                    option(arg);
                } else if (command == null) {
                    command = Command.of(arg);
                } else {
                    throw new UsageException("unexpected argument \"" + arg + "\"");
                }
            }
            if (command == null) {
                throw new UsageException("no command given (expected " + Command.LIST + ")");
            }
            if ((command == Command.CANCEL || command == Command.REAP
                    || command == Command.END_TX) && threshold == null) {
                throw new UsageException("option --threshold is required for "
                        + command.word());
            }
            if (command == Command.BLOCKERS && threshold == null) {
                throw new UsageException("option --min-wait is required for blockers");
            }
            return new Options(command, threshold, escalate,
                    grace == null ? DEFAULT_GRACE : grace, dryRun, onlyBlocking, includeIdle,
                    url, user, format, false, watchOptions(), dbname, host, port);
        }

        private void option(String arg) throws UsageException {
            int equals = arg.indexOf('=');
            String name = longName(equals < 0 ? arg : arg.substring(0, equals));
            String inline = equals < 0 ? null : arg.substring(equals + 1);
            if (!seen.add(name)) {
                throw new UsageException("option " + name + " given more than once");
            }
            switch (name) {
                case "--threshold" -> {
                    only(name, EnumSet.of(Command.CANCEL, Command.REAP, Command.END_TX));
                    threshold = value(name, inline);
                }
                case "--min-wait" -> {
                    only(name, EnumSet.of(Command.BLOCKERS));
                    threshold = value(name, inline);
                }
                case "--grace" -> {
                    only(name, EnumSet.of(Command.CANCEL, Command.END_TX, Command.BLOCKERS));
                    grace = value(name, inline);
                }
                case "--only-blocking" -> {
                    only(name, EnumSet.of(Command.REAP));
                    onlyBlocking = flag(name, inline);
                }
                case "--escalate" -> {
                    only(name, EnumSet.of(Command.CANCEL));
                    escalate = flag(name, inline);
                }
                case "--dry-run" -> {
                    only(name, EnumSet.of(Command.CANCEL, Command.REAP, Command.END_TX,
                            Command.BLOCKERS, Command.ENFORCE, Command.WATCH));
                    dryRun = flag(name, inline);
                }
                case "--include-idle" -> {
                    only(name, EnumSet.of(Command.REPORT));
                    includeIdle = flag(name, inline);
                }
                case "--interval", "--log-format", "--metrics-port", "--metrics-address" -> {
                    only(name, EnumSet.of(Command.WATCH));
                    watchValues.put(name, value(name, inline));
                }
                case "--url" -> url = value(name, inline);
                case "--user" -> user = value(name, inline);
                case "--dbname" -> dbname = value(name, inline);
                case "--host" -> host = value(name, inline);
                case "--port" -> port = value(name, inline);
                case "--format" -> format = Format.of(value(name, inline));
                default -> throw new UsageException("unknown option \"" + arg + "\"");
            }
        }

        private WatchOptions watchOptions() throws UsageException {
            if (command != Command.WATCH) {
                return null;
            }
            if (seen.contains("--format")) {
                throw new UsageException("option --format does not apply to watch (use"
                        + " --log-format)");
            }
            return WatchOptions.of(watchValues.get("--interval"),
                    watchValues.get("--log-format"), watchValues.get("--metrics-port"),
                    watchValues.get("--metrics-address"));
        }

        /** psql's short connection options, as their long names. */
        private static String longName(String name) {
            return switch (name) {
                case "-d" -> "--dbname";
                case "-h" -> "--host";
                case "-p" -> "--port";
                case "-U" -> "--user";
                default -> name;
            };
        }

        /** Refuses an option that the command, which must come first, does not take. */
        private void only(String name, Set<Command> commands) throws UsageException {
            if (command == null) {
                throw new UsageException("option " + name + " must follow the command");
            }
            if (!commands.contains(command)) {
                throw new UsageException("option " + name + " does not apply to "
                        + command.word());
            }
        }

        private String value(String name, String inline) throws UsageException {
            if (inline != null) {
                return inline;
            }
            if (next >= args.length || args[next].startsWith("--")) {
                throw new UsageException("option " + name + " needs a value");
            }
            return args[next++];
        }

        private static boolean flag(String name, String inline) throws UsageException {
            if (inline != null) {
                throw new UsageException("option " + name + " takes no value");
            }
            return true;
        }
    }
}
