#!/usr/bin/env bash
# pgwarden's quickstart: builds the jars, starts a throwaway PostgreSQL cluster under
# target/quickstart, installs pgwarden, opens real problem sessions and shows pgwarden
# dealing with them, then removes everything it made.
#
#   bash demo/quickstart.sh              throwaway cluster from the installed server binaries
#   bash demo/quickstart.sh --server     the server named by PGHOST, PGPORT, PGDATABASE,
#                                        PGUSER (a superuser) instead; see the warning below
#   bash demo/quickstart.sh --client     the client-side runner even where PL/Java is installed
#   bash demo/quickstart.sh --no-build   use the jars already in target/
#
# Where PL/Java is not installed in the server, it says so and shows the same scenario
# through the client-side runner, target/pgwarden-cli.jar.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
project=$PWD

build=true
use_server=false
client=false
for arg in "$@"; do
    case $arg in
        --no-build) build=false ;;
        --server) use_server=true ;;
        --client) client=true ;;
        *) echo "quickstart.sh: unknown argument \"$arg\"" >&2; exit 2 ;;
    esac
done

say() {
    printf '\n==> %s\n' "$*"
}

die() {
    echo "quickstart.sh: $*" >&2
    exit 1
}

# PL/Java greets every new session with a JEP 411 WARNING; errors still show.
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=error"

q() {
    psql -X -q -At -v ON_ERROR_STOP=1 -c "$1"
}

# Shows a statement, as typed at a psql prompt, and its result.
show_sql() {
    printf '\n%s=# %s\n' "$PGDATABASE" "$1"
    psql -X -q -v ON_ERROR_STOP=1 -P pager=off -c "$1"
}

# Shows a runner command line and its output.
show_cli() {
    local shown="" arg
    for arg in "$@"; do
        [[ $arg == *" "* ]] && arg="'$arg'"
        shown+=" $arg"
    done
    printf '\n$ java -jar target/pgwarden-cli.jar%s\n' "$shown"
    java -jar "$project/target/pgwarden-cli.jar" "$@"
}

# Polls until the SQL condition holds: sessions take a moment to reach their state.
wait_until() {
    local what=$1 condition=$2
    for _ in $(seq 1 150); do
        [ "$(q "SELECT $condition")" = t ] && return
        sleep 0.1
    done
    psql -X -P pager=off -c "SELECT pid, application_name, state, wait_event_type,
        clock_timestamp() - state_change AS state_age, left(query, 60) AS query
        FROM pg_stat_activity WHERE backend_type = 'client backend'" >&2 || true
    die "gave up after 15 s waiting for $what"
}

is_root() {
    [ "$(id -u)" = 0 ]
}

# initdb refuses to run as root: then the server runs as the postgres account.
as_server_user() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

# ---- the server ---------------------------------------------------------------------------

work=""
data=""
bindir=""
installed_here=false
victims=()

cleanup() {
    set +e
    for pid in "${victims[@]}"; do
        kill "$pid" 2>/dev/null
    done
    exec 7>&- 2>/dev/null
    if [ -n "$data" ]; then
        as_server_user "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1
    elif $use_server; then
        q "DROP TABLE IF EXISTS pgwarden_quickstart" >/dev/null 2>&1
        if $installed_here; then
            bash "$project/install/uninstall.sh" >/dev/null 2>&1
        fi
    fi
    [ -n "$work" ] && rm -rf "$work"
}
trap cleanup EXIT

if $build; then
    say "building the jars: mvn -B -q package -DskipTests"
    command -v mvn >/dev/null || die "mvn not found: install maven and openjdk-17-jdk-headless"
    mvn -B -q package -DskipTests
fi
[ -f target/pgwarden.jar ] && [ -f target/pgwarden-cli.jar ] ||
    die "target/pgwarden.jar or target/pgwarden-cli.jar missing: run without --no-build"

