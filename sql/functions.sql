/*
 * The warden functions that run Java through PL/Java: the second half of the deployment
 * descriptor's INSTALL actions, after schema.sql (the build joins them into pgwarden.ddr).
 * The same parser rules as in schema.sql apply.
 *
 * Every function runs with the caller's rights (SECURITY INVOKER): what a caller may signal
 * is what PostgreSQL lets that role signal. warden_operator is the only role, besides
 * superusers, with EXECUTE. Each pins search_path, so that a caller's own search_path
 * cannot put another pg_stat_activity or pg_terminate_backend in front of pg_catalog's.
 *
 * Each *_json function is the Java entry point and returns the rows as JSON text; the
 * function of the same name without the suffix turns them back into typed rows. A set of
 * composite rows straight from Java would need PL/Java's ResultSetProvider, whose API jar
 * no registry this build can reach publishes. warden.backend_report, which signals nothing,
 * is PL/pgSQL generated from the core's statement (org.pgwarden.ReportFunction) into
 * sql/generated/backend_report.sql; the build puts it after this file. The type of its rows
 * is here.
 *
 * PL/Java loads a function's classes as the calling role, reading sqlj's tables. When
 * CREATE EXTENSION pljava creates the sqlj schema itself, PL/Java skips its own
 * GRANT USAGE ON SCHEMA sqlj TO PUBLIC (seen with 1.6.9 on PostgreSQL 15), and a
 * non-superuser's call fails with permission denied for schema sqlj: so operators get it.
 *
 * The AS strings of the Java functions run past 100 columns: the parser folds white space
 * outside quotes into one space, so a literal cannot be continued on the next line. They
 * name Boolean, not boolean, so that a NULL argument arrives as null and is refused.
 */

SELECT sqlj.set_classpath('warden', 'pgwarden');
GRANT USAGE ON SCHEMA sqlj TO warden_operator;

/*
 * USAGE on sqlj would also let an operator call PL/Java's jar management, which PL/Java
 * grants to PUBLIC (install_jar needs no more than that): in this database it becomes
 * superuser-only. A role that had USAGE on sqlj before loses it too; grant EXECUTE on the
 * function back to it where that is wanted. Uninstalling leaves it so.
 */
DO 'DECLARE
    f regprocedure;
BEGIN
    FOR f IN SELECT p.oid::regprocedure FROM pg_catalog.pg_proc AS p
             WHERE p.pronamespace = ''sqlj''::regnamespace
               AND p.proname IN (''install_jar'', ''replace_jar'', ''remove_jar'',
                   ''set_classpath'', ''add_type_mapping'', ''drop_type_mapping'',
                   ''alias_java_language'') LOOP
        EXECUTE pg_catalog.format(''REVOKE EXECUTE ON FUNCTION %s FROM PUBLIC'', f);
    END LOOP;
END';

/* BEGIN GENERATED backend_row: do not edit, see GeneratedSqlTest */
CREATE TYPE warden.backend_row AS (
    pid integer,
    datname name,
    usename name,
    application_name text,
    client_addr inet,
    backend_type text,
    state text,
    wait_event_type text,
    wait_event text,
    backend_start timestamptz,
    backend_age interval,
    xact_age interval,
    xmin_age integer,
    query_age interval,
    state_age interval,
    blocked_by integer[],
    blocking integer,
    exemption text,
    query_preview text,
    advice text
);
/* END GENERATED backend_row */

/*
 * The rows of warden.horizon_report, generated like backend_report's from the core's
 * statement (org.pgwarden.HorizonFunction).
 */
/* BEGIN GENERATED horizon_row: do not edit, see GeneratedSqlTest */
CREATE TYPE warden.horizon_row AS (
    holder text,
    pid integer,
    name text,
    usename name,
    datname name,
    state text,
    plugin text,
    xid xid,
    xid_kind text,
    xid_age integer,
    held_since timestamptz,
    held_for interval,
    advice text
);
/* END GENERATED horizon_row */

