package org.pgwarden.cli;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * libpq's connection keywords after every source has had its say, each with the source it
 * came from for messages. Precedence as in libpq and psql: the -d connection string over
 * -h, -p and -U (psql passes dbname last and libpq lets its keywords override), those over
 * the service file, the service file over the PG* variables, and those over the defaults.
 *
 * <p>An empty value is libpq's: from -h, -p, -U or -d it counts as not given
 * (conninfo_array_parse skips it, so PGHOST still applies); anywhere else (a connection
 * string, a URI, a service file, a variable) it is set, so a lower source no longer applies
 * (conninfo_add_defaults fills only options still NULL), and it then means the built-in
 * default for host, port, dbname, user, password, passfile and the like, while libpq
 * refuses it for sslmode and the other enumerated keywords and for connect_timeout.
 */
final class Parameters {

    /** A keyword's value and where it was set: "option -d", "PGPORT", a service file. */
    private record Setting(String value, String source) {
    }

    private final Map<String, Setting> settings = new LinkedHashMap<>();

    private Parameters() {
    }

    static Parameters resolve(Options options, Map<String, String> env) throws UsageException {
        Parameters p = new Parameters();
        p.put("host", options.host(), "option --host");
        p.put("port", options.port(), "option --port");
        p.put("user", options.user(), "option --user");
        String dbname = options.dbname();
        if (dbname != null && Conninfo.isConnectionString(dbname)) {
            Conninfo.parse(dbname, "option --dbname").forEach((k, v) ->
                    p.settings.put(k, new Setting(v, "option --dbname")));
        } else {
            p.put("dbname", dbname, "option --dbname");
        }
        String service = p.value("service", env.get("PGSERVICE"));
        if (service != null && !service.isEmpty()) {
            String source = "service \"" + service + "\"";
            ServiceFile.lookup(service, env).forEach((k, v) ->
                    p.settings.putIfAbsent(k, new Setting(v, source)));
        }
        Keywords.checkEnvironment(env);
        for (Map.Entry<String, String> k : Keywords.SUPPORTED.entrySet()) {
            if (k.getValue() != null && env.get(k.getValue()) != null) {
                p.settings.putIfAbsent(k.getKey(), new Setting(env.get(k.getValue()),
                        k.getValue()));
            }
        }
        return p;
    }

    private void put(String keyword, String value, String source) {
        if (value != null && !value.isEmpty()) {
            settings.put(keyword, new Setting(value, source));
        }
    }

    /** The value, or {@code otherwise} when no source set it or set it empty. */
    String value(String keyword, String otherwise) {
        Setting s = settings.get(keyword);
        return s == null || s.value().isEmpty() ? otherwise : s.value();
    }

    /** The value as set, empty included, or null when no source set it. */
    String given(String keyword) {
        Setting s = settings.get(keyword);
        return s == null ? null : s.value();
    }

    /** Where the keyword's value came from, for a message. */
    String source(String keyword) {
        Setting s = settings.get(keyword);
        return s == null ? "the default" : s.source();
    }

    /**
     * The value as libpq's parse_int_param takes it: an integer, spaces around allowed; an
     * empty one is refused as there.
     */
    String integer(String keyword, String otherwise) throws UsageException {
        String value = given(keyword);
        if (value == null) {
            return otherwise;
        }
        try {
            return String.valueOf(Integer.parseInt(value.strip()));
        } catch (NumberFormatException e) {
            throw new UsageException("invalid integer value \"" + value
                    + "\" for connection option \"" + keyword + "\" (from " + source(keyword)
                    + ")");
        }
    }

    /**
     * Refuses a value that is not one of {@code allowed}, as libpq's connectOptions2 does
     * before connecting ("invalid sslmode value: \"\""): an empty one too, which must not
     * fall back to pgjdbc's default, weaker than the PGSSLMODE it overrode.
     */
    void check(String keyword, String... allowed) throws UsageException {
        String value = given(keyword);
        if (value == null) {
            return;
        }
        for (String a : allowed) {
            if (a.equals(value)) {
                return;
            }
        }
        throw new UsageException("invalid " + keyword + " value \"" + value + "\" (from "
                + source(keyword) + "; expected " + String.join(", ", allowed) + ")");
    }
}
