package org.pgwarden.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * libpq's connection keywords: those the runner honours, with the variable that supplies
 * each when nothing else does, and those libpq knows that the runner refuses rather than
 * silently ignore.
 */
final class Keywords {

    /** Keyword to environment variable, as in libpq's "Environment Variables". */
    static final Map<String, String> SUPPORTED = new LinkedHashMap<>();

    static {
        SUPPORTED.put("service", "PGSERVICE");
        SUPPORTED.put("host", "PGHOST");
        SUPPORTED.put("hostaddr", "PGHOSTADDR");
        SUPPORTED.put("port", "PGPORT");
        SUPPORTED.put("dbname", "PGDATABASE");
        SUPPORTED.put("user", "PGUSER");
        SUPPORTED.put("password", "PGPASSWORD");
        SUPPORTED.put("passfile", "PGPASSFILE");
        SUPPORTED.put("sslmode", "PGSSLMODE");
        SUPPORTED.put("sslrootcert", "PGSSLROOTCERT");
        SUPPORTED.put("sslcert", "PGSSLCERT");
        SUPPORTED.put("sslkey", "PGSSLKEY");
        SUPPORTED.put("sslpassword", null);
        SUPPORTED.put("connect_timeout", "PGCONNECT_TIMEOUT");
        SUPPORTED.put("application_name", "PGAPPNAME");
        SUPPORTED.put("fallback_application_name", null);
        SUPPORTED.put("target_session_attrs", "PGTARGETSESSIONATTRS");
        SUPPORTED.put("load_balance_hosts", "PGLOADBALANCEHOSTS");
        SUPPORTED.put("options", "PGOPTIONS");
        SUPPORTED.put("channel_binding", "PGCHANNELBINDING");
        SUPPORTED.put("gssencmode", "PGGSSENCMODE");
        // pgjdbc's sslNegotiation, kerberosServerName and gsslib are libpq's keywords.
        SUPPORTED.put("sslnegotiation", "PGSSLNEGOTIATION");
        SUPPORTED.put("krbsrvname", "PGKRBSRVNAME");
        SUPPORTED.put("gsslib", "PGGSSLIB");
    }

    /**
     * Known to libpq, with no pgjdbc equivalent the runner could pass them to; each with its
     * variable in libpq's "Environment Variables", or null. A variable is refused as the
     * keyword is: libpq would honour it, and a CRL, a minimum TLS version or require_auth
     * silently dropped is a weaker connection than the user asked for. PGCLIENTENCODING is
     * left out on purpose, and so ignored: it only names the encoding on the wire, pgjdbc
     * always speaks UTF8 and hands the runner Java strings, so every character arrives
     * intact whatever it says; it is often set once for all clients (for a LATIN1
     * terminal), and refusing it would stop the runner for nothing.
     */
    private static final Map<String, String> UNSUPPORTED = new LinkedHashMap<>();

    static {
        for (String keyword : new String[] {"client_encoding", "keepalives", "keepalives_idle",
                "keepalives_interval", "keepalives_count", "tcp_user_timeout", "replication",
                "servicefile", "scram_client_key", "scram_server_key"}) {
            UNSUPPORTED.put(keyword, null);
        }
        UNSUPPORTED.put("sslcompression", "PGSSLCOMPRESSION");
        UNSUPPORTED.put("sslcertmode", "PGSSLCERTMODE");
        UNSUPPORTED.put("sslcrl", "PGSSLCRL");
        UNSUPPORTED.put("sslcrldir", "PGSSLCRLDIR");
        UNSUPPORTED.put("sslsni", "PGSSLSNI");
        UNSUPPORTED.put("requirepeer", "PGREQUIREPEER");
        // pgjdbc 42.7.8 has no requireAuth (42.7.13 has one).
        UNSUPPORTED.put("require_auth", "PGREQUIREAUTH");
        UNSUPPORTED.put("ssl_min_protocol_version", "PGSSLMINPROTOCOLVERSION");
        UNSUPPORTED.put("ssl_max_protocol_version", "PGSSLMAXPROTOCOLVERSION");
        UNSUPPORTED.put("gssdelegation", "PGGSSDELEGATION");
        // libpq reads a PGREQUIRESSL starting with "1" as sslmode=require when PGSSLMODE is
        // unset (conninfo_add_defaults); refused rather than guessed at.
        UNSUPPORTED.put("requiressl", "PGREQUIRESSL");
        UNSUPPORTED.put("min_protocol_version", "PGMINPROTOCOLVERSION");
        UNSUPPORTED.put("max_protocol_version", "PGMAXPROTOCOLVERSION");
    }

    private Keywords() {
    }

    /** Refuses a keyword the runner cannot honour, as libpq refuses one it does not know. */
    static void check(String keyword, String source) throws UsageException {
        if (SUPPORTED.containsKey(keyword)) {
            return;
        }
        if (UNSUPPORTED.containsKey(keyword)) {
            throw new UsageException("connection option \"" + keyword + "\" in " + source
                    + " is not supported by the runner");
        }
        throw new UsageException("invalid connection option \"" + keyword + "\" in "
                + source);
    }

    /**
     * Refuses a variable of a keyword the runner cannot honour. An empty one is left alone:
     * libpq reads an empty sslcrl, require_auth and the like as unset.
     */
    static void checkEnvironment(Map<String, String> env) throws UsageException {
        for (Map.Entry<String, String> k : UNSUPPORTED.entrySet()) {
            String value = k.getValue() == null ? null : env.get(k.getValue());
            if (value != null && !value.isEmpty()) {
                throw new UsageException("connection option \"" + k.getKey() + "\" (from "
                        + k.getValue() + ") is not supported by the runner");
            }
        }
    }
}
