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

DO 'BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ''warden_operator'') THEN
        CREATE ROLE warden_operator NOLOGIN;
    END IF;
END';

/* One home database per cluster (org.pgwarden.Home, from which this block is generated,
   and which checks every call): refused in another database while the home exists, else
   claimed for this one on the cluster-wide role. Run this file in one transaction that stops at the first
   error (psql -v ON_ERROR_STOP=1 -1 -f), as the deployment descriptor always is. */
/* BEGIN GENERATED home_claim: do not edit, see GeneratedSqlTest */
DO 'DECLARE
    home text := (SELECT pg_catalog.quote_ident(d.datname)
     FROM pg_catalog.pg_roles AS r, pg_catalog.pg_database AS d
     WHERE r.rolname = ''warden_operator''
       AND pg_catalog.shobj_description(r.oid, ''pg_authid'') = ''pgwarden home database: '' || d.oid
       AND d.datname <> pg_catalog.current_database());
BEGIN
    IF home IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = ''55000'',
            MESSAGE = ''pgwarden is already installed in database '' || home
                || '' of this cluster'',
            DETAIL = ''pg_stat_activity spans the whole cluster: the exemptions, policies and audit log of that database govern every session, and pgwarden is called there only.'',
            HINT = ''Install it there only, or uninstall it there first.'';
    END IF;
    EXECUTE pg_catalog.format(''COMMENT ON ROLE warden_operator IS %L'',
        ''pgwarden home database: '' || (SELECT d.oid FROM pg_catalog.pg_database AS d
                     WHERE d.datname = pg_catalog.current_database()));
END';
/* END GENERATED home_claim */

CREATE SCHEMA IF NOT EXISTS warden;
COMMENT ON SCHEMA warden IS 'pgwarden: cancel and terminate problem backends safely';
GRANT pg_signal_backend, pg_read_all_stats TO warden_operator;
GRANT USAGE ON SCHEMA warden TO warden_operator;

/* Backup and high-availability tools name themselves in application_name, which any client
   may set: the default exemptions also ask that the session's role be a member of this role,
   which the operator grants to the roles those tools log in as. */
DO 'BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = ''warden_exempt_tools'') THEN
        CREATE ROLE warden_exempt_tools NOLOGIN;
    END IF;
END';
COMMENT ON ROLE warden_exempt_tools IS
'pgwarden: grant it to the roles your backup and HA tools log in as; the default exemptions
protect a tool''s session only when its role is a member of this role.';

/* The one reading of every interval pgwarden takes: NULL when acceptable, else what the
   value must be. Generated from org.pgwarden.IntervalRule, which the core runs too. */
/* BEGIN GENERATED interval_problem: do not edit, see GeneratedSqlTest */
CREATE OR REPLACE FUNCTION warden.interval_problem(use text, v interval)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS 'SELECT CASE
    WHEN v IS NULL THEN ''must be an interval''
    WHEN extract(epoch FROM v)::float8 IN (''Infinity'', ''-Infinity'')
        THEN ''must be finite''
    WHEN extract(year FROM v) <> 0 OR extract(month FROM v) <> 0
        THEN ''must not have a month or year part (they have no fixed length: write days)''
    WHEN sign(extract(day FROM v))
            * sign(extract(epoch FROM v) - 86400 * extract(day FROM v)) < 0
        THEN ''must not mix positive and negative parts''
    WHEN use = ''threshold'' AND extract(epoch FROM v) <= 0
        THEN ''must be greater than zero''
    WHEN use = ''threshold'' AND extract(epoch FROM v) > 315360000
        THEN ''must be at most 3650 days''
    WHEN use = ''grace'' AND extract(epoch FROM v) < 0
        THEN ''must not be negative''
    WHEN use = ''grace'' AND extract(epoch FROM v) > 600
        THEN ''must be at most 10 minutes''
END';
/* END GENERATED interval_problem */
COMMENT ON FUNCTION warden.interval_problem(text, interval) IS
'pgwarden''s rule for thresholds (use ''threshold'') and grace periods (use ''grace''): NULL
if v is acceptable, else what it must be. An interval is a fixed length: days count as 24
hours; month and year parts, mixed signs and infinity are refused.';

/* Created with its default rows only once, so that an upgrade keeps what the operator
   added, changed or deleted. A default row's pattern is the tool's name with its _ made
   literal (chr(92) is the backslash, which this file must not contain), then anything. */
