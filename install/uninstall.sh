#!/usr/bin/env bash
# Removes everything install.sh created in the database named by the standard libpq
# variables: the jar and, through its REMOVE actions, the warden schema's functions and
# types; then what an upgrade keeps: the exemptions, the policies and the audit log
# (warden.action_log: export it first if you need it), the schema and the warden_operator
# role. Also removes what psql -f sql/schema.sql created on a server without PL/Java.
# Run it as a superuser.
#
# The PL/Java extension stays: other code may use it (DROP EXTENSION pljava CASCADE removes
# it). warden_operator is a cluster-wide role: it stays while pgwarden is installed in
# another database of the cluster. warden_exempt_tools stays too: its members are your
# backup and HA tools' roles, and another database's exemptions may name it (nothing in
# the catalog says so); DROP ROLE warden_exempt_tools once no database uses pgwarden.
set -euo pipefail

# die, sql and PGOPTIONS (search_path pinned for a superuser's session).
# shellcheck source=install/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/common.sh"

command -v psql >/dev/null || die "psql not found: install the PostgreSQL client"
database=$(sql -c "SELECT current_database()") ||
    die "cannot connect to the server named by PGHOST/PGPORT/PGDATABASE/PGUSER"
[ "$(sql -c "SELECT rolsuper FROM pg_roles WHERE rolname = current_user")" = t ] ||
    die "must be run as a superuser (PGUSER=$(sql -c 'SELECT current_user'))"

sql -1 >/dev/null <<'SQL'
SELECT to_regclass('sqlj.jar_repository') IS NOT NULL AS has_pljava \gset
\if :has_pljava
SELECT EXISTS (SELECT FROM sqlj.jar_repository WHERE jarname = 'pgwarden') AS installed \gset
\if :installed
SELECT sqlj.remove_jar('pgwarden', true);
\endif
\endif
DROP FUNCTION IF EXISTS warden.purge_log(interval);
DROP FUNCTION IF EXISTS warden.server_log(text[]);
DROP VIEW IF EXISTS warden.action_summary;
DROP TABLE IF EXISTS warden.action_log, warden.policy, warden.exemption,
    warden.enforce_lock;
DROP FUNCTION IF EXISTS warden.check_policy_intervals(), warden.stamp_action(),
    warden.record_actions(json),
    warden.interval_problem(text, interval), warden.check_match_columns(),
    warden.concurrent_index_builds();
DO $$
BEGIN
    IF shobj_description((SELECT oid FROM pg_roles WHERE rolname = 'warden_operator'),
            'pg_authid') = 'pgwarden home database: '
                || (SELECT oid FROM pg_database WHERE datname = current_database()) THEN
        COMMENT ON ROLE warden_operator IS NULL;
    END IF;
END
$$;
DO $$
BEGIN
    DROP SCHEMA IF EXISTS warden;
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'schema warden kept: it holds objects pgwarden did not create';
END
$$;
DO $$
BEGIN
    DROP ROLE IF EXISTS warden_operator;
EXCEPTION WHEN dependent_objects_still_exist THEN
    RAISE NOTICE 'role warden_operator kept: objects in another database depend on it'
        ' (pgwarden installed there?)';
END
$$;
SQL
echo "pgwarden removed from database $database"
echo "kept the cluster-wide role warden_exempt_tools and its members:" \
    "DROP ROLE warden_exempt_tools once no database uses pgwarden"
