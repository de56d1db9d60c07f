#!/usr/bin/env bash
# Installs pgwarden, or upgrades it in place, in the database named by the standard libpq
# variables (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, ...). Run it as a superuser.
#
# The jar's bytes travel over the connection (sqlj.install_jar / sqlj.replace_jar with a
# bytea), so the server needs no access to this machine's files. Running it again installs
# the same working state: the upgrade runs the old jar's REMOVE actions and the new jar's
# INSTALL actions in one transaction, and keeps the members of warden_operator.
#
# One session does the work, holding an advisory lock: a second install.sh started
# meanwhile says that it waits, and then finds the first one's work done, instead of
# failing on objects the first one has just created.
#
# Jar: $PGWARDEN_JAR, else target/pgwarden.jar (source tree) or pgwarden.jar next to this
# directory (distribution archive).
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root="$here/.."
# shellcheck source=install/common.sh
source "$here/common.sh"

# find_jar: the jar to install; dies naming the paths it looked at when there is none.
find_jar() {
    if [ -n "${PGWARDEN_JAR:-}" ]; then
        [ -f "$PGWARDEN_JAR" ] || die "pgwarden.jar not found at $PGWARDEN_JAR (PGWARDEN_JAR)"
        echo "$PGWARDEN_JAR"
        return
    fi
    local candidate
    for candidate in "$root/target/pgwarden.jar" "$root/pgwarden.jar"; do
        if [ -f "$candidate" ]; then
            echo "$candidate"
            return
        fi
    done
    die "pgwarden.jar not found at $root/target/pgwarden.jar or $root/pgwarden.jar:" \
        "run 'mvn package' first, or set PGWARDEN_JAR"
}

command -v psql >/dev/null || die "psql not found: install the PostgreSQL client"
command -v base64 >/dev/null || die "base64 not found: install coreutils"
jar=$(find_jar)

database=$(sql -c "SELECT current_database()") ||
    die "cannot connect to the server named by PGHOST/PGPORT/PGDATABASE/PGUSER"
[ "$(sql -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")" = t ] ||
    die "must be run as a superuser (PGUSER=$(sql -c 'SELECT current_user'))"

if [ "$(sql -c "SELECT count(*) FROM pg_extension WHERE extname = 'pljava'")" = 0 ] &&
    [ "$(sql -c "SELECT count(*) FROM pg_available_extensions WHERE name = 'pljava'")" = 0 ]
then
    server=$(sql -c "SHOW server_version")
    die "PL/Java is not installed in this server (PostgreSQL $server): install the" \
        "postgresql-NN-pljava package from the PostgreSQL project's apt repository" \
        "(or build PL/Java), set pljava.libjvm_location, and run this again"
fi

# psql reads the jar through base64 in a backquoted command: no file on the server, no
# shell interpolation of the bytes into SQL text. Everything after the lock is decided
# under it: whether pljava is there, whether this is an upgrade.
errors=$(mktemp)
trap 'rm -f "$errors"' EXIT
if ! { install_lock_sql; cat <<'SQL'; } | PGWARDEN_JAR_FILE=$jar sql 2>"$errors"
SELECT NOT EXISTS (SELECT FROM pg_extension WHERE extname = 'pljava') AS create_pljava,
       current_database() AS database \gset
\if :create_pljava
\echo creating extension pljava in database :database
SET client_min_messages = error;
CREATE EXTENSION pljava;
SET client_min_messages = warning;
\endif
\set jar `base64 -w0 "$PGWARDEN_JAR_FILE"`
BEGIN;
SELECT EXISTS (SELECT FROM sqlj.jar_repository WHERE jarname = 'pgwarden') AS upgrade \gset
\if :upgrade
SELECT sqlj.replace_jar(decode(:'jar', 'base64'), 'pgwarden', true) AS done \gset
\else
SELECT sqlj.install_jar(decode(:'jar', 'base64'), 'pgwarden', true) AS done \gset
\endif
-- Up to here sql/schema.sql's WARNINGs show; PL/Java's JEP 411 advisory comes at COMMIT.
SET client_min_messages = error;
COMMIT;
SET client_min_messages = warning;
-- A first call of pgwarden's Java code: it starts a JVM and proves the classes resolve.
SELECT warden.reap_idle_in_tx_json('3650 days', true, false) AS done \gset
SQL
then
    cat "$errors" >&2
    # What PL/Java says when it cannot start a JVM, in the session that first loads it.
    if grep -q "cannot use PL/Java before successfully completing its setup" "$errors"; then
        die "PL/Java could not start a JVM: set pljava.libjvm_location to the server's" \
            "libjvm.so (postgresql.conf, or ALTER DATABASE $database SET ...), see the" \
            "server log, and run this again"
    fi
    die "installing pgwarden in database $database failed (the error is above; see also" \
        "the server log)"
fi
cat "$errors" >&2
echo "pgwarden installed in database $database from $jar"
