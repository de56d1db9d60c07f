package org.pgwarden.cli;

import java.io.PrintStream;
import java.lang.reflect.InvocationTargetException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * Where the runner connects, resolved as psql resolves it (libpq's rules), as one or more
 * attempts tried in order; or a jdbc:postgresql URL given with --url.
 *
 * @param attempts what to try, in order, until one connects
 * @param description the servers, database and role, for messages; never the password
 */
record ConnectionSettings(List<Attempt> attempts, String description) {

    static final String APPLICATION_NAME = "pgwarden-cli";
    private static final String URL_PREFIX = "jdbc:postgresql:";
    private static final String CONNECT_TIMEOUT_SECONDS = "10";
    /** Held: java.util.logging keeps a logger's level only while the logger is reachable. */
    private static final Logger PGJDBC_LOG = Logger.getLogger("org.postgresql");
    private static final Pattern PASSWORD_PARAMETER = Pattern.compile(
            "(?i)(password=)[^&\\s]*");

    /**
     * One pgjdbc connection attempt.
     *
     * @param url the JDBC URL
     * @param properties user, password and the rest, as pgjdbc takes them
     * @param endpoint the host and port, or the socket, for messages
     */
    record Attempt(String url, Properties properties, String endpoint) {
    }

    static ConnectionSettings of(Options options, Map<String, String> env)
            throws UsageException {
        return of(options, env, System.err);
    }

    /** {@code warnings} gets libpq's warnings, such as a password file others may read. */
    static ConnectionSettings of(Options options, Map<String, String> env,
            PrintStream warnings) throws UsageException {
        if (options.url() != null) {
            return ofUrl(options, env, warnings);
        }
        Parameters p = Parameters.resolve(options, env);
        String user = p.value("user", System.getProperty("user.name"));
        String dbname = p.value("dbname", user);
        List<Endpoint> endpoints = Endpoint.list(p);
        if ("random".equals(p.value("load_balance_hosts", "disable"))) {
            Collections.shuffle(endpoints);
        }
        Properties common = commonProperties(p, user, env);
        refuseHostaddrWithVerifyFull(p, endpoints);
        List<Attempt> attempts = new ArrayList<>();
        for (String serverType : TargetSession.serverTypes(p)) {
            for (Endpoint e : endpoints) {
                attempts.add(attempt(e, p, common, serverType, dbname, user, env, warnings));
            }
        }
        LinkedHashSet<String> shown = new LinkedHashSet<>();
        attempts.forEach(a -> shown.add(a.endpoint()));
        return new ConnectionSettings(List.copyOf(attempts), String.join(", ", shown)
                + " database \"" + dbname + "\" as \"" + user + "\"");
    }

    /** The URL of the first attempt: the one there is, with --url. */
    String url() {
        return attempts.get(0).url();
    }

    Properties properties() {
        return attempts.get(0).properties();
    }

    /** Tries each attempt in turn, as libpq tries each host, and keeps the first to connect. */
    Connection open() throws SQLException {
        // The password file was read above, the libpq way; pgjdbc's own reading would take a
        // file libpq refuses (readable by others) and match a host list as one name.
        System.setProperty("org.postgresql.pgpassfile", "/dev/null");
        if (attempts.size() == 1) {
            return connect(attempts.get(0));
        }
        List<String> failures = new ArrayList<>();
        SQLException last = null;
        for (Attempt a : attempts) {
            try {
                return connect(a);
            } catch (SQLException e) {
                last = e;
                failures.add(a.endpoint() + ": " + ServerError.message(e));
            }
        }
        throw new SQLException(String.join("; ", failures), last.getSQLState(), last);
    }

    private static Connection connect(Attempt a) throws SQLException {
        try {
            return tryConnect(a);
        } catch (SQLException e) {
            if (!scrubbed(String.valueOf(e.getMessage())).equals(e.getMessage())) {
                // pgjdbc quotes a --url whole in some messages, password and all. The cause
                // is dropped with it: it carries the same text.
                throw new SQLException(scrubbed(e.getMessage()), e.getSQLState());
            }
            throw e;
        }
    }

    private static Connection tryConnect(Attempt a) throws SQLException {
        try {
            return DriverManager.getConnection(a.url(), a.properties());
        } catch (SQLException e) {
            // pgjdbc says only "The connection attempt failed." when the socket cannot be
            // opened; psql shows why ("No such file or directory").
            Throwable cause = e.getCause();
            if (cause == null || cause.getMessage() == null || !ServerError.socketNotOpened(e)) {
                throw e;
            }
            throw new SQLException(e.getMessage() + " (" + cause.getMessage() + ")",
                    e.getSQLState(), e);
        }
    }

    private static Properties commonProperties(Parameters p, String user,
            Map<String, String> env) throws UsageException {
        Properties props = new Properties();
        // libpq: application_name, else fallback_application_name; ours is the fallback.
        props.setProperty("ApplicationName", p.value("application_name",
                p.value("fallback_application_name", APPLICATION_NAME)));
        // No named server-side prepared statements: behind a pooler in transaction mode
        // (pgbouncer before 1.21) the next transaction may reach a backend that already has
        // one of the same name. The runner's few statements gain nothing from them.
        props.setProperty("prepareThreshold", "0");
        props.setProperty("connectTimeout", p.integer("connect_timeout",
                CONNECT_TIMEOUT_SECONDS));
        // libpq's connect_timeout bounds the whole startup; pgjdbc's connectTimeout only the
        // TCP connect, so a server that accepts and never answers would hold it forever.
        props.setProperty("loginTimeout", p.integer("connect_timeout",
                CONNECT_TIMEOUT_SECONDS));
        // libpq's keepalives are on by default, pgjdbc's off: a vanished peer goes unseen.
        // (The keepalives keywords themselves are refused, in Keywords.)
        props.setProperty("tcpKeepAlive", "true");
        props.setProperty("user", user);
        copy(p, props, "sslmode", "sslmode");
        copy(p, props, "sslrootcert", "sslrootcert");
        copy(p, props, "sslcert", "sslcert");
        copy(p, props, "sslkey", "sslkey");
        copy(p, props, "sslpassword", "sslpassword");
        copy(p, props, "options", "options");
        copy(p, props, "channel_binding", "channelBinding");
        copy(p, props, "gssencmode", "gssEncMode");
        copy(p, props, "sslnegotiation", "sslNegotiation");
        copy(p, props, "krbsrvname", "kerberosServerName");
        copy(p, props, "gsslib", "gsslib");
        p.check("sslmode", "disable", "allow", "prefer", "require", "verify-ca",
                "verify-full");
        p.check("channel_binding", "disable", "prefer", "require");
        p.check("gssencmode", "disable", "prefer", "require");
        p.check("load_balance_hosts", "disable", "random");
        p.check("sslnegotiation", "postgres", "direct");
        // libpq does not check gsslib; an empty one is its default (Windows only there).
        if (!p.value("gsslib", "gssapi").equals("gssapi")) {
            p.check("gsslib", "gssapi", "sspi");
        }
        String sslmode = p.value("sslmode", "prefer");
        if (p.value("sslnegotiation", "postgres").equals("direct")
                && !sslmode.equals("require") && !sslmode.startsWith("verify-")) {
            // libpq's connectOptions2: direct SSL must not fall back to plain text.
            throw new UsageException("weak sslmode \"" + sslmode + "\" (from "
                    + p.source("sslmode") + ") may not be used with sslnegotiation=direct (use"
                    + " \"require\", \"verify-ca\", or \"verify-full\")");
        }
        if (sslmode.equals("require")) {
            // libpq's "SSL Support": "if a root CA file exists, the behavior of
            // sslmode=require will be the same as that of verify-ca" (initialize_SSL verifies
            // the server whenever it can stat the root file). pgjdbc's require never does:
            // ask it for verify-ca with the very file libpq would have used.
            String root = rootCertificate(p, env);
            if (root != null) {
                props.setProperty("sslmode", "verify-ca");
                props.setProperty("sslrootcert", root);
            }
        }
        return props;
    }

    /**
     * The root certificate file libpq would load: sslrootcert, else ~/.postgresql/root.crt,
     * when it exists; null otherwise, and for "system", which pgjdbc does not know.
     */
    private static String rootCertificate(Parameters p, Map<String, String> env) {
        String given = p.value("sslrootcert", null);
        if ("system".equals(given)) {
            return null;
        }
        Path file = given != null ? Paths.get(given)
                : UserHome.of(env).resolve(".postgresql").resolve("root.crt");
        return Files.exists(file) ? file.toString() : null;
    }

    /**
     * libpq checks a verify-full certificate against host and connects to hostaddr; pgjdbc
     * knows one name, the one it connects to, so the check would fail against the address
     * with a TLS error that names neither. Refused up front instead.
     */
    private static void refuseHostaddrWithVerifyFull(Parameters p, List<Endpoint> endpoints)
            throws UsageException {
        if (!p.value("sslmode", "").equals("verify-full")) {
            return;
        }
        for (Endpoint e : endpoints) {
            if (e.socket() == null && !e.address().equals(e.host())) {
                throw new UsageException("sslmode \"verify-full\" (from " + p.source("sslmode")
                        + ") cannot be combined with hostaddr (from " + p.source("hostaddr")
                        + "): the runner would verify the server's certificate against \""
                        + e.address() + "\", not against the host name; drop hostaddr or use"
                        + " sslmode \"verify-ca\"");
            }
        }
    }

    private static void copy(Parameters p, Properties props, String keyword, String property) {
        String value = p.value(keyword, null);
        if (value != null) {
            props.setProperty(property, value);
        }
    }

    private static Attempt attempt(Endpoint e, Parameters p, Properties common,
            String serverType, String dbname, String user, Map<String, String> env,
            PrintStream warnings) {
        Properties props = new Properties();
        props.putAll(common);
        if (serverType != null) {
            props.setProperty("targetServerType", serverType);
        }
        String password = p.value("password", "");
        if (password.isEmpty()) {
            String file = p.value("passfile", null);
            password = PgPass.lookup(file != null ? Paths.get(file)
                    : UserHome.of(env).resolve(".pgpass"), e.passwordHost(),
                    String.valueOf(e.port()), dbname, user, env.get("CREDENTIALS_DIRECTORY"),
                    warnings);
        }
        if (password != null && !password.isEmpty()) {
            props.setProperty("password", password);
        }
        String host = "localhost";
        if (e.socket() != null) {
            // junixsocket carries pgjdbc's stream to the socket file; the URL's host is
            // then only a name. libpq never uses SSL over a Unix socket.
            props.setProperty("socketFactory", "org.newsclub.net.unix.AFUNIXSocketFactory$"
                    + "FactoryArg");
            props.setProperty("socketFactoryArg", e.socket());
            props.setProperty("sslmode", "disable");
        } else {
            host = e.address();
        }
        String url = URL_PREFIX + "//" + bracketed(host) + ":" + e.port() + "/"
                + URLEncoder.encode(dbname, StandardCharsets.UTF_8);
        return new Attempt(url, props, e.toString());
    }

    /**
     * The runner before libpq's rules: a jdbc:postgresql URL, a few PG* variables and the
     * password file.
     */
    private static ConnectionSettings ofUrl(Options options, Map<String, String> env,
            PrintStream warnings) throws UsageException {
        for (String[] other : new String[][] {{"--dbname", options.dbname()},
                {"--host", options.host()}, {"--port", options.port()}}) {
            if (other[1] != null) {
                throw new UsageException("option --url cannot be combined with " + other[0]);
            }
        }
        if (!options.url().startsWith(URL_PREFIX)) {
            throw new UsageException("invalid value for option --url: \""
                    + scrubbed(options.url()) + "\" (must start with " + URL_PREFIX + "//)");
        }
        Properties props = new Properties();
        props.setProperty("ApplicationName", env.getOrDefault("PGAPPNAME", APPLICATION_NAME));
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
        // Parsed here, not first in open(): a URL pgjdbc cannot read is a usage error, and
        // pgjdbc's own message quotes the URL whole.
        Properties parsed = parseUrl(options.url(), props);
        if (parsed == null) {
            throw new UsageException("invalid value for option --url: \""
                    + scrubbed(options.url()) + "\" (not a URL pgjdbc can read)");
        }
        String host = parsed.getProperty("PGHOST", "");
        if (parsed.getProperty("password") == null && !host.isEmpty() && !host.contains(",")) {
            // The password file the libpq way, as without --url (open() turns pgjdbc's own
            // reading off): for the URL's one host; with several, a line for one host must
            // not send its password to another, so none is looked up.
            String name = parsed.getProperty("user", System.getProperty("user.name"));
            String dbname = parsed.getProperty("PGDBNAME", "");
            String file = env.get("PGPASSFILE");
            String password = PgPass.lookup(file != null && !file.isEmpty() ? Paths.get(file)
                    : UserHome.of(env).resolve(".pgpass"), host,
                    parsed.getProperty("PGPORT", "5432"), dbname.isEmpty() ? name : dbname,
                    name, env.get("CREDENTIALS_DIRECTORY"), warnings);
            if (password != null && !password.isEmpty()) {
                props.setProperty("password", password);
            }
        }
        String shown = withoutQuery(options.url());
        return new ConnectionSettings(List.of(new Attempt(options.url(), props, shown)),
                shown);
    }

    /**
     * pgjdbc's reading of a jdbc:postgresql URL over {@code defaults}, or null when it cannot
     * read it. By reflection: pgjdbc is only a runtime dependency of the runner.
     */
    private static Properties parseUrl(String url, Properties defaults) {
        // pgjdbc logs why it cannot read a URL, some of its messages with the URL in them,
        // to stderr by default; the runner says it once, password masked.
        Level level = PGJDBC_LOG.getLevel();
        PGJDBC_LOG.setLevel(Level.OFF);
        try {
            return (Properties) Class.forName("org.postgresql.Driver")
                    .getMethod("parseURL", String.class, Properties.class)
                    .invoke(null, url, defaults);
        } catch (InvocationTargetException e) {
            return null;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("pgjdbc is missing from the class path", e);
        } finally {
            PGJDBC_LOG.setLevel(level);
        }
    }

    /** {@code text} with the value of every password= (sslpassword= too) masked. */
    static String scrubbed(String text) {
        return PASSWORD_PARAMETER.matcher(text).replaceAll("$1***");
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
