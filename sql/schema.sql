/*
 * pgwarden's schema, role and tables: plain SQL, idempotent. The jar's deployment
 * descriptor runs it first on every install and upgrade (the build puts it into
 * pgwarden.ddr), and a server without PL/Java can take it with psql -f, so that the core
 * used from a client respects exemptions and policies and writes the audit log.
 *
 * Written for PL/Java's descriptor parser as well as psql: the parser splits commands at
 * every semicolon outside quotes and folds white space, so bodies are single-quoted, never
 * dollar-quoted; comments are block comments between commands; double quotes appear only
 * inside single-quoted strings. DeploymentDescriptorTest checks these rules.
 *
 * The tables hold the operator's data: the descriptor's REMOVE actions (which an upgrade
 * runs) leave them, and only install/uninstall.sh drops them.
 */

CREATE SCHEMA IF NOT EXISTS warden;
COMMENT ON SCHEMA warden IS 'pgwarden: cancel and terminate problem backends safely';

DO 'BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ''warden_operator'') THEN
        CREATE ROLE warden_operator NOLOGIN;
    END IF;
END';
GRANT pg_signal_backend, pg_read_all_stats TO warden_operator;
GRANT USAGE ON SCHEMA warden TO warden_operator;

/* Created with its default rows only once, so that an upgrade keeps what the operator
   added, changed or deleted. */
DO 'BEGIN
    IF to_regclass(''warden.exemption'') IS NULL THEN
        CREATE TABLE warden.exemption (
            name text PRIMARY KEY,
            usename text,
            application_name text,
            datname text,
            client_addr cidr,
            note text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            created_by name NOT NULL DEFAULT current_user
        );
        INSERT INTO warden.exemption (name, application_name, note) VALUES
            (''pg_dump'', ''pg_dump%'', ''backup: pg_dump''),
            (''pg_dumpall'', ''pg_dumpall%'', ''backup: pg_dumpall''),
            (''pg_basebackup'', ''pg_basebackup%'', ''backup: pg_basebackup''),
            (''pgbackrest'', ''pgbackrest%'', ''backup: pgBackRest''),
            (''barman'', ''barman%'', ''backup: Barman''),
            (''pg_restore'', ''pg_restore%'', ''restore: pg_restore''),
            (''pg_repack'', ''pg_repack%'',
             ''pg_repack: stopped mid-run it leaves its triggers and log tables behind''),
            (''pg_recvlogical'', ''pg_recvlogical%'', ''replication: pg_recvlogical''),
            (''pg_receivewal'', ''pg_receivewal%'', ''WAL archiving: pg_receivewal''),
            (''patroni'', ''Patroni%'', ''high availability: Patroni'');
    END IF;
END';
COMMENT ON TABLE warden.exemption IS
'Sessions pgwarden never signals. A row matches a session when every non-NULL column
matches: usename, application_name and datname as LIKE patterns, client_addr as a network
that holds the client address. An exempt session shows as skipped: exempt (note).';
GRANT SELECT ON warden.exemption TO warden_operator;

CREATE TABLE IF NOT EXISTS warden.policy (
    name text PRIMARY KEY,
    kind text NOT NULL CHECK (kind IN ('idle_in_tx', 'long_running', 'blockers')),
    threshold interval NOT NULL CHECK (threshold > interval '0'),
    escalate boolean NOT NULL DEFAULT false,
    grace interval NOT NULL DEFAULT '5 seconds'
        CHECK (grace >= interval '0' AND grace <= interval '10 minutes'),
    usename text,
    application_name text,
    datname text,
    enabled boolean NOT NULL DEFAULT true,
    note text
);
COMMENT ON TABLE warden.policy IS
'What warden.enforce() applies. kind idle_in_tx: reap_idle_in_tx(threshold); long_running:
cancel_long_running(threshold, escalate, grace); blockers: terminate_blockers(threshold as
min_wait, grace). Only to sessions whose usename, application_name and datname match the
LIKE patterns (NULL matches any).';
GRANT SELECT ON warden.policy TO warden_operator;