/* BEGIN GENERATED action_row: do not edit, see GeneratedSqlTest */
CREATE TYPE warden.action_row AS (
    pid integer,
    usename name,
    application_name text,
    datname name,
    client_addr inet,
    backend_start timestamptz,
    state text,
    age interval,
    action text,
    outcome text,
    query_preview text,
    blocked_count integer,
    waiting_pids integer[],
    policy text
);
/* END GENERATED action_row */

CREATE FUNCTION warden.cancel_long_running_json(
        threshold interval, escalate boolean, grace interval, dry_run boolean)
    RETURNS text LANGUAGE java VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS 'org.pgwarden.pljava.WardenFunctions.cancelLongRunning(java.lang.String,java.lang.Boolean,java.lang.String,java.lang.Boolean)';

CREATE FUNCTION warden.reap_idle_in_tx_json(
        threshold interval, dry_run boolean, only_blocking boolean)
    RETURNS text LANGUAGE java VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS 'org.pgwarden.pljava.WardenFunctions.reapIdleInTx(java.lang.String,java.lang.Boolean,java.lang.Boolean)';

CREATE FUNCTION warden.terminate_blockers_json(
        min_wait interval, grace interval, dry_run boolean)
    RETURNS text LANGUAGE java VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS 'org.pgwarden.pljava.WardenFunctions.terminateBlockers(java.lang.String,java.lang.String,java.lang.Boolean)';

CREATE FUNCTION warden.end_long_transactions_json(
        threshold interval, grace interval, dry_run boolean)
    RETURNS text LANGUAGE java VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS 'org.pgwarden.pljava.WardenFunctions.endLongTransactions(java.lang.String,java.lang.String,java.lang.Boolean)';

CREATE FUNCTION warden.enforce_json(dry_run boolean)
    RETURNS text LANGUAGE java VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS 'org.pgwarden.pljava.WardenFunctions.enforce(java.lang.Boolean)';

/*
 * Most scheduled runs find nothing to do, and every pg_cron run is a new session whose first
 * Java call starts a JVM (docs/benchmarks.md). So each function first asks plain SQL whether
 * anything could be selected (the generated regions below: the core's selection, written out
 * by the build's GeneratedSql), and starts Java only then. The question is wider than Java's: it ignores
 * filters, exemptions and privileges, and for blockers asks only whether any backend waits
 * for a lock (the roots Java looks for are found from those waits). Like Java it asks about
 * client backends only: a streaming walsender is always active since its
 * START_REPLICATION, and must not start a JVM in every scheduled run. Arguments Java would
 * refuse always go to Java, which raises 22023 for them: warden.interval_problem is the
 * core's own rule (org.pgwarden.IntervalRule). CASE decides in order: the comparison never
 * sees a refused interval, whose arithmetic could overflow. The cached pg_stat_activity of
 * the caller's transaction is cleared first, as the Java core does.
 */
CREATE FUNCTION warden.cancel_long_running(
        threshold interval,
        escalate boolean DEFAULT false,
        grace interval DEFAULT '5 seconds',
        dry_run boolean DEFAULT false)
    RETURNS SETOF warden.action_row LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS 'SELECT pg_catalog.pg_stat_clear_snapshot();
        SELECT * FROM pg_catalog.json_populate_recordset(NULL::warden.action_row,
            CASE WHEN escalate IS NULL OR dry_run IS NULL
                    OR warden.interval_problem(''threshold'', threshold) IS NOT NULL
                    OR warden.interval_problem(''grace'', grace) IS NOT NULL
                THEN warden.cancel_long_running_json(threshold, escalate, grace, dry_run)
                WHEN
/* BEGIN GENERATED long_running_due: do not edit, see GeneratedSqlTest */
                    EXISTS (
                        SELECT FROM pg_catalog.pg_stat_activity AS a
                        WHERE a.backend_type = ''client backend''
                          AND a.state = ''active''
                          AND a.query_start < pg_catalog.clock_timestamp()
                              - (extract(epoch FROM threshold)::float8 * interval ''1 second'')
                          AND a.pid <> pg_catalog.pg_backend_pid())
/* END GENERATED long_running_due */
                THEN warden.cancel_long_running_json(threshold, escalate, grace, dry_run)
                ELSE ''[]''
            END::pg_catalog.json)';

