package org.pgwarden;

/**
 * SQL that predicts whether the caller may signal a backend, so that a backend it may not
 * signal is reported as skipped instead of aborting the whole call with 42501.
 */
final class Privileges {

    /**
     * The rule PostgreSQL 13 to 18 apply in pg_signal_backend (signalfuncs.c) for a client
     * backend: a superuser may signal anyone; nobody else may signal a superuser's backend;
     * otherwise the caller needs the privileges of the backend's role or of
     * pg_signal_backend. pg_has_role(..., 'USAGE') is has_privs_of_role, the same test.
     * Expects pg_stat_activity as {@code a} joined to pg_roles as {@code r} on usesysid.
     */
    static final String SIGNALLABLE = """
        CASE
            WHEN (SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user)
                THEN true
            WHEN r.oid IS NULL OR r.rolsuper THEN false
            ELSE pg_catalog.pg_has_role(r.oid, 'USAGE')
                OR pg_catalog.pg_has_role('pg_signal_backend', 'USAGE')
        END""";

    private Privileges() {
    }
}
