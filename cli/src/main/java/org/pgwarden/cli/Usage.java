package org.pgwarden.cli;

/** The runner's --help text. */
final class Usage {

    static final String TEXT = """
        usage: java -jar pgwarden-cli.jar COMMAND [OPTIONS]

        Runs pgwarden's functions from a client, over JDBC, for servers without PL/Java.
        Same selection, safety checks and outcomes as the warden.* SQL functions.

        commands:
          report                     client backends, longest-running query first
                                     (warden.backend_report)
          horizon                    what holds back the xmin horizon, oldest first, and
                                     what would release it (warden.horizon_report)
          cancel --threshold INTERVAL
                                     cancel queries running longer than INTERVAL
                                     (warden.cancel_long_running)
          reap --threshold INTERVAL  terminate sessions idle in a transaction longer than
                                     INTERVAL (warden.reap_idle_in_tx)
          end-tx --threshold INTERVAL
                                     end transactions open longer than INTERVAL: terminate
                                     idle ones, cancel active ones and terminate them if
                                     still in it after --grace (warden.end_long_transactions)
          blockers --min-wait INTERVAL
                                     resolve lock-wait chains at their roots when someone
                                     waited longer than INTERVAL (warden.terminate_blockers)
          enforce                    apply the enabled rows of warden.policy
                                     (warden.enforce; needs sql/schema.sql installed)
          watch --interval INTERVAL  enforce every INTERVAL until SIGTERM or SIGINT, one line
                                     per action and per run on stdout

        options:
          --threshold INTERVAL   cancel, reap, end-tx: a PostgreSQL interval: '5 minutes', 30s, 2min
          --escalate             cancel: terminate a backend that ignores the cancel
          --min-wait INTERVAL    blockers: how long a waiter must have waited
          --grace INTERVAL       cancel, end-tx, blockers: how long a cancel may take
                                 (default 5 seconds)
          --only-blocking        reap: only sessions that hold a lock someone waits for
          --dry-run              cancel, reap, end-tx, blockers, enforce, watch: show what
                                 would be done, send no signal
          --include-idle         report: idle sessions too
          --interval INTERVAL    watch: 1s to 1d, as in postgresql.conf: 30s, 5min, 1h
          --log-format FORMAT    watch: text (default) or json (one object per line)
          --metrics-port PORT    watch: serve Prometheus metrics on /metrics
          --metrics-address ADDR watch: where /metrics listens (default 127.0.0.1)
          -d, --dbname DBNAME    a database name, or a connection string as psql takes it:
                                 'host=db1 port=5433 dbname=app', 'service=prod' or
                                 postgresql://alice@db1:5433,db2/app?sslmode=require
          -h, --host HOST        host names or socket directories, comma-separated
          -p, --port PORT        ports, comma-separated
          -U, --user ROLE        the role to connect as
          --url URL              jdbc:postgresql://HOST:PORT/DATABASE, instead of the above
          --format FORMAT        table (default), csv or json (csv and json: every column)
          --help, -?             this text

        Unset connection settings come, as for psql, from the service file (PGSERVICE),
        then the libpq variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGSSLMODE, ...). The
        password comes from the connection string, PGPASSWORD or the password file
        (PGPASSFILE, ~/.pgpass). The role needs the privileges of
        pg_signal_backend and pg_read_all_stats (warden_operator carries both). Where
        sql/schema.sql is installed, exemptions apply and every signal is also written to
        warden.action_log, which the role must be able to insert into (warden_operator).

        exit status: 0 done, 1 failed, 2 bad arguments, 3 cannot connect,
                     4 permission denied
        """;

    private Usage() {
    }
}