CREATE FUNCTION warden.reap_idle_in_tx(
        threshold interval,
        dry_run boolean DEFAULT false,
        only_blocking boolean DEFAULT false)
    RETURNS SETOF warden.action_row LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS 'SELECT pg_catalog.pg_stat_clear_snapshot();
        SELECT * FROM pg_catalog.json_populate_recordset(NULL::warden.action_row,
            CASE WHEN dry_run IS NULL OR only_blocking IS NULL
                    OR warden.interval_problem(''threshold'', threshold) IS NOT NULL
                THEN warden.reap_idle_in_tx_json(threshold, dry_run, only_blocking)
                WHEN
/* BEGIN GENERATED idle_in_tx_due: do not edit, see GeneratedSqlTest */
                    EXISTS (
                        SELECT FROM pg_catalog.pg_stat_activity AS a
                        WHERE a.backend_type = ''client backend''
                          AND a.state IN (''idle in transaction'', ''idle in transaction (aborted)'')
                          AND a.state_change < pg_catalog.clock_timestamp()
                              - (extract(epoch FROM threshold)::float8 * interval ''1 second'')
                          AND a.pid <> pg_catalog.pg_backend_pid())
/* END GENERATED idle_in_tx_due */
                THEN warden.reap_idle_in_tx_json(threshold, dry_run, only_blocking)
                ELSE ''[]''
            END::pg_catalog.json)';

CREATE FUNCTION warden.terminate_blockers(
        min_wait interval,
        grace interval DEFAULT '5 seconds',
        dry_run boolean DEFAULT false)
    RETURNS SETOF warden.action_row LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS 'SELECT pg_catalog.pg_stat_clear_snapshot();
        SELECT * FROM pg_catalog.json_populate_recordset(NULL::warden.action_row,
            CASE WHEN dry_run IS NULL
                    OR warden.interval_problem(''threshold'', min_wait) IS NOT NULL
                    OR warden.interval_problem(''grace'', grace) IS NOT NULL
                    OR
/* BEGIN GENERATED blockers_due: do not edit, see GeneratedSqlTest */
                    EXISTS (
                        SELECT FROM pg_catalog.pg_stat_activity AS a
                        WHERE a.wait_event_type = ''Lock'')
/* END GENERATED blockers_due */
                THEN warden.terminate_blockers_json(min_wait, grace, dry_run)
                ELSE ''[]''
            END::pg_catalog.json)';

CREATE FUNCTION warden.end_long_transactions(
        threshold interval,
        grace interval DEFAULT '5 seconds',
        dry_run boolean DEFAULT false)
    RETURNS SETOF warden.action_row LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS 'SELECT pg_catalog.pg_stat_clear_snapshot();
        SELECT * FROM pg_catalog.json_populate_recordset(NULL::warden.action_row,
            CASE WHEN dry_run IS NULL
                    OR warden.interval_problem(''threshold'', threshold) IS NOT NULL
                    OR warden.interval_problem(''grace'', grace) IS NOT NULL
                THEN warden.end_long_transactions_json(threshold, grace, dry_run)
                WHEN
/* BEGIN GENERATED long_transaction_due: do not edit, see GeneratedSqlTest */
                    EXISTS (
                        SELECT FROM pg_catalog.pg_stat_activity AS a
                        WHERE a.backend_type = ''client backend''
                          AND a.state IN (''active'', ''fastpath function call'', ''idle in transaction'', ''idle in transaction (aborted)'')
                          AND CASE WHEN a.state = ''idle in transaction (aborted)''
                               THEN coalesce(a.xact_start, a.query_start)
                               ELSE a.xact_start END < pg_catalog.clock_timestamp()
                              - (extract(epoch FROM threshold)::float8 * interval ''1 second'')
                          AND a.pid <> pg_catalog.pg_backend_pid())
/* END GENERATED long_transaction_due */
                THEN warden.end_long_transactions_json(threshold, grace, dry_run)
                ELSE ''[]''
            END::pg_catalog.json)';

/* The same for every enabled policy at once. A kind this release lacks and a threshold or
   grace it refuses go to Java, which refuses them naming the policy; so does a NULL
   dry_run. */