DO 'BEGIN
    IF to_regclass(''warden.exemption'') IS NULL THEN
        CREATE TABLE warden.exemption (
            name text PRIMARY KEY,
            usename text,
            usename_like text,
            application_name text,
            application_name_like text,
            datname text,
            datname_like text,
            member_of name,
            client_addr cidr,
            note text NOT NULL,
            created_at timestamptz NOT NULL DEFAULT now(),
            created_by name NOT NULL DEFAULT current_user,
            CONSTRAINT exemption_matches_something CHECK (num_nonnulls(usename, usename_like,
                application_name, application_name_like, datname, datname_like, member_of,
                client_addr) > 0)
        );
        INSERT INTO warden.exemption (name, application_name_like, member_of, note)
        SELECT d.name, replace(d.tool, ''_'', chr(92) || ''_'') || ''%'',
               ''warden_exempt_tools'', d.note
        FROM (VALUES
            (''pg_dump'', ''pg_dump'', ''backup: pg_dump''),
            (''pg_dumpall'', ''pg_dumpall'', ''backup: pg_dumpall''),
            (''pg_basebackup'', ''pg_basebackup'', ''backup: pg_basebackup''),
            (''pgbackrest'', ''pgbackrest'', ''backup: pgBackRest''),
            (''barman'', ''barman'', ''backup: Barman''),
            (''pg_restore'', ''pg_restore'', ''restore: pg_restore''),
            (''pg_repack'', ''pg_repack'',
             ''pg_repack: stopped mid-run it leaves its triggers and log tables behind''),
            (''pg_recvlogical'', ''pg_recvlogical'', ''replication: pg_recvlogical''),
            (''pg_receivewal'', ''pg_receivewal'', ''WAL archiving: pg_receivewal''),
            (''patroni'', ''Patroni'', ''high availability: Patroni'')
        ) AS d (name, tool, note);
    END IF;
END';
COMMENT ON TABLE warden.exemption IS
'Sessions pgwarden never signals. A row matches a session when every non-NULL match column
matches: usename, application_name and datname exactly (=); usename_like,
application_name_like and datname_like as LIKE patterns (a backslash makes the next
character literal); member_of when the session''s role is a member of that role (a superuser
is a member of every role; a role dropped later matches nothing); client_addr as a network
that holds the client address; query as a POSIX regular expression (~) found in the text
of the statement an active backend runs. A row must match on something. An exempt session
shows as skipped: exempt (note), with "; application_name chosen by the client" (or
datname, or query, several joined by and) when nothing but what the client chose
(application_name, datname, query) matched.';
GRANT SELECT ON warden.exemption TO warden_operator;

CREATE TABLE IF NOT EXISTS warden.policy (
    name text PRIMARY KEY,
    kind text NOT NULL,
    threshold interval NOT NULL,
    escalate boolean NOT NULL DEFAULT false,
    grace interval NOT NULL DEFAULT '5 seconds',
    usename text,
    application_name text,
    datname text,
    enabled boolean NOT NULL DEFAULT true,
    note text
);
COMMENT ON TABLE warden.policy IS
'What warden.enforce() applies. kind idle_in_tx: reap_idle_in_tx(threshold); long_running:
cancel_long_running(threshold, escalate, grace); blockers: terminate_blockers(threshold as
min_wait, grace); long_transaction: end_long_transactions(threshold, grace), escalate unused.
Applied blockers first, then idle_in_tx, long_running, long_transaction. Only to the sessions its match columns select, as for warden.exemption:
usename, application_name, datname exactly; usename_like, application_name_like,
datname_like as LIKE patterns; member_of a role (NULL matches any; no filter, every
session).';
GRANT SELECT ON warden.policy TO warden_operator;

/* The kinds of org.pgwarden.PolicyKind, added again on every install: earlier releases'
   CHECK lacks long_transaction, and is replaced while the rows stay. */
/* BEGIN GENERATED policy_kind_check: do not edit, see GeneratedSqlTest */
DO 'DECLARE
    bad text;
BEGIN
    SELECT pg_catalog.string_agg(pg_catalog.to_json(p.name)::text || '' (kind ''
                                 || pg_catalog.to_json(p.kind)::text || '')'',
                                 '', '' ORDER BY p.name)
      INTO bad
      FROM warden.policy AS p
     WHERE p.kind NOT IN (''blockers'', ''idle_in_tx'', ''long_running'', ''long_transaction'');
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = ''23514'',
            MESSAGE = ''warden.policy has rows whose kind this release does not''
                || '' know: '' || bad,
            HINT = ''Update or delete those rows, then install again.'';
    END IF;
