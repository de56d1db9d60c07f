#!/usr/bin/env bash
# Runs once, when the container initialises an empty data directory: the official image's
# entrypoint runs /docker-entrypoint-initdb.d/* as the postgres account against a
# temporary server that listens on the Unix socket only.
#
# Installs pgwarden in POSTGRES_DB and pg_cron in cron.database_name.
set -euo pipefail

export PGHOST=/var/run/postgresql
export PGUSER="${POSTGRES_USER:-postgres}"
export PGDATABASE="${POSTGRES_DB:-$PGUSER}"

bash /opt/pgwarden/install/install.sh

cron_database=$(psql -X -At -c "SHOW cron.database_name")
psql -X -q -v ON_ERROR_STOP=1 -d "$cron_database" -c "CREATE EXTENSION IF NOT EXISTS pg_cron"
echo "pg_cron installed in database $cron_database"