CREATE FUNCTION warden.enforce(dry_run boolean DEFAULT false)
    RETURNS SETOF warden.action_row LANGUAGE sql VOLATILE
    SET search_path = pg_catalog, pg_temp
    AS 'SELECT pg_catalog.pg_stat_clear_snapshot();
        SELECT * FROM pg_catalog.json_populate_recordset(NULL::warden.action_row,
            CASE WHEN dry_run IS NULL OR EXISTS (
                    SELECT FROM warden.policy AS p
                    WHERE p.enabled
                      AND (
/* BEGIN GENERATED enforce_unknown_kind: do not edit, see GeneratedSqlTest */
                       p.kind NOT IN (''blockers'', ''idle_in_tx'', ''long_running'', ''long_transaction'')
/* END GENERATED enforce_unknown_kind */
                           OR warden.interval_problem(''threshold'', p.threshold) IS NOT NULL
                           OR warden.interval_problem(''grace'', p.grace) IS NOT NULL))
                THEN warden.enforce_json(dry_run)
                WHEN
/* BEGIN GENERATED enforce_due: do not edit, see GeneratedSqlTest */
                    EXISTS (
                        SELECT FROM warden.policy AS p
                        JOIN pg_catalog.pg_stat_activity AS a ON CASE p.kind
                            WHEN ''blockers'' THEN a.wait_event_type = ''Lock''
                            WHEN ''idle_in_tx'' THEN a.backend_type = ''client backend''
                                  AND a.state IN (''idle in transaction'', ''idle in transaction (aborted)'')
                                  AND a.state_change < pg_catalog.clock_timestamp()
                                      - (extract(epoch FROM p.threshold)::float8 * interval ''1 second'')
                                  AND a.pid <> pg_catalog.pg_backend_pid()
                            WHEN ''long_running'' THEN a.backend_type = ''client backend''
                                  AND a.state = ''active''
                                  AND a.query_start < pg_catalog.clock_timestamp()
                                      - (extract(epoch FROM p.threshold)::float8 * interval ''1 second'')
                                  AND a.pid <> pg_catalog.pg_backend_pid()
                            WHEN ''long_transaction'' THEN a.backend_type = ''client backend''
                                  AND a.state IN (''active'', ''fastpath function call'', ''idle in transaction'', ''idle in transaction (aborted)'')
                                  AND CASE WHEN a.state = ''idle in transaction (aborted)''
                                       THEN coalesce(a.xact_start, a.query_start)
                                       ELSE a.xact_start END < pg_catalog.clock_timestamp()
                                      - (extract(epoch FROM p.threshold)::float8 * interval ''1 second'')
                                  AND a.pid <> pg_catalog.pg_backend_pid()
                        END
                        WHERE p.enabled)
/* END GENERATED enforce_due */
                THEN warden.enforce_json(dry_run)
                ELSE ''[]''
            END::pg_catalog.json)';

COMMENT ON FUNCTION warden.cancel_long_running(interval, boolean, interval, boolean) IS
'Cancels the query of every active client backend whose query started more than threshold
ago, waits up to grace (at most 10 minutes) for each to stop and, with escalate, terminates
those still running the same query. Never signals your own backend, non-client processes or
exempt sessions; a backend that moved on before the signal is reported gone; one you may
not signal is skipped. One row per target: action and outcome (cancelled, terminated, still
running, gone, skipped: not permitted, skipped: exempt (note), dry run). Every signal goes
to the server log and warden.action_log. Runs with your rights; needs warden_operator.
22023 for a threshold or grace that warden.interval_problem refuses (NULL, not greater than
zero or negative, a month or year part, mixed signs, over 3650 days or 10 minutes); 25006 in
a read-only transaction on a primary; 22023 naming statement_timeout when the waits may not
fit in it. Nothing is signalled before these checks.
One NOTIFY, after its audit rows, when it signalled or skipped a backend: on the channel
warden.notify_channel names (unset or empty: warden; off: none), never for a dry run nor on a
hot standby (no NOTIFY during recovery); a channel name over 63 bytes is refused (22023)
before any signal.';