END';
ALTER TABLE warden.policy DROP CONSTRAINT IF EXISTS policy_kind_check;
ALTER TABLE warden.policy ADD CONSTRAINT policy_kind_check
    CHECK (kind IN ('blockers', 'idle_in_tx', 'long_running', 'long_transaction'));
/* END GENERATED policy_kind_check */

/* Earlier releases checked the intervals with CHECKs of another reading (a month as 30
   days): the trigger below replaces them. Rows they let in stay, and enforce() refuses to
   run, naming the policy, until they are fixed. */
ALTER TABLE warden.policy DROP CONSTRAINT IF EXISTS policy_threshold_check;
ALTER TABLE warden.policy DROP CONSTRAINT IF EXISTS policy_grace_check;
CREATE OR REPLACE FUNCTION warden.check_policy_intervals()
    RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS '
DECLARE
    problem text;
BEGIN
    problem := warden.interval_problem(''threshold'', NEW.threshold);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = ''22023'',
            MESSAGE = format(''invalid value for column "threshold" of policy "%s": %s'',
                NEW.name, coalesce(''"'' || NEW.threshold || ''"'', ''NULL'')),
            DETAIL = format(''The value of "threshold" %s.'', problem);
    END IF;
    problem := warden.interval_problem(''grace'', NEW.grace);
    IF problem IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = ''22023'',
            MESSAGE = format(''invalid value for column "grace" of policy "%s": %s'',
                NEW.name, coalesce(''"'' || NEW.grace || ''"'', ''NULL'')),
            DETAIL = format(''The value of "grace" %s.'', problem);
    END IF;
    RETURN NEW;
END';
DROP TRIGGER IF EXISTS check_intervals ON warden.policy;
CREATE TRIGGER check_intervals BEFORE INSERT OR UPDATE ON warden.policy
    FOR EACH ROW EXECUTE FUNCTION warden.check_policy_intervals();

/*
 * The match columns of both tables. Releases before this one matched usename,
 * application_name and datname as LIKE patterns. An upgrade keeps what each row protects or
 * selects: a value holding a LIKE metacharacter (%, _ or the backslash, chr(92)) moves to
 * the column of the same name ending in _like and keeps its meaning there; any other value
 * matches under = exactly what it matched under LIKE. An exemption row without any match
 * column protected every session: it gets the pattern % in application_name_like, which
 * still does, and says so. It runs once per table: application_name_like marks the new
 * language. A new policy table, created above with the old columns, goes through it empty.
 */
