package org.pgwarden.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

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
    }

    /** Known to libpq, with no pgjdbc equivalent the runner could pass them to. */
    private static final Set<String> UNSUPPORTED = Set.of("client_encoding", "keepalives",
            "keepalives_idle", "keepalives_interval", "keepalives_count", "tcp_user_timeout",
            "sslnegotiation", "sslcompression", "sslcertmode", "sslcrl", "sslcrldir", "sslsni",
            "requirepeer", "require_auth", "ssl_min_protocol_version",
            "ssl_max_protocol_version", "krbsrvname", "gsslib", "gssdelegation",
            "replication", "requiressl", "servicefile", "min_protocol_version",
            "max_protocol_version", "scram_client_key", "scram_server_key");

    private Keywords() {
    }

    /** Refuses a keyword the runner cannot honour, as libpq refuses one it does not know. */
    static void check(String keyword, String source) throws UsageException {
        if (SUPPORTED.containsKey(keyword)) {
            return;
        }
        if (UNSUPPORTED.contains(keyword)) {
            throw new UsageException("connection option \"" + keyword + "\" in " + source
                    + " is not supported by the runner");
        }
        throw new UsageException("invalid connection option \"" + keyword + "\" in "
                + source);
    }
}