COMMENT ON FUNCTION warden.reap_idle_in_tx(interval, boolean, boolean) IS
'Terminates every client backend idle in transaction (aborted or not) whose state has not
changed for more than threshold (with only_blocking, only those that block someone), then
waits for them together. A cancel does nothing to an idle session, so this terminates.
Never signals your own backend, non-client processes or exempt sessions; a backend that
moved on before the signal is reported gone; one you may not signal is skipped. One row per
target. Every signal goes to the server log and warden.action_log. Runs with your rights;
needs warden_operator. 22023 for a threshold that warden.interval_problem refuses; 25006 in
a read-only transaction on a primary; 22023 naming statement_timeout when the 5 second wait
for the terminated may not fit in it. Nothing is signalled before these checks.
One NOTIFY, after its audit rows, when it signalled or skipped a backend: on the channel
warden.notify_channel names (unset or empty: warden; off: none), never for a dry run nor on a
hot standby (no NOTIFY during recovery); a channel name over 63 bytes is refused (22023)
before any signal.';

COMMENT ON FUNCTION warden.end_long_transactions(interval, interval, boolean) IS
'Ends every client backend''s transaction that has been open longer than threshold
(xact_start), whatever the backend does in it, so that a leaked transaction a pool keeps busy
with short queries ends too: idle in transaction, terminated; idle in transaction (aborted),
which shows no xact_start and is measured from its failed statement, terminated; active or in a
fastpath function call (protocol FunctionCall, libpq PQfn), cancelled and, if still in the same
transaction after grace (a cancelled statement in a transaction block leaves the block aborted;
a cancelled single statement ends its transaction), terminated. threshold: interval greater
than zero; grace: interval, 0 to 10 minutes (default 5 seconds); dry_run: report, signal and
record nothing. Never signals your own backend, other pgwarden calls, non-client processes or
exempt sessions; a backend that left the transaction before a signal is reported gone or
cancelled; one you may not signal is skipped. One row per target: action and outcome
(cancelled, terminated, still running, gone, skipped: not permitted, skipped: exempt (note),
dry run). Every signal goes to the server log and warden.action_log. Runs with your rights;
needs warden_operator. 22023 for a threshold or grace that warden.interval_problem refuses or a
NULL dry_run; 25006 in a read-only transaction on a primary; 42501 without EXECUTE on
warden.record_actions; 22023 naming statement_timeout or transaction_timeout when the waits may
not fit in it. Nothing is signalled before these checks.
One NOTIFY, after its audit rows, when it signalled or skipped a backend: on the channel
warden.notify_channel names (unset or empty: warden; off: none), never for a dry run nor on a
hot standby (no NOTIFY during recovery); a channel name over 63 bytes is refused (22023)
before any signal.';

COMMENT ON FUNCTION warden.terminate_blockers(interval, interval, boolean) IS
'Resolves lock pile-ups at their root: finds the backends at the head of lock-wait chains
(pg_blocking_pids) behind which some session has waited longer than min_wait, and acts on
those roots only: an idle or idle-in-transaction root is terminated, an active root is
cancelled and, if it still blocks after grace, terminated. Waiters are never signalled. A
root that cannot or need not be signalled gets a row saying why (skipped: ...): a prepared
transaction (pid 0, state prepared; ROLLBACK PREPARED or COMMIT PREPARED ends it), a
non-client backend such as autovacuum, your own session, an exempt one, one you may not
signal, and one whose waiters would all stay blocked by such a root. Rows add blocked_count
and waiting_pids. Runs with your rights; needs warden_operator. 22023 for a min_wait or
grace that warden.interval_problem refuses; 25006 in a read-only transaction on a primary;
22023 naming statement_timeout when the waits may not fit in it. Nothing is signalled before
these checks.
One NOTIFY, after its audit rows, when it signalled or skipped a backend: on the channel
warden.notify_channel names (unset or empty: warden; off: none), never for a dry run nor on a
hot standby (no NOTIFY during recovery); a channel name over 63 bytes is refused (22023)
before any signal.';

