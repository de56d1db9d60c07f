package org.pgwarden.cli;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;

/**
 * Where the runner connects: a jdbc:postgresql URL, or the libpq variables a DBA already has
 * set for psql (PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD, PGSSLMODE,
 * PGCONNECT_TIMEOUT).
 *
 * @param url the JDBC URL
 * @param properties user, password and the rest, as pgjdbc takes them
 * @param description the server and role, for messages; never the password
 */
record ConnectionSettings(String url, Properties properties, String description) {

    static final String APPLICATION_NAME = "pgwarden-cli";
    private static final String URL_PREFIX = "jdbc:postgresql:";
    private static final String CONNECT_TIMEOUT_SECONDS = "10";

    static ConnectionSettings of(Options options, Map<String, String> env)
            throws UsageException {
        Properties props = new Properties();
        props.setProperty("ApplicationName", APPLICATION_NAME);
        // No named server-side prepared statements: behind a pooler in transaction mode
        // (pgbouncer before 1.21) the next transaction may reach a backend that already has
        // one of the same name. The runner's few statements gain nothing from them.
        props.setProperty("prepareThreshold", "0");
        props.setProperty("connectTimeout", env.getOrDefault("PGCONNECT_TIMEOUT",
                CONNECT_TIMEOUT_SECONDS));
        String user = options.user() != null ? options.user() : env.get("PGUSER");
        if (user != null) {
            props.setProperty("user", user);
        }
        if (env.get("PGPASSWORD") != null) {
            props.setProperty("password", env.get("PGPASSWORD"));
        }
        if (env.get("PGSSLMODE") != null) {
            props.setProperty("sslmode", env.get("PGSSLMODE"));
        }
        if (options.url() != null) {
            if (!options.url().startsWith(URL_PREFIX)) {
                throw new UsageException("invalid value for option --url: \"" + options.url()
                        + "\" (must start with " + URL_PREFIX + "//)");
            }
            return new ConnectionSettings(options.url(), props, withoutQuery(options.url()));
        }
        String host = env.getOrDefault("PGHOST", "localhost");
        if (host.startsWith("/")) {
            // pgjdbc speaks TCP only; a socket directory would fail later, less clearly.
            throw new UsageException("PGHOST \"" + host + "\" is a Unix-socket directory,"
                    + " which the runner cannot use (set PGHOST to a host name, or pass --url)");
        }
        String port = env.getOrDefault("PGPORT", "5432");
        if (user == null) {
            user = System.getProperty("user.name");
            props.setProperty("user", user);
        }
        String database = env.getOrDefault("PGDATABASE", user);
        String url = URL_PREFIX + "//" + bracketed(host) + ":" + port + "/"
                + URLEncoder.encode(database, StandardCharsets.UTF_8);
        return new ConnectionSettings(url, props,
                host + ":" + port + " database \"" + database + "\" as \"" + user + "\"");
    }

    Connection open() throws SQLException {
        return DriverManager.getConnection(url, properties);
    }

    /** An IPv6 address needs brackets in a URL. */
    private static String bracketed(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /** A URL to show: its query string may carry a password. */
    private static String withoutQuery(String url) {
        int query = url.indexOf('?');
        return query < 0 ? url : url.substring(0, query);
    }
}
