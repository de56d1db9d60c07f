# shellcheck shell=bash disable=SC2034
# Sourced by install/cds-archive.sh and install/jvm-image.sh, not run on its own: their
# messages, their psql, pgwarden's recommended JVM options, and the check that they run
# against the right server.

# pgwarden's recommended pljava.vmoptions without an archive (install/vmoptions.md).
readonly RECOMMENDED_VMOPTIONS="-Xshare:auto -XX:+UseSerialGC -XX:TieredStopAtLevel=1 \
-Xms24m -XX:-UsePerfData"

# die MESSAGE...: prints "<script>: MESSAGE" on standard error and exits 1.
die() {
    echo "$(basename "$0"): $*" >&2
    exit 1
}

# sql [PSQL ARGUMENTS...]: psql without psqlrc, unaligned, stopping at the first error.
sql() {
    psql -X -q -At -v ON_ERROR_STOP=1 "$@"
}

# PL/Java greets every new session with a JEP 411 WARNING; errors still show.
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=error"

# require_pgwarden: the libpq variables name a superuser on a database with pgwarden.
require_pgwarden() {
    command -v psql >/dev/null || die "psql not found: install the PostgreSQL client"
    [ "$(sql -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")" = t ] ||
        die "must be run as a superuser, against a database where pgwarden is installed"
    [ "$(sql -c "SELECT to_regprocedure('warden.enforce_json(boolean)') IS NOT NULL")" = t ] ||
        die "pgwarden is not installed in database $(sql -c "SELECT current_database()"):" \
            "run install/install.sh first"
}