COMMENT ON FUNCTION warden.enforce(boolean) IS
'Applies every enabled row of warden.policy in one call (blockers first, then idle_in_tx,
then long_running, then long_transaction; a backend acted on by one policy is left to it) and
returns all action rows with the policy name: the one call to schedule with pg_cron. A policy
in mode observe signals nothing: its would-be actions are dry run rows, recorded in
warden.action_log. Overlapping calls never act on the same backend twice: a call that finds
another running returns no rows and says so in a NOTICE and the server log. Runs with your
rights; needs warden_operator.
Before any signal: 22023 naming a policy whose threshold or grace warden.interval_problem
refuses or whose kind this release does not apply; 25006 in a read-only transaction on a
primary; 22023 naming statement_timeout when the policies'' waits may not fit in it; 2201B
for a query pattern of an exemption or enabled policy that does not compile or run; 55000
outside pgwarden''s home database.
One NOTIFY, after its audit rows, when it signalled or skipped a backend: on the channel
warden.notify_channel names (unset or empty: warden; off: none), never for a dry run nor on a
hot standby (no NOTIFY during recovery); a channel name over 63 bytes is refused (22023)
before any signal.';

COMMENT ON FUNCTION warden.cancel_long_running_json(interval, boolean, interval, boolean) IS
'Internal: the rows of warden.cancel_long_running as JSON, from the Java core.';
COMMENT ON FUNCTION warden.reap_idle_in_tx_json(interval, boolean, boolean) IS
'Internal: the rows of warden.reap_idle_in_tx as JSON, from the Java core.';
COMMENT ON FUNCTION warden.terminate_blockers_json(interval, interval, boolean) IS
'Internal: the rows of warden.terminate_blockers as JSON, from the Java core.';
COMMENT ON FUNCTION warden.end_long_transactions_json(interval, interval, boolean) IS
'Internal: the rows of warden.end_long_transactions as JSON, from the Java core.';
COMMENT ON FUNCTION warden.enforce_json(boolean) IS
'Internal: the rows of warden.enforce as JSON, from the Java core.';

REVOKE ALL ON FUNCTION warden.cancel_long_running_json(interval, boolean, interval, boolean)
    FROM PUBLIC;
REVOKE ALL ON FUNCTION warden.reap_idle_in_tx_json(interval, boolean, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION warden.terminate_blockers_json(interval, interval, boolean)
    FROM PUBLIC;
REVOKE ALL ON FUNCTION warden.end_long_transactions_json(interval, interval, boolean)
    FROM PUBLIC;
REVOKE ALL ON FUNCTION warden.enforce_json(boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION warden.cancel_long_running(interval, boolean, interval, boolean)
    FROM PUBLIC;
REVOKE ALL ON FUNCTION warden.reap_idle_in_tx(interval, boolean, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION warden.terminate_blockers(interval, interval, boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION warden.end_long_transactions(interval, interval, boolean)
    FROM PUBLIC;
REVOKE ALL ON FUNCTION warden.enforce(boolean) FROM PUBLIC;

GRANT EXECUTE ON FUNCTION warden.cancel_long_running_json(interval, boolean, interval, boolean)
    TO warden_operator;
GRANT EXECUTE ON FUNCTION warden.reap_idle_in_tx_json(interval, boolean, boolean)
    TO warden_operator;
GRANT EXECUTE ON FUNCTION warden.terminate_blockers_json(interval, interval, boolean)
    TO warden_operator;
GRANT EXECUTE ON FUNCTION warden.end_long_transactions_json(interval, interval, boolean)
    TO warden_operator;
GRANT EXECUTE ON FUNCTION warden.enforce_json(boolean) TO warden_operator;
GRANT EXECUTE ON FUNCTION warden.cancel_long_running(interval, boolean, interval, boolean)
    TO warden_operator;
GRANT EXECUTE ON FUNCTION warden.reap_idle_in_tx(interval, boolean, boolean)
    TO warden_operator;
GRANT EXECUTE ON FUNCTION warden.terminate_blockers(interval, interval, boolean)
    TO warden_operator;
GRANT EXECUTE ON FUNCTION warden.end_long_transactions(interval, interval, boolean)
    TO warden_operator;
GRANT EXECUTE ON FUNCTION warden.enforce(boolean) TO warden_operator;