start_cluster() {
    bindir=${PGWARDEN_PG_BINDIR:-}
    if [ -z "$bindir" ]; then
        bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    fi
    [ -n "$bindir" ] && [ -x "$bindir/initdb" ] ||
        die "no PostgreSQL server binaries (initdb) found: install postgresql-15, or set" \
            "PGWARDEN_PG_BINDIR, or run with --server and the PG* variables"
    work=$project/target/quickstart
    if is_root && ! runuser -u postgres -- test -x "$project/target" 2>/dev/null; then
        work=$(mktemp -d /tmp/pgwarden-quickstart.XXXXXX)
    fi
    rm -rf "$work"
    mkdir -p "$work"
    is_root && chown postgres:postgres "$work"
    data=$work/data
    as_server_user "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C \
        --no-sync >"$work/initdb.log" 2>&1 || die "initdb failed: $(cat "$work/initdb.log")"
    local lib=$bindir/../lib
    {
        echo "listen_addresses = '127.0.0.1'"
        echo "unix_socket_directories = ''"
        if ls "$lib"/libpljava-so-* >/dev/null 2>&1; then
            local java
            java=$(readlink -f "$(command -v java)")
            echo "pljava.libjvm_location = '$(dirname "$java")/../lib/server/libjvm.so'"
            echo "pljava.vmoptions = '-Xshare:auto -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xms8m'"
        fi
    } | as_server_user tee -a "$data/postgresql.conf" >/dev/null
    # A port nobody listens on can still be taken, as the local end of some connection, so
    # the server may fail to bind it: then try the next (a later port line wins).
    local port log started=no
    for port in $(seq 55432 55531); do
        # bash's /dev/tcp: a port that accepts a connection is taken.
        if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
            continue
        fi
        echo "port = $port" | as_server_user tee -a "$data/postgresql.conf" >/dev/null
        log=$work/server-$port.log
        if as_server_user "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 start >/dev/null; then
            started=yes
            break
        fi
        grep -q "could not create any TCP/IP sockets" "$log" ||
            die "the cluster did not start: $(cat "$log")"
    done
    [ $started = yes ] || die "the cluster did not start on any port from 55432 to 55531"
    export PGHOST=127.0.0.1 PGPORT=$port PGUSER=postgres PGDATABASE=postgres
    unset PGPASSWORD PGSERVICE
    say "started a throwaway cluster ($bindir) on 127.0.0.1:$port in $data"
}

if $use_server; then
    [ -n "${PGHOST:-}" ] || die "--server needs PGHOST (and PGPORT, PGDATABASE, PGUSER)"
    say "using the server PGHOST=$PGHOST PGPORT=${PGPORT:-5432} PGDATABASE=${PGDATABASE:-}"
    echo "    WARNING: the demo's reap_idle_in_tx and cancel_long_running act on EVERY session"
    echo "    of that server idle in a transaction or running a query for over 1 second."
    work=$(mktemp -d /tmp/pgwarden-quickstart.XXXXXX)
else
    start_cluster
fi
: "${PGDATABASE:=${PGUSER:-$(id -un)}}"
export PGDATABASE

pljava=$(q "SELECT EXISTS (SELECT FROM pg_available_extensions WHERE name = 'pljava')")
if $client; then
    pljava=f
    say "showing the client-side runner, target/pgwarden-cli.jar (--client)"
elif [ "$pljava" = t ]; then
    say "installing pgwarden: bash install/install.sh"
    [ "$(q "SELECT to_regnamespace('warden') IS NULL")" = t ] && installed_here=true
    PGWARDEN_JAR=$project/target/pgwarden.jar bash install/install.sh
else
    say "PL/Java is not installed in this PostgreSQL ($(q 'SHOW server_version'))"
    echo "    pg_available_extensions has no pljava, so the warden.* SQL functions cannot be"
    echo "    installed here. The same scenario follows through the client-side runner,"
    echo "    target/pgwarden-cli.jar, which runs the same core over JDBC."
fi

# ---- the problem sessions -----------------------------------------------------------------

say "opening four problem sessions"
q "DROP TABLE IF EXISTS pgwarden_quickstart"
q "CREATE TABLE pgwarden_quickstart (id integer)"

