# shellcheck shell=bash disable=SC2034
# Sourced by install/install.sh, cds-archive.sh and jvm-image.sh, not run on its own: their
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

# The server's WARNINGs reach the operator (psql writes them on standard error): sql/schema.sql
# warns there of exemptions any client can claim and of rows that match nothing. NOTICEs
# (DROP ... IF EXISTS and the like) do not. PL/Java's JEP 411 advisory, a WARNING at the
# commit of a transaction that created PL/Java or declared Java functions, is muted where
# install.sh does that. search_path is pinned, as in pgwarden's functions: these scripts run
# as a superuser, and a path set by a database owner (ALTER DATABASE ... SET) or one through
# public would otherwise let that owner's functions and operators run in place of
# pg_catalog's, with a superuser's rights. Options given at connection time take precedence
# over the database's and role's settings.
export PGOPTIONS="${PGOPTIONS:-} -c client_min_messages=warning -c search_path=pg_catalog,pg_temp"

# require_pgwarden: the libpq variables name a superuser on a database with pgwarden.
require_pgwarden() {
    command -v psql >/dev/null || die "psql not found: install the PostgreSQL client"
    [ "$(sql -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")" = t ] ||
        die "must be run as a superuser, against a database where pgwarden is installed"
    [ "$(sql -c "SELECT to_regprocedure('warden.enforce_json(boolean)') IS NOT NULL")" = t ] ||
        die "pgwarden is not installed in database $(sql -c "SELECT current_database()"):" \
            "run install/install.sh first"
}

# The advisory lock (class "pgwd", as the enforce lock's, and 2) that install.sh holds while
# it changes a database, so that two runs at once take turns: unserialised, the second
# CREATE EXTENSION pljava or sqlj.install_jar fails on what the first one has just created.
readonly INSTALL_LOCK_CLASS=1885828964 INSTALL_LOCK_KEY=2

# install_lock_sql: psql commands that take the install lock for the rest of the session;
# when another run holds it, they say so, with its pid, and wait for it to finish. Any role
# may take an advisory lock: one held by a non-superuser is no install, and waiting for it
# could last forever, so then they say who holds it and stop.
install_lock_sql() {
    local key="$INSTALL_LOCK_CLASS, $INSTALL_LOCK_KEY" me
    me=$(basename "$0")
    cat <<SQL
SELECT pg_catalog.pg_try_advisory_lock($key) AS pgwarden_locked \gset
\if :pgwarden_locked
\else
SELECT coalesce(string_agg(l.pid::text, ', '), 'unknown') AS pgwarden_holder,
       coalesce(bool_and(r.rolsuper), true) AS pgwarden_holder_super,
       coalesce(string_agg(DISTINCT a.usename, ', '), 'unknown') AS pgwarden_holder_role
FROM pg_catalog.pg_locks AS l
LEFT JOIN pg_catalog.pg_stat_activity AS a ON a.pid = l.pid
LEFT JOIN pg_catalog.pg_roles AS r ON r.oid = a.usesysid
WHERE l.locktype = 'advisory' AND l.granted
  AND l.classid = $INSTALL_LOCK_CLASS AND l.objid = $INSTALL_LOCK_KEY AND l.objsubid = 2
  AND l.database = (SELECT oid FROM pg_catalog.pg_database WHERE datname = current_database())
\gset
\if :pgwarden_holder_super
\echo $me: another install of pgwarden is running in this database
\echo $me: waiting for it to finish (pid :pgwarden_holder)
SELECT pg_catalog.pg_advisory_lock($key) AS pgwarden_locked \gset
\else
\echo $me: the install lock is held by pid :pgwarden_holder of role :pgwarden_holder_role,
\echo $me: not a superuser, so not an install of pgwarden: it must release it first
\echo $me: (SELECT pg_advisory_unlock_all() in that session, or pg_terminate_backend)
DO \$\$ BEGIN RAISE EXCEPTION 'pgwarden''s install lock is held by a non-superuser'; END \$\$;
\endif
\endif
SQL
}