CREATE TABLE IF NOT EXISTS warden.action_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    logged_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    caller name NOT NULL DEFAULT current_user,
    run_id uuid NOT NULL,
    function text NOT NULL,
    policy text,
    pid integer NOT NULL,
    backend_start timestamptz,
    usename name,
    application_name text,
    datname name,
    client_addr inet,
    action text NOT NULL,
    outcome text NOT NULL,
    age interval,
    query_preview text,
    blocked_count integer,
    waiting_pids integer[]
);
CREATE INDEX IF NOT EXISTS action_log_logged_at ON warden.action_log (logged_at);
COMMENT ON TABLE warden.action_log IS
'One row per signal and per skip, written in the caller''s transaction; run_id is shared by
the rows of one call. The server log line stays the record of last resort.';
GRANT SELECT, INSERT ON warden.action_log TO warden_operator;

CREATE OR REPLACE FUNCTION warden.purge_log(older_than interval)
    RETURNS bigint LANGUAGE plpgsql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS '
DECLARE
    purged bigint;
BEGIN
    IF older_than IS NULL THEN
        RAISE EXCEPTION USING ERRCODE = ''22023'',
            MESSAGE = ''invalid value for parameter "older_than": NULL'',
            DETAIL = ''The value of "older_than" must be an interval.'';
    END IF;
    IF older_than < interval ''0'' THEN
        RAISE EXCEPTION USING ERRCODE = ''22023'',
            MESSAGE = format(''invalid value for parameter "older_than": "%s"'', older_than),
            DETAIL = ''The value of "older_than" must not be negative.'';
    END IF;
    DELETE FROM warden.action_log WHERE logged_at < clock_timestamp() - older_than;
    GET DIAGNOSTICS purged = ROW_COUNT;
    RETURN purged;
END';
COMMENT ON FUNCTION warden.purge_log(interval) IS
'Deletes the warden.action_log rows logged more than older_than ago and returns how many.
Only the owner (the installing superuser) may run it: operators add to the audit trail,
they do not trim it. 22023 for a NULL or negative older_than.';
REVOKE ALL ON FUNCTION warden.purge_log(interval) FROM PUBLIC;

/* The server log lines of pgwarden's signals. A RAISE LOG in the caller's own PL/pgSQL adds
   a CONTEXT line with pgwarden's internal statement, and a STATEMENT line, after every
   line; only a superuser may turn them off (log_error_verbosity, log_min_error_statement).
   This function, SECURITY DEFINER and owned by the installing superuser, sets both for its
   own duration, so that each line stands alone; it writes only lines that start with
   pgwarden: (the core quotes every value in them). The core calls it only when a superuser
   owns it, and raises the lines itself, with CONTEXT, where it is missing. */
DO 'BEGIN
    IF NOT (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user) THEN
        RAISE NOTICE ''warden.server_log not created (it needs a superuser)'';
        RETURN;
    END IF;
    CREATE OR REPLACE FUNCTION warden.server_log(lines text[])
        RETURNS void LANGUAGE plpgsql VOLATILE SECURITY DEFINER
        SET search_path = pg_catalog, pg_temp
        SET log_error_verbosity = terse
        SET log_min_error_statement = panic
        AS ''
    DECLARE
        line text;
    BEGIN
        FOREACH line IN ARRAY lines LOOP
            RAISE LOG ''''pgwarden: %'''', line;
        END LOOP;
    END'';
    COMMENT ON FUNCTION warden.server_log(text[]) IS
        ''Writes each line to the server log at LOG level, prefixed pgwarden: and with no
CONTEXT or STATEMENT line after it. Called by pgwarden for every signal it sends.'';
    REVOKE ALL ON FUNCTION warden.server_log(text[]) FROM PUBLIC;
    GRANT EXECUTE ON FUNCTION warden.server_log(text[]) TO warden_operator;
END';
