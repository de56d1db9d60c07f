package org.pgwarden;

/**
 * The SQL copies of the core's rules that sql/schema.sql holds as generated regions
 * ({@link GeneratedSql}): the interval rule, the home database's claim, the CHECKs on a
 * policy's kind and mode, and the pre-check the SQL wrappers ask before they start a JVM.
 * A test source: the server jar does not carry it.
 */
final class SchemaRules {

    private SchemaRules() {
    }

    /** warden.interval_problem: {@link IntervalRule#PROBLEM}, for the policy table's trigger. */
    static String intervalProblem() {
        return """
            CREATE OR REPLACE FUNCTION warden.interval_problem(use text, v interval)
                RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE
                SET search_path = pg_catalog, pg_temp
                AS 'SELECT %s';""".formatted(IntervalRule.PROBLEM.replace("'", "''"));
    }

    /**
     * What sql/schema.sql runs first ({@link Home}): refuses an installation outside the home,
     * else claims the home for the current database.
     */
    static String homeClaim() {
        return """
            DO 'DECLARE
                home text := %1$s;
            BEGIN
                IF home IS NOT NULL THEN
                    RAISE EXCEPTION USING ERRCODE = ''%2$s'',
                        MESSAGE = ''pgwarden is already installed in database '' || home
                            || '' of this cluster'',
                        DETAIL = ''%3$s'',
                        HINT = ''Install it there only, or uninstall it there first.'';
                END IF;
                EXECUTE pg_catalog.format(''COMMENT ON ROLE warden_operator IS %%L'',
                    ''%4$s'' || (SELECT d.oid FROM pg_catalog.pg_database AS d
                                 WHERE d.datname = pg_catalog.current_database()));
            END';""".formatted(Home.ELSEWHERE.replace("'", "''").replace("\n", "\n    "),
                SqlState.OBJECT_NOT_IN_PREREQUISITE_STATE.code(),
                Home.DETAIL.replace("'", "''"), Home.MARK);
    }

    /** The CHECK on warden.policy.kind: the kinds of {@link PolicyKind}. */
    static String kindCheck() {
        return check("kind", "policy_kind_check", PolicyKind.literals());
    }

    /** The CHECK on warden.policy.mode: the modes of {@link PolicyMode}. */
    static String modeCheck() {
        return check("mode", "policy_mode_check", PolicyMode.literals());
    }

    /*
     * Re-added on every install, so that an upgrade widens it. A row it would refuse (the
     * owner dropped the CHECK, or a newer release wrote it before a downgrade) fails the
     * install: named first, as JSON strings, so that the DBA knows which rows to fix and a
     * name cannot print lines of its own.
     */
    private static String check(String column, String constraint, String literals) {
        return """
            DO 'DECLARE
                bad text;
            BEGIN
                SELECT pg_catalog.string_agg(pg_catalog.to_json(p.name)::text || '' (%1$s ''
                                             || pg_catalog.to_json(p.%1$s)::text || '')'',
                                             '', '' ORDER BY p.name)
                  INTO bad
                  FROM warden.policy AS p
                 WHERE p.%1$s NOT IN (%3$s);
                IF bad IS NOT NULL THEN
                    RAISE EXCEPTION USING ERRCODE = ''%5$s'',
                        MESSAGE = ''warden.policy has rows whose %1$s this release does not''
                            || '' know: '' || bad,
                        HINT = ''Update or delete those rows, then install again.'';
                END IF;
            END';
            ALTER TABLE warden.policy DROP CONSTRAINT IF EXISTS %2$s;
            ALTER TABLE warden.policy ADD CONSTRAINT %2$s
                CHECK (%1$s IN (%4$s));""".formatted(column, constraint,
                literals.replace("'", "''"), literals, SqlState.CHECK_VIOLATION.code());
    }

    /*
     * The SQL wrappers' "could anything be due?" (sql/functions.sql), written into each
     * function's body rather than called: a wrapper is a SQL function whose statement is
     * planned on every call, and a nested function holding every kind's question was planned
     * whole on every call too (enforce() with nothing to do took twice as long). Each text is
     * PolicyKind#couldSelect, quoted for the single-quoted body it sits in.
     */

    /** The pre-check of one kind's function: a backend it could select exists. */
    static String due(PolicyKind kind, String threshold) {
        return body("EXISTS (\n    SELECT FROM pg_catalog.pg_stat_activity AS a\n    WHERE "
                + kind.couldSelect(threshold).replace("\n", "\n    ") + ")", 20);
    }

    /** enforce()'s: some enabled policy could select some backend, whatever its kind. */
    static String enforceDue() {
        StringBuilder sql = new StringBuilder("EXISTS (\n    SELECT FROM warden.policy AS p\n"
                + "    JOIN pg_catalog.pg_stat_activity AS a ON CASE p.kind");
        for (PolicyKind kind : PolicyKind.values()) {
            sql.append("\n        WHEN ").append(kind.literal()).append(" THEN ")
                    .append(kind.couldSelect("p.threshold").replace("\n", "\n            "));
        }
        return body(sql.append("\n    END\n    WHERE p.enabled)").toString(), 20);
    }

    /** enforce()'s test for a kind this release lacks, which only Java may refuse. */
    static String enforceUnknownKind() {
        return body("p.kind NOT IN (" + PolicyKind.literals() + ")", 23);
    }

    /** {@code sql} quoted for a single-quoted function body, each line indented. */
    private static String body(String sql, int indent) {
        String pad = " ".repeat(indent);
        return pad + sql.replace("'", "''").replace("\n", "\n" + pad);
    }

    /*
     * An install or upgrade warns of rows that match nothing or everything, and of the
     * exemptions any client can claim: SessionMatch's rule of what the client chose, the one
     * the report's marker and an exempt action's outcome use.
     */
    /** The warnings of schema.sql about exemption and policy rows. */
    static String exemptionWarnings() {
        return """
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
                WHERE {CLIENT_CHOSEN}
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
            END';""".replace("{CLIENT_CHOSEN}", SessionMatch.clientChosen("e"));
    }
}
