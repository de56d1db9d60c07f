#!/usr/bin/env bash
# A sample schedule, which compose.yml mounts into /docker-entrypoint-initdb.d so that it
# runs once, after 50-pgwarden.sh, when the container initialises its data directory.
#
# The jobs run as warden_cron, a member of warden_operator: pg_cron runs a job with its
# role's rights, and pgwarden's functions signal only what that role may signal.
set -euo pipefail

export PGHOST=/var/run/postgresql
export PGUSER="${POSTGRES_USER:-postgres}"
database="${POSTGRES_DB:-$PGUSER}"
cron_database=$(psql -X -At -d "$database" -c "SHOW cron.database_name")

psql -X -q -v ON_ERROR_STOP=1 -d "$cron_database" -v database="$database" >/dev/null <<'SQL'
CREATE ROLE warden_cron LOGIN;
GRANT warden_operator TO warden_cron;
GRANT USAGE ON SCHEMA cron TO warden_cron;
-- Every minute: end sessions idle in a transaction for over 10 minutes.
SELECT cron.schedule_in_database('pgwarden-reap-idle', '* * * * *',
    $$SELECT * FROM warden.reap_idle_in_tx(threshold => '10 minutes')$$,
    :'database', 'warden_cron');
-- Every 5 minutes: cancel queries running for over 30 minutes, and terminate those that
-- ignore the cancel for 30 seconds.
SELECT cron.schedule_in_database('pgwarden-cancel-long', '*/5 * * * *',
    $$SELECT * FROM warden.cancel_long_running(threshold => '30 minutes',
                                                escalate => true, grace => '30 seconds')$$,
    :'database', 'warden_cron');
SQL
echo "sample schedule: jobs pgwarden-reap-idle and pgwarden-cancel-long as warden_cron"
