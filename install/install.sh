#!/usr/bin/env bash
# Installs pgwarden, or upgrades it in place, in the database named by the standard libpq
# variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, ...). Run it as a superuser.
#
# The jar's bytes travel over the connection (sqlj.install_jar / sqlj.replace_jar with a
# bytea), so the server needs no access to this machine's files. Running it again installs
# the same working state: the upgrade runs the old jar's REMOVE actions and the new jar's
# INSTALL actions in one transaction, and keeps the members of warden_operator.
#
# Jar: $PGWARDEN_JAR, else target/pgwarden.jar (source tree) or pgwarden.jar next to this
# directory (distribution archive).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

die() {
    echo "install.sh: $*" >&2
    exit 1
}

find_jar() {
    if [ -n "${PGWARDEN_JAR:-}" ]; then
        echo "$PGWARDEN_JAR"
        return
    fi
    for candidate in "$here/../target/pgwarden.jar" "$here/../pgwarden.jar"; do
        if [ -f "$candidate" ]; then
            echo "$candidate"
            return
        fi
    done
}

# PL/Java greets every new session with a JEP 411 WARNING; errors still show.
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=error"

sql() {
    psql -X -q -At -v ON_ERROR_STOP=1 "$@"
}

command -v psql >/dev/null || die "psql not found: install the PostgreSQL client"
command -v base64 >/dev/null || die "base64 not found: install coreutils"
jar=$(find_jar)
[ -n "$jar" ] && [ -f "$jar" ] ||
    die "pgwarden.jar not found: run 'mvn package' first, or set PGWARDEN_JAR"

database=$(sql -c "SELECT current_database()") ||
    die "cannot connect to the server named by PGHOST/PGPORT/PGDATABASE/PGUSER"
[ "$(sql -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")" = t ] ||
    die "must be run as a superuser (PGUSER=$(sql -c 'SELECT current_user'))"

if [ "$(sql -c "SELECT count(*) FROM pg_extension WHERE extname = 'pljava'")" = 0 ]; then
    if [ "$(sql -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'pljava'")" = 0 ]
    then
        server=$(sql -c "SHOW server_version")
        die "PL/Java is not installed in this server (PostgreSQL $server): install the" \
            "postgresql-NN-pljava package from the PostgreSQL project's apt repository" \
            "(or build PL/Java), set pljava.libjvm_location, and run this again"
    fi
    echo "creating extension pljava in database $database"
    sql -c "CREATE EXTENSION pljava" ||
        die "CREATE EXTENSION pljava failed: set pljava.libjvm_location to the server's" \
            "libjvm.so (postgresql.conf, or ALTER DATABASE $database SET ...) and run again"
fi

# psql reads the jar through base64 in a backquoted command: no file on the server, no
# shell interpolation of the bytes into SQL text.
PGWARDEN_JAR_FILE=$jar sql -1 >/dev/null <<'SQL'
\set jar `base64 -w0 "$PGWARDEN_JAR_FILE"`
SELECT EXISTS (SELECT FROM sqlj.jar_repository WHERE jarname = 'pgwarden') AS upgrade \gset
\if :upgrade
SELECT sqlj.replace_jar(decode(:'jar', 'base64'), 'pgwarden', true);
\else
SELECT sqlj.install_jar(decode(:'jar', 'base64'), 'pgwarden', true);
\endif
SQL

# The first call starts a JVM in this session and proves the classes resolve.
sql -c "SELECT count(*) FROM warden.backend_report()" >/dev/null ||
    die "installed, but warden.backend_report() failed (above); see also the server log"
echo "pgwarden installed in database $database from $jar"