DO 'BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute
                   WHERE attrelid = ''warden.exemption''::regclass
                     AND attname = ''application_name_like'' AND NOT attisdropped) THEN
        ALTER TABLE warden.exemption
            ADD COLUMN usename_like text, ADD COLUMN application_name_like text,
            ADD COLUMN datname_like text, ADD COLUMN member_of name;
        UPDATE warden.exemption SET application_name_like = ''%''
            WHERE num_nonnulls(usename, application_name, datname, client_addr) = 0;
        UPDATE warden.exemption SET usename_like = usename, usename = NULL
            WHERE translate(usename, ''%_'' || chr(92), '''') <> usename;
        UPDATE warden.exemption
            SET application_name_like = application_name, application_name = NULL
            WHERE translate(application_name, ''%_'' || chr(92), '''') <> application_name;
        UPDATE warden.exemption SET datname_like = datname, datname = NULL
            WHERE translate(datname, ''%_'' || chr(92), '''') <> datname;
        ALTER TABLE warden.exemption ADD CONSTRAINT exemption_matches_something
            CHECK (num_nonnulls(usename, usename_like, application_name, application_name_like,
                datname, datname_like, member_of, client_addr) > 0);
    END IF;
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute
                   WHERE attrelid = ''warden.policy''::regclass
                     AND attname = ''application_name_like'' AND NOT attisdropped) THEN
        ALTER TABLE warden.policy
            ADD COLUMN usename_like text, ADD COLUMN application_name_like text,
            ADD COLUMN datname_like text, ADD COLUMN member_of name;
        UPDATE warden.policy SET usename_like = usename, usename = NULL
            WHERE translate(usename, ''%_'' || chr(92), '''') <> usename;
        UPDATE warden.policy
            SET application_name_like = application_name, application_name = NULL
            WHERE translate(application_name, ''%_'' || chr(92), '''') <> application_name;
        UPDATE warden.policy SET datname_like = datname, datname = NULL
            WHERE translate(datname, ''%_'' || chr(92), '''') <> datname;
    END IF;
END';

/* What no CHECK can see: that member_of names a role, and that a pattern does not end in
   the escape character, which would make LIKE fail for every session and so every call.
   Only a member_of being written is checked: a row whose role was dropped since must stay
   open to other changes (disabling the policy, say). */
CREATE OR REPLACE FUNCTION warden.check_match_columns()
    RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS '
DECLARE
    m record;
    written name;
    reason text;
BEGIN
    IF TG_OP = ''INSERT'' THEN
        written := NEW.member_of;
    ELSIF NEW.member_of IS DISTINCT FROM OLD.member_of THEN
        written := NEW.member_of;
    END IF;
    IF written IS NOT NULL
            AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = written) THEN
        RAISE EXCEPTION USING ERRCODE = ''42704'',
            MESSAGE = format(''invalid value for column "member_of": "%s"'', NEW.member_of),
            DETAIL = format(''Role "%s" does not exist.'', NEW.member_of),
            HINT = ''Create the role first; a session matches when its role is a member of it.'';
    END IF;
    FOR m IN SELECT * FROM (VALUES (''usename_like'', NEW.usename_like),
                                   (''application_name_like'', NEW.application_name_like),
                                   (''datname_like'', NEW.datname_like)) AS p (col, pattern)
             WHERE mod(length(pattern) - length(rtrim(pattern, chr(92))), 2) = 1 LOOP
        RAISE EXCEPTION USING ERRCODE = ''22025'',
            MESSAGE = format(''invalid value for column "%s": "%s"'', m.col, m.pattern),
            DETAIL = ''A LIKE pattern must not end with the escape character (backslash).'';
    END LOOP;
    IF NEW.query IS NOT NULL AND (TG_OP = ''INSERT'' OR NEW.query IS DISTINCT FROM OLD.query)
    THEN
        BEGIN
            PERFORM '''' ~ NEW.query;
        EXCEPTION WHEN invalid_regular_expression THEN
            GET STACKED DIAGNOSTICS reason = MESSAGE_TEXT;
            RAISE EXCEPTION USING ERRCODE = ''2201B'',
                MESSAGE = format(''invalid value for column "query": "%s"'', NEW.query),
                DETAIL = format(''PostgreSQL cannot compile it: %s.'', reason);
        END;
    END IF;
    IF TG_TABLE_NAME = ''exemption'' THEN
        IF num_nonnulls(NEW.usename, NEW.usename_like, NEW.application_name,
                NEW.application_name_like, NEW.datname, NEW.datname_like, NEW.member_of,
                NEW.client_addr, NEW.query) = 0 THEN
            RAISE EXCEPTION USING ERRCODE = ''23514'',
                MESSAGE = format(''exemption "%s" matches every session'', NEW.name),
                DETAIL = ''Every match column is NULL.'',
                HINT = ''Say which sessions it protects (usename, member_of, client_addr, ...);''
                    || '' to protect every session, say so: application_name_like = ''''%''''.'';
        END IF;
    END IF;
    RETURN NEW;
END';
COMMENT ON FUNCTION warden.check_match_columns() IS
'Trigger of warden.exemption and warden.policy: 42704 for a member_of role that does not
exist, 22025 for a LIKE pattern ending in the escape character, 2201B for a query pattern
that is no valid regular expression, 23514 for an exemption with no match column.';
REVOKE ALL ON FUNCTION warden.check_match_columns() FROM PUBLIC;
DROP TRIGGER IF EXISTS check_match_columns ON warden.exemption;
CREATE TRIGGER check_match_columns BEFORE INSERT OR UPDATE ON warden.exemption
    FOR EACH ROW EXECUTE FUNCTION warden.check_match_columns();
DROP TRIGGER IF EXISTS check_match_columns ON warden.policy;
CREATE TRIGGER check_match_columns BEFORE INSERT OR UPDATE ON warden.policy
    FOR EACH ROW EXECUTE FUNCTION warden.check_match_columns();

/*
 * Query patterns (both tables) and observe mode (policies). query is a POSIX regular
 * expression that the ~ operator finds in pg_stat_activity.query of a backend in state
 * active: the whole string the client sent, cut at track_activity_query_size. The text
 * of an idle session is its last statement, which it no longer runs (SessionMatch).
 * A policy in mode observe signals nothing: enforce() records its would-be actions as dry
 * runs.
 */
ALTER TABLE warden.policy ADD COLUMN IF NOT EXISTS query text;
ALTER TABLE warden.policy ADD COLUMN IF NOT EXISTS mode text NOT NULL DEFAULT 'enforce';
/* The modes of org.pgwarden.PolicyMode, added again on every install, like the kinds:
   enforce() refuses a mode it does not know, and an install fails on such a row rather than
   keep it. */
/* BEGIN GENERATED policy_mode_check: do not edit, see GeneratedSqlTest */
DO 'DECLARE
    bad text;
BEGIN
    SELECT pg_catalog.string_agg(pg_catalog.to_json(p.name)::text || '' (mode ''
                                 || pg_catalog.to_json(p.mode)::text || '')'',
                                 '', '' ORDER BY p.name)
      INTO bad
      FROM warden.policy AS p
     WHERE p.mode NOT IN (''enforce'', ''observe'');
    IF bad IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = ''23514'',
            MESSAGE = ''warden.policy has rows whose mode this release does not''
                || '' know: '' || bad,
            HINT = ''Update or delete those rows, then install again.'';
    END IF;
END';
ALTER TABLE warden.policy DROP CONSTRAINT IF EXISTS policy_mode_check;
ALTER TABLE warden.policy ADD CONSTRAINT policy_mode_check
    CHECK (mode IN ('enforce', 'observe'));
/* END GENERATED policy_mode_check */
COMMENT ON COLUMN warden.policy.query IS
'A POSIX regular expression (the ~ operator; (?i) at its start ignores case) that the text
of the statement the backend runs must contain a match for; NULL matches any. The text is
pg_stat_activity.query in state active: the whole string the client sent, cut at
track_activity_query_size bytes. An idle or idle in transaction session runs none (its text
is its last statement), so a policy of kind idle_in_tx with a query matches no session. A
text that warden.concurrent_index_builds() matches counts only while
pg_stat_progress_create_index reports that concurrent build for the backend.';
COMMENT ON COLUMN warden.policy.mode IS
'enforce: signal. observe: signal nothing; enforce() returns the would-be actions as dry
run rows and records them in warden.action_log with the policy''s name, and leaves the
backends to the other policies.';

/* The one exemption that rests on the query text: a CREATE INDEX CONCURRENTLY or REINDEX
   CONCURRENTLY cancelled midway leaves an invalid index behind, which must be dropped or
   rebuilt by hand. Anchored at the start of the text: PostgreSQL runs neither inside a
   transaction block, and so refuses either in a string of several statements, whose
   text could otherwise begin with one and go on with anything. Text before the statement,
   a comment included, does not match. A text it matches counts, for any row, only while
   pg_stat_progress_create_index reports such a build for that backend: a client in a
   transaction block can leave the text without running it (a Parse message, a statement
   failed in a savepoint) while it holds its locks (org.pgwarden.SessionMatch). */
CREATE OR REPLACE FUNCTION warden.concurrent_index_builds()
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
    SET search_path = pg_catalog, pg_temp
    AS 'SELECT ''(?i)^[[:space:]]*(create[[:space:]]+(unique[[:space:]]+)?index[[:space:]]+''
    || ''concurrently|reindex([[:space:]]*[(][^)]*[)][[:space:]]*|[[:space:]]+)''
    || ''(index|table|schema|database|system)[[:space:]]+concurrently)([^[:alnum:]_]|$)''';
COMMENT ON FUNCTION warden.concurrent_index_builds() IS
'The query pattern of the default exemption concurrent_index_builds, as installed: CREATE
[UNIQUE] INDEX CONCURRENTLY and REINDEX [(options)] INDEX|TABLE|SCHEMA|DATABASE|SYSTEM
CONCURRENTLY at the start of the query text (white space before it allowed), any case. A
text it matches satisfies a query pattern (of any exemption or policy) only while
pg_stat_progress_create_index reports that concurrent build for the backend.';

/* Seeded once, when the column comes (a new install or an upgrade): a row the operator
   deleted stays deleted. */
DO 'BEGIN
    IF NOT EXISTS (SELECT FROM pg_catalog.pg_attribute
                   WHERE attrelid = ''warden.exemption''::regclass
                     AND attname = ''query'' AND NOT attisdropped) THEN
        ALTER TABLE warden.exemption ADD COLUMN query text;
        ALTER TABLE warden.exemption DROP CONSTRAINT IF EXISTS exemption_matches_something;
        ALTER TABLE warden.exemption ADD CONSTRAINT exemption_matches_something
            CHECK (num_nonnulls(usename, usename_like, application_name, application_name_like,
                datname, datname_like, member_of, client_addr, query) > 0);
        INSERT INTO warden.exemption (name, query, note)
        VALUES (''concurrent_index_builds'', warden.concurrent_index_builds(),
                ''CREATE INDEX CONCURRENTLY and REINDEX CONCURRENTLY: cancelled midway they''
                || '' leave an invalid index behind'')
        ON CONFLICT (name) DO NOTHING;
    END IF;
END';
COMMENT ON COLUMN warden.exemption.query IS
'A POSIX regular expression (the ~ operator; (?i) at its start ignores case) that the text
of the statement the backend runs (pg_stat_activity.query in state active) must contain a
match for; NULL matches any. An idle or idle in transaction session runs none. The client
chooses that text: a row that matches on nothing but it, application_name and datname is
one any client can claim by running such a statement. A text that
warden.concurrent_index_builds() matches counts only while pg_stat_progress_create_index
reports that concurrent build for the backend.';

/* What an install or upgrade should tell: a role named in member_of and dropped since has no
   members, so its row matches nothing; an exemption that protects every session; and the
   exemptions any client can claim (on an upgrade, the old default rows among them). The
   default concurrent_index_builds row, while its pattern is the one installed, is left
   out: a client claims it only by running a concurrent index build, what it protects
   (its text counts only while the server reports the build), where a name claims
   protection for anything. Generated: which exemptions any client can claim is
   org.pgwarden.SessionMatch's rule, which the report and the functions use too. */
/* BEGIN GENERATED exemption_warnings: do not edit, see GeneratedSqlTest */
DO 'DECLARE
    r record;
    names text;
BEGIN
    FOR r IN SELECT ''exemption'' AS kind, e.name, e.member_of FROM warden.exemption AS e
             UNION ALL
             SELECT ''policy'', p.name, p.member_of FROM warden.policy AS p LOOP
        IF r.member_of IS NOT NULL
                AND NOT EXISTS (SELECT FROM pg_catalog.pg_roles WHERE rolname = r.member_of) THEN
            RAISE WARNING USING
                MESSAGE = format(''%s "%s" matches no session: role "%s" in member_of does not''
                    || '' exist'', r.kind, r.name, r.member_of);
        END IF;
    END LOOP;
    FOR r IN SELECT e.name FROM warden.exemption AS e
             WHERE e.application_name_like = ''%'' AND num_nonnulls(e.usename, e.usename_like,
                 e.application_name, e.datname, e.datname_like, e.member_of, e.client_addr) = 0
    LOOP
        RAISE WARNING USING
            MESSAGE = format(''exemption "%s" protects every session'', r.name);
    END LOOP;
    SELECT string_agg(e.name, '', '' ORDER BY e.name) INTO names FROM warden.exemption AS e
    WHERE (e.usename IS NULL AND e.usename_like IS NULL AND e.member_of IS NULL
            AND e.client_addr IS NULL)
      AND NOT (e.query IS NOT DISTINCT FROM warden.concurrent_index_builds()
               AND num_nonnulls(e.application_name, e.application_name_like, e.datname,
                   e.datname_like) = 0);
    IF names IS NOT NULL THEN
        RAISE WARNING USING
            MESSAGE = format(''exemptions that any client can claim: %s'', names),
            DETAIL = ''They match only what the client chose (application_name, datname,''
                || '' query).'',
            HINT = ''Add member_of, usename or client_addr; the defaults take member_of =''
                || '' warden_exempt_tools, a role to grant to the roles of your tools.'';
    END IF;
END';
/* END GENERATED exemption_warnings */

/* What enforce() locks so that two runs never act at once (org.pgwarden.EnforceLock): one
   row that only operators may lock (FOR UPDATE needs UPDATE), where an advisory lock could
   be taken by any role and stop every run. */
CREATE TABLE IF NOT EXISTS warden.enforce_lock (
    one boolean PRIMARY KEY DEFAULT true CHECK (one)
);
INSERT INTO warden.enforce_lock DEFAULT VALUES ON CONFLICT DO NOTHING;
COMMENT ON TABLE warden.enforce_lock IS
'One row: enforce() holds it FOR UPDATE while it applies the policies.';
REVOKE ALL ON warden.enforce_lock FROM PUBLIC;
GRANT SELECT, UPDATE ON warden.enforce_lock TO warden_operator;

/* The audit table: the server's columns, the run's, and one for each column of
   warden.action_row, generated from their one definition in the core (ActionRow.Column,
   AuditLog.RunColumn) like warden.record_actions below and the row types in functions.sql;
   a table an earlier release created gains the columns it lacks (state, say). The build
   leaves the marker lines out of the deployment descriptor, whose parser knows no --. */
/* BEGIN GENERATED action_log: do not edit, see GeneratedSqlTest */
CREATE TABLE IF NOT EXISTS warden.action_log (
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    logged_at timestamptz NOT NULL DEFAULT clock_timestamp(),
    caller name NOT NULL DEFAULT current_user,
    run_id uuid NOT NULL,
    function text NOT NULL,
    pid integer NOT NULL,
    usename name,
    application_name text,
    datname name,
    client_addr inet,
    backend_start timestamptz,
    state text,
    age interval,
    action text NOT NULL,
    outcome text NOT NULL,
    query_preview text,
    blocked_count integer,
    waiting_pids integer[],
    policy text
);
DO 'DECLARE
    c record;
BEGIN
    FOR c IN SELECT n.name, n.type
             FROM (VALUES (''run_id'', ''uuid''), (''function'', ''text''), (''pid'', ''integer''),
                   (''usename'', ''name''), (''application_name'', ''text''),
                   (''datname'', ''name''), (''client_addr'', ''inet''),
                   (''backend_start'', ''timestamptz''), (''state'', ''text''),
                   (''age'', ''interval''), (''action'', ''text''), (''outcome'', ''text''),
                   (''query_preview'', ''text''), (''blocked_count'', ''integer''),
                   (''waiting_pids'', ''integer[]''), (''policy'', ''text'')) AS n (name, type)
             WHERE n.name NOT IN (SELECT a.attname::text
                                  FROM pg_catalog.pg_attribute AS a
                                  WHERE a.attrelid = ''warden.action_log''::regclass
                                    AND NOT a.attisdropped) LOOP
        EXECUTE pg_catalog.format(
            ''ALTER TABLE warden.action_log ADD COLUMN %I %s'', c.name, c.type);
    END LOOP;
END';
/* END GENERATED action_log */
CREATE INDEX IF NOT EXISTS action_log_logged_at ON warden.action_log (logged_at);
COMMENT ON TABLE warden.action_log IS
'One row per signal and per skip, written in the caller''s transaction; run_id is shared by
the rows of one call. The server log line stays the record of last resort.';
GRANT SELECT ON warden.action_log TO warden_operator;
/* Earlier releases let operators INSERT: now only the writer below does. */
REVOKE INSERT ON warden.action_log FROM warden_operator;

/* The one way an operator writes the audit log: pgwarden's functions call it with their
   rows, and the server, not the writer, sets id, logged_at and caller. caller is the role
   the caller acts as: the SET ROLE role, else the session user (inside this SECURITY
   DEFINER function current_user is its owner). */
/* BEGIN GENERATED record_actions: do not edit, see GeneratedSqlTest */
CREATE OR REPLACE FUNCTION warden.record_actions(entries json)
    RETURNS void LANGUAGE sql VOLATILE SECURITY DEFINER
    SET search_path = pg_catalog, pg_temp
    AS '
INSERT INTO warden.action_log (caller, run_id, function, pid, usename, application_name, datname,
    client_addr, backend_start, state, age, action, outcome, query_preview, blocked_count,
    waiting_pids, policy)
SELECT CASE WHEN current_setting(''role'') = ''none'' THEN session_user
            ELSE current_setting(''role'')::name END,
       e.run_id, e.function, e.pid, e.usename, e.application_name, e.datname, e.client_addr,
       e.backend_start, e.state, e.age, e.action, e.outcome, e.query_preview, e.blocked_count,
       e.waiting_pids, e.policy
FROM json_to_recordset(entries) AS e (run_id uuid, function text, pid integer, usename name,
    application_name text, datname name, client_addr inet, backend_start timestamptz, state text,
    age interval, action text, outcome text, query_preview text, blocked_count integer,
    waiting_pids integer[], policy text)';
/* END GENERATED record_actions */
COMMENT ON FUNCTION warden.record_actions(json) IS
'Internal: writes pgwarden''s audit rows (a JSON array of warden.action_log columns but id,
logged_at and caller, which the server sets). Called by every pgwarden function that signals;
the only way a non-owner writes warden.action_log.';
REVOKE ALL ON FUNCTION warden.record_actions(json) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION warden.record_actions(json) TO warden_operator;

/* Whoever inserts, even with OVERRIDING SYSTEM VALUE, the id comes from the sequence, so no
   row can take an id a later row needs. */
REVOKE USAGE ON SEQUENCE warden.action_log_id_seq FROM warden_operator;
CREATE OR REPLACE FUNCTION warden.stamp_action()
    RETURNS trigger LANGUAGE plpgsql
    SET search_path = pg_catalog, pg_temp
    AS '
BEGIN
    NEW.id := nextval(''warden.action_log_id_seq'');
    RETURN NEW;
END';
DROP TRIGGER IF EXISTS stamp ON warden.action_log;
CREATE TRIGGER stamp BEFORE INSERT ON warden.action_log
    FOR EACH ROW EXECUTE FUNCTION warden.stamp_action();
/* Ids an earlier release let an operator choose: the sequence moves past them. */
SELECT pg_catalog.setval('warden.action_log_id_seq', max(id))
FROM warden.action_log
HAVING max(id) > coalesce(pg_catalog.pg_sequence_last_value('warden.action_log_id_seq'), 0);

/* What a dashboard or postgres_exporter (docs/postgres_exporter-queries.yaml) reads: per
   function, policy, action and outcome, the audit rows of the last hour and of the last day
   and the newest one's time. Only the last day is read, a range of the index on logged_at,
   so a scrape costs the same however long the log: a group without a row for a day leaves
   the view. outcome is the label without its detail (an exemption's note, a gid, pids), so
   that a metric's labels stay few. An operator may write any text into a row through
   warden.record_actions: a label is a value pgwarden writes (the CASEs are generated from
   org.pgwarden.Outcome and Action by ActionSummaryView, a test source) or a policy that
   exists, else other, so that no label names a session or grows without bound. */
/* BEGIN GENERATED action_summary: do not edit, see GeneratedSqlTest */
CREATE OR REPLACE VIEW warden.action_summary AS
SELECT CASE
           WHEN a.function IN ('reap_idle_in_tx', 'cancel_long_running', 'terminate_blockers',
               'end_long_transactions')
               THEN a.function
           ELSE 'other'
       END AS function,
       CASE
           WHEN a.policy IS NULL
                OR EXISTS (SELECT FROM warden.policy AS p WHERE p.name = a.policy)
               THEN a.policy
           ELSE 'other'
       END AS policy,
       CASE
           WHEN a.action IN ('cancel', 'terminate', 'none')
               THEN a.action
           ELSE 'other'
       END AS action,
       CASE
           WHEN a.outcome IN ('cancelled', 'terminated', 'still running', 'gone',
               'skipped: not permitted', 'skipped: exempt', 'dry run',
               'skipped: prepared transaction', 'skipped: the waiters stay blocked',
               'skipped: not a client backend', 'skipped: your own session', 'skipped: state')
               THEN a.outcome
           WHEN pg_catalog.starts_with(a.outcome, 'skipped: exempt (')
               THEN 'skipped: exempt'
           WHEN pg_catalog.starts_with(a.outcome, 'skipped: prepared transaction ')
               THEN 'skipped: prepared transaction'
           WHEN pg_catalog.starts_with(a.outcome, 'skipped: the waiters stay blocked by ')
               THEN 'skipped: the waiters stay blocked'
           WHEN pg_catalog.starts_with(a.outcome, 'skipped: not a client backend (')
               THEN 'skipped: not a client backend'
           WHEN pg_catalog.starts_with(a.outcome, 'skipped: state ')
               THEN 'skipped: state'
           ELSE 'other'
       END AS outcome,
       pg_catalog.count(*) FILTER (WHERE a.logged_at > pg_catalog.now() - interval '1 hour')
           AS last_hour,
       pg_catalog.count(*) AS last_day,
       pg_catalog.max(a.logged_at) AS last_logged_at
FROM warden.action_log AS a
WHERE a.logged_at > pg_catalog.now() - interval '1 day'
GROUP BY 1, 2, 3, 4;
/* END GENERATED action_summary */
COMMENT ON VIEW warden.action_summary IS
'pgwarden''s actions for monitoring: per function, policy (NULL outside enforce()), action
and outcome (its label, without the detail warden.action_log keeps), the rows of
warden.action_log logged in the last hour (last_hour) and the last 24 hours (last_day), and
the newest one''s logged_at (last_logged_at). Only groups with a row in the last 24 hours.
A value pgwarden does not write, or a policy no warden.policy row names now, shows as
other. SELECT for warden_operator and pg_monitor (postgres_exporter''s role).';
/* pg_monitor is the role postgres_exporter is told to run as: it may read the counts, which
   name no session, role, address or query, without SELECT on warden.action_log itself (the
   view reads it with its owner's rights). USAGE on the schema lets it name the view: the
   functions that act stay closed to it (their EXECUTE is revoked from PUBLIC). */
GRANT USAGE ON SCHEMA warden TO pg_monitor;
GRANT SELECT ON warden.action_summary TO warden_operator, pg_monitor;

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
