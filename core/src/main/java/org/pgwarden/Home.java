package org.pgwarden;

/**
 * pgwarden's one home database per cluster. pg_stat_activity spans every database of the
 * cluster, so every call acts on every database's sessions, while exemptions, policies and
 * the audit log live in the database where sql/schema.sql ran. Two installations would be two
 * configurations that silently disagree about the same sessions (and enforce()'s advisory
 * lock, being per database, would not keep their runs apart). So the first installation
 * records its database, by OID (which a rename keeps), on the cluster-wide role
 * warden_operator, as its comment; a second installation is refused, and so is any call
 * made in another database, until the home is uninstalled or its database dropped.
 */
final class Home {

    /** What the role's comment says before the home database's OID. */
    static final String MARK = "pgwarden home database: ";

    /**
     * SQL: the home database's name, quoted as an identifier, when it is another database
     * than the current one and still exists; else NULL.
     */
    static final String ELSEWHERE = """
        (SELECT pg_catalog.quote_ident(d.datname)
         FROM pg_catalog.pg_roles AS r, pg_catalog.pg_database AS d
         WHERE r.rolname = 'warden_operator'
           AND pg_catalog.shobj_description(r.oid, 'pg_authid') = '%1$s' || d.oid
           AND d.datname <> pg_catalog.current_database())""".formatted(MARK);

    /** The refusal's message, detail and hint, after the home's quoted name. */
    static final String REFUSED = "pgwarden's home in this cluster is database ";
    static final String DETAIL = "pg_stat_activity spans the whole cluster: the exemptions,"
            + " policies and audit log of that database govern every session, and pgwarden is"
            + " called there only.";

    private Home() {
    }
}