# batch-job: a transaction left open holding a lock. psql reads from a FIFO that stays
# open, so the session sits idle in transaction until it is told more.
mkfifo "$work/batch-job.sql"
PGAPPNAME=batch-job psql -X -q <"$work/batch-job.sql" >"$work/batch-job.log" 2>&1 &
victims+=($!)
exec 7>"$work/batch-job.sql"
echo "BEGIN; LOCK TABLE pgwarden_quickstart IN ACCESS EXCLUSIVE MODE;" >&7
wait_until "batch-job to hold its lock" "EXISTS (SELECT FROM pg_stat_activity
    WHERE application_name = 'batch-job' AND state = 'idle in transaction')"

start_session() {
    local app=$1 sql=$2
    PGAPPNAME=$app psql -X -q -At -c "$sql" >"$work/$app.log" 2>&1 &
    victims+=($!)
}
start_session web "SELECT 'got the lock, counted ' || count(*) FROM pgwarden_quickstart"
start_session report "SELECT pg_sleep(300)"
ignore_cancel='DO $$ BEGIN LOOP BEGIN PERFORM pg_sleep(0.05);'
ignore_cancel+=' EXCEPTION WHEN query_canceled THEN NULL; END; END LOOP; END $$'
start_session stubborn "$ignore_cancel"

cat <<'EOF'
    batch-job  BEGIN; LOCK TABLE pgwarden_quickstart ...; then nothing: idle in transaction
    web        SELECT ... count(*) FROM pgwarden_quickstart: waits for batch-job's lock
    report     SELECT pg_sleep(300): a long query
    stubborn   a DO loop that catches query_canceled: ignores every cancel
EOF

apps="'batch-job', 'web', 'report', 'stubborn'"
wait_until "the four sessions to be in their states for over 1 second" "count(*) = 4
    FROM pg_stat_activity
    WHERE application_name IN ($apps)
      AND clock_timestamp() - state_change > interval '1.2 seconds'
      AND ((application_name = 'batch-job' AND state = 'idle in transaction')
           OR (application_name = 'web' AND wait_event_type = 'Lock')
           OR (application_name IN ('report', 'stubborn') AND state = 'active'))"

# ---- pgwarden at work ---------------------------------------------------------------------

if [ "$pljava" = t ]; then
    say "what is going on: warden.backend_report()"
    show_sql "SELECT pid, application_name AS app, state, query_age, blocked_by, advice
  FROM warden.backend_report() WHERE application_name IN ($apps);"
    say "terminate sessions idle in a transaction for over 1 second"
    show_sql "SELECT pid, application_name, state, age, action, outcome
  FROM warden.reap_idle_in_tx('1 second');"
else
    say "what is going on: the runner's report"
    show_cli report
    say "terminate sessions idle in a transaction for over 1 second"
    show_cli reap --threshold "1 second"
fi

# The lock is gone with batch-job, so web's query finishes on its own.
wait_until "web's query to finish" "NOT EXISTS (SELECT FROM pg_stat_activity
    WHERE application_name = 'web')"

if [ "$pljava" = t ]; then
    say "cancel queries running for over 1 second; terminate those that ignore it for 2"
    show_sql "SELECT pid, application_name, age, action, outcome, query_preview
  FROM warden.cancel_long_running('1 second', escalate => true, grace => '2 seconds');"
    say "nothing left to do"
    show_sql "SELECT pid, application_name, state, advice
  FROM warden.backend_report() WHERE application_name IN ($apps);"
else
    say "cancel queries running for over 1 second; terminate those that ignore it for 2"
    show_cli cancel --threshold "1 second" --escalate --grace "2 seconds"
    say "nothing left to do"
    show_cli report
fi

# ---- what the sessions saw ----------------------------------------------------------------

# A terminated idle session learns of it only when it next talks to the server.
echo "SELECT 1;" >&7 || true
exec 7>&-
wait_until "the problem sessions to end" "NOT EXISTS (SELECT FROM pg_stat_activity
    WHERE application_name IN ($apps))"
for pid in "${victims[@]}"; do
    wait "$pid" 2>/dev/null || true
done
victims=()
say "what each problem session's psql printed"
for app in batch-job web report stubborn; do
    printf '    %-10s %s\n' "$app" "$(grep -v '^$' "$work/$app.log" | head -n 1)"
done

say "done: cleaning up"
