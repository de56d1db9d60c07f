package org.pgwarden.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionSettingsTest {

    @TempDir
    Path home;

    @Test
    void conninfoQuotesAndBackslashesAreLibpqs() throws Exception {
        assertEquals(Map.of("host", "db1", "dbname", "my app", "password", "it's \\ x",
                "user", "a b"), Conninfo.parse("  host = db1 dbname='my app'"
                        + " password='it\\'s \\\\ x' user=a\\ b ", "test"));
        assertEquals(Map.of("options", "-c search_path=x"),
                Conninfo.parse("options='-c search_path=x'", "test"));
        assertEquals(Map.of("dbname", ""), Conninfo.parse("dbname=''", "test"));
    }

    @Test
    void badConninfoIsRefusedWithoutShowingIt() {
        assertRefused("invalid connection string in option -d: missing \"=\" after \"port\"",
                () -> Conninfo.parse("password=hush port", "option -d"));
        assertRefused("invalid connection string in option -d: unterminated quoted string in"
                + " the value of \"password\"", () -> Conninfo.parse("password='hush",
                        "option -d"));
        assertRefused("invalid connection option \"hots\" in option -d",
                () -> Conninfo.parse("hots=db1", "option -d"));
        assertRefused("connection option \"client_encoding\" in option -d is not supported by"
                + " the runner", () -> Conninfo.parse("client_encoding=LATIN1", "option -d"));
    }

    @Test
    void uriPartsArePercentDecoded() throws Exception {
        assertEquals(Map.of("user", "al ice", "password", "p@ss:w/rd", "host",
                "/var/run/postgresql", "dbname", "my db", "application_name", "a&b"),
                Conninfo.parse("postgresql://al%20ice:p%40ss%3Aw%2Frd@%2Fvar%2Frun%2F"
                        + "postgresql/my%20db?application_name=a%26b", "test"));
        assertEquals(Map.of("host", "db1,db2,", "port", "5433,,5434", "dbname", "app"),
                Conninfo.parse("postgres://db1:5433,db2,:5434/app", "test"));
        assertEquals(Map.of(), Conninfo.parse("postgresql://", "test"));
        assertEquals(Map.of("dbname", "app"), Conninfo.parse("postgresql:///app", "test"));
    }

    @Test
    void anIpv6AddressInAUriIsBracketed() throws Exception {
        assertEquals(Map.of("host", "::1,fe80::1", "port", "5433,"),
                Conninfo.parse("postgresql://[::1]:5433,[fe80::1]", "test"));
        ConnectionSettings s = settings(Map.of("HOME", home.toString()), "report", "-d",
                "postgresql://[::1]:5433/app", "-U", "alice");
        assertEquals("jdbc:postgresql://[::1]:5433/app", s.url());
        assertRefused("invalid URI in option --dbname: missing \"]\" after the IPv6 host"
                + " address", () -> settings(Map.of(), "report", "-d", "postgresql://[::1"));
    }

    @Test
    void badUrisAreRefusedWithoutShowingThePassword() {
        assertRefused("invalid URI in t: invalid percent-encoded token in the database name:"
                + " \"a%zz\"", () -> Conninfo.parse("postgresql://h/a%zz", "t"));
        assertRefused("invalid URI in t: forbidden %00 in the password",
                () -> Conninfo.parse("postgresql://u:x%00@h/a", "t"));
        assertRefused("invalid URI in t: missing \"=\" in the query parameter \"ssl\"",
                () -> Conninfo.parse("postgresql://h/a?ssl", "t"));
    }

    @Test
    void precedenceIsPsqls() throws Exception {
        Path services = home.resolve("s.conf");
        Files.writeString(services, "[svc]\nhost=from-service\nport=6000\nuser=svc-user\n"
                + "dbname=svc-db\n[later]\nhost=other\n");
        Map<String, String> env = Map.of("HOME", home.toString(), "PGSERVICEFILE",
                services.toString(), "PGSERVICE", "svc", "PGHOST", "from-env", "PGPORT", "7000",
                "PGUSER", "env-user", "PGAPPNAME", "env-app");

        ConnectionSettings service = settings(env, "report");
        ConnectionSettings options = settings(env, "report", "-h", "opt-host", "-U", "bob");
        // psql passes -d last: its keywords override -h and -p.
        ConnectionSettings conninfo = settings(env, "report", "-h", "opt-host", "-d",
                "host=ci-host dbname=ci-db");

        assertEquals("jdbc:postgresql://from-service:6000/svc-db", service.url());
        assertEquals("svc-user", service.properties().getProperty("user"));
        assertEquals("env-app", service.properties().getProperty("ApplicationName"));
        assertEquals("jdbc:postgresql://opt-host:6000/svc-db", options.url());
        assertEquals("bob", options.properties().getProperty("user"));
        assertEquals("jdbc:postgresql://ci-host:6000/ci-db", conninfo.url());
        assertEquals("from-service:6000 database \"svc-db\" as \"svc-user\"",
                service.description());
    }

    @Test
    void theDefaultsAreTheSocketThenLocalhostAndTheRunnersName() throws Exception {
        ConnectionSettings s = settings(Map.of("HOME", home.toString(), "PGUSER", "alice"),
                "report");

        assertEquals(2, s.attempts().size());
        assertEquals("/var/run/postgresql/.s.PGSQL.5432",
                s.properties().getProperty("socketFactoryArg"));
        assertEquals("disable", s.properties().getProperty("sslmode"));
        assertEquals("jdbc:postgresql://localhost:5432/alice", s.attempts().get(1).url());
        assertEquals("pgwarden-cli", s.properties().getProperty("ApplicationName"));
        assertEquals("10", s.properties().getProperty("connectTimeout"));
        assertEquals("socket \"/var/run/postgresql/.s.PGSQL.5432\", localhost:5432 database"
                + " \"alice\" as \"alice\"", s.description());
    }

    @Test
    void hostsAndPortsPairAsInLibpq() throws Exception {
        ConnectionSettings s = settings(Map.of("HOME", home.toString(), "PGHOST",
                "/tmp/pg,db2,", "PGPORT", "5433,,5435", "PGUSER", "u",
                "PGTARGETSESSIONATTRS", "prefer-standby"), "report");

        List<String> shown = s.attempts().stream().map(ConnectionSettings.Attempt::endpoint)
                .toList();
        // An empty entry is the socket directory alone, as in libpq: no localhost after it.
        assertEquals(List.of("socket \"/tmp/pg/.s.PGSQL.5433\"", "db2:5432",
                "socket \"/var/run/postgresql/.s.PGSQL.5435\""), shown.subList(0, 3));
        assertEquals(6, shown.size());
        assertEquals("secondary", s.attempts().get(0).properties()
                .getProperty("targetServerType"));
        assertEquals("any", s.attempts().get(3).properties().getProperty("targetServerType"));
        assertEquals(List.of("a:5432", "socket \"/var/run/postgresql/.s.PGSQL.5432\"",
                "b:5432"), settings(Map.of("PGUSER", "u"), "report", "-d", "host=a,,b")
                        .attempts().stream().map(ConnectionSettings.Attempt::endpoint)
                        .toList());
        assertRefused("could not match 2 port numbers to 3 hosts (from PGPORT)",
                () -> settings(Map.of("PGHOST", "a,b,c", "PGPORT", "1,2"), "report"));
        assertRefused("invalid target_session_attrs value \"read-mostly\" (from option"
                + " --dbname; expected any, read-write, read-only, primary, standby or"
                + " prefer-standby)", () -> settings(Map.of(), "report", "-d",
                        "target_session_attrs=read-mostly"));
        assertRefused("invalid port number \"0\" (from option --port)",
                () -> settings(Map.of(), "report", "-p", "0"));
        assertRefused("invalid integer value \"soon\" for connection option"
                + " \"connect_timeout\" (from PGCONNECT_TIMEOUT)",
                () -> settings(Map.of("PGCONNECT_TIMEOUT", "soon"), "report"));
    }

    @Test
    void thePasswordFileIsReadAsLibpqReadsIt() throws Exception {
        Path pgpass = home.resolve(".pgpass");
        Files.writeString(pgpass, "# comment\nother:*:*:*:no\nlocalhost:5432:app:alice:a\\:b\n"
                + "/tmp/pg:*:*:alice:sock\n*:*:*:*:any\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = Map.of("HOME", home.toString(), "PGUSER", "alice");

        // The default socket directory matches "localhost"; another one only its path.
        assertEquals("a:b", settings(env, "report", "-d", "app").properties()
                .getProperty("password"));
        assertEquals("sock", settings(env, "report", "-h", "/tmp/pg").properties()
                .getProperty("password"));
        assertEquals("any", settings(env, "report", "-h", "db9").properties()
                .getProperty("password"));
        assertEquals("given", settings(env, "report", "-d", "password=given").properties()
                .getProperty("password"));

        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-r-----"));
        ByteArrayOutputStream warnings = new ByteArrayOutputStream();
        ConnectionSettings readable = ConnectionSettings.of(Options.parse("report", "-d",
                "app"), env, new PrintStream(warnings, true, StandardCharsets.UTF_8));
        assertNull(readable.properties().getProperty("password"));
        assertEquals("WARNING: password file \"" + pgpass + "\" has group or world access;"
                + " permissions should be u=rw (0600) or less\n",
                warnings.toString(StandardCharsets.UTF_8).replace("\r", "")
                        .lines().findFirst().orElse("") + "\n");
    }

    @Test
    void anEmptyEnumeratedValueIsRefusedNotTheDefault() throws Exception {
        Path services = home.resolve("s.conf");
        Files.writeString(services, "[svc]\nsslmode=\n");
        Map<String, String> env = Map.of("HOME", home.toString(), "PGUSER", "u",
                "PGSSLMODE", "verify-full", "PGTARGETSESSIONATTRS", "read-write",
                "PGSERVICEFILE", services.toString());

        assertRefused("invalid sslmode value \"\" (from option --dbname; expected disable,"
                + " allow, prefer, require, verify-ca, verify-full)",
                () -> settings(env, "report", "-d", "host=db sslmode="));
        assertRefused("invalid sslmode value \"\" (from option --dbname; expected disable,"
                + " allow, prefer, require, verify-ca, verify-full)",
                () -> settings(env, "report", "-d", "postgresql://db/app?sslmode="));
        assertRefused("invalid sslmode value \"\" (from service \"svc\"; expected disable,"
                + " allow, prefer, require, verify-ca, verify-full)",
                () -> settings(env, "report", "-d", "service=svc"));
        assertRefused("invalid target_session_attrs value \"\" (from option --dbname;"
                + " expected any, read-write, read-only, primary, standby or prefer-standby)",
                () -> settings(env, "report", "-d", "host=db target_session_attrs=''"));
        for (String keyword : new String[] {"gssencmode", "channel_binding",
                "load_balance_hosts", "sslnegotiation"}) {
            assertEquals("invalid " + keyword + " value \"\" (from option --dbname",
                    assertThrows(UsageException.class, () -> settings(env, "report", "-d",
                            "host=db " + keyword + "=")).getMessage().split(";")[0]);
        }
        assertRefused("invalid gssencmode value \"\" (from PGGSSENCMODE; expected disable,"
                + " prefer, require)", () -> settings(Map.of("PGGSSENCMODE", ""), "report"));
        assertRefused("invalid integer value \"\" for connection option \"connect_timeout\""
                + " (from option --dbname)", () -> settings(env, "report", "-d",
                        "host=db connect_timeout="));
        // Elsewhere empty is the built-in default, yet still overrides the variable; and
        // an empty -h is not given at all, as psql's PQconnectdbParams skips it.
        assertEquals("jdbc:postgresql://db:5432/u", settings(Map.of("PGUSER", "u", "PGPORT",
                "6000", "PGHOST", "db"), "report", "-h", "", "-d", "port=").url());
    }

    @Test
    void requireWithARootCertificateIsVerifyCa() throws Exception {
        Map<String, String> env = Map.of("HOME", home.toString(), "PGUSER", "u");
        ConnectionSettings noRoot = settings(env, "report", "-d", "host=db sslmode=require");
        Path root = Files.createDirectories(home.resolve(".postgresql")).resolve("root.crt");
        Files.writeString(root, "");
        ConnectionSettings homeRoot = settings(env, "report", "-d", "host=db sslmode=require");
        Path named = home.resolve("ca.crt");
        Files.writeString(named, "");
        ConnectionSettings byVariable = settings(Map.of("HOME", home.toString(), "PGUSER", "u",
                "PGSSLROOTCERT", named.toString(), "PGSSLMODE", "require"), "report", "-h",
                "db");

        assertEquals("require", noRoot.properties().getProperty("sslmode"));
        assertEquals("verify-ca", homeRoot.properties().getProperty("sslmode"));
        assertEquals(root.toString(), homeRoot.properties().getProperty("sslrootcert"));
        assertEquals("verify-ca", byVariable.properties().getProperty("sslmode"));
        assertEquals(named.toString(), byVariable.properties().getProperty("sslrootcert"));
    }

    @Test
    void variablesOfKeywordsTheRunnerCannotHonourAreRefused() throws Exception {
        for (String[] v : new String[][] {{"PGSSLCRL", "sslcrl"}, {"PGSSLCRLDIR", "sslcrldir"},
                {"PGSSLMINPROTOCOLVERSION", "ssl_min_protocol_version"},
                {"PGSSLMAXPROTOCOLVERSION", "ssl_max_protocol_version"},
                {"PGREQUIREAUTH", "require_auth"}, {"PGSSLCOMPRESSION", "sslcompression"},
                {"PGSSLSNI", "sslsni"}, {"PGREQUIREPEER", "requirepeer"},
                {"PGSSLCERTMODE", "sslcertmode"}, {"PGGSSDELEGATION", "gssdelegation"}}) {
            assertRefused("connection option \"" + v[1] + "\" (from " + v[0] + ") is not"
                    + " supported by the runner", () -> settings(Map.of(v[0], "x"), "report"));
        }
        // Empty is unset to libpq; PGCLIENTENCODING only names the wire's encoding.
        ConnectionSettings s = settings(Map.of("PGSSLCRL", "", "PGCLIENTENCODING", "LATIN1",
                "PGKRBSRVNAME", "pg", "PGGSSLIB", "gssapi", "PGSSLNEGOTIATION", "direct",
                "PGSSLMODE", "verify-full", "PGHOST", "db"), "report");
        assertEquals("pg", s.properties().getProperty("kerberosServerName"));
        assertEquals("gssapi", s.properties().getProperty("gsslib"));
        assertEquals("direct", s.properties().getProperty("sslNegotiation"));
        assertRefused("weak sslmode \"prefer\" (from the default) may not be used with"
                + " sslnegotiation=direct (use \"require\", \"verify-ca\", or"
                + " \"verify-full\")", () -> settings(Map.of("PGSSLNEGOTIATION", "direct",
                        "PGHOST", "db"), "report"));
    }

    @Test
    void hostaddrWithVerifyFullIsRefused() throws Exception {
        assertRefused("sslmode \"verify-full\" (from PGSSLMODE) cannot be combined with"
                + " hostaddr (from option --dbname): the runner would verify the server's"
                + " certificate against \"10.0.0.5\", not against the host name; drop"
                + " hostaddr or use sslmode \"verify-ca\"", () -> settings(Map.of(
                        "PGSSLMODE", "verify-full"), "report", "-d",
                        "host=db.example hostaddr=10.0.0.5"));
        assertEquals("jdbc:postgresql://10.0.0.5:5432/u", settings(Map.of("PGUSER", "u",
                "PGSSLMODE", "verify-ca"), "report", "-d", "host=db.example hostaddr=10.0.0.5")
                        .url());
    }

    @Test
    void aPasswordFileInTheCredentialsDirectoryMayShowGroupRead() throws Exception {
        Path credentials = Files.createDirectory(home.resolve("credentials"));
        Path pgpass = credentials.resolve("pgpass");
        Files.writeString(pgpass, "*:*:*:*:secret\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("r--r-----"));
        Map<String, String> env = Map.of("HOME", home.toString(), "PGUSER", "u", "PGHOST",
                "db", "PGPASSFILE", pgpass.toString(), "CREDENTIALS_DIRECTORY",
                credentials.toString());
        Map<String, String> elsewhere = Map.of("HOME", home.toString(), "PGUSER", "u",
                "PGHOST", "db", "PGPASSFILE", pgpass.toString(), "CREDENTIALS_DIRECTORY",
                home.toString());

        assertEquals("secret", settings(env, "report").properties().getProperty("password"));
        assertNull(settings(elsewhere, "report").properties().getProperty("password"));
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("r--rw----"));
        assertNull(settings(env, "report").properties().getProperty("password"));
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("r--r--r--"));
        assertNull(settings(env, "report").properties().getProperty("password"));
    }

    @Test
    void aUrlNeverShowsItsPasswordAndReadsThePasswordFile() throws Exception {
        assertRefused("invalid value for option --url: \"jdbc:postgresql://127.0.0.1:bad/"
                + "postgres?user=pgw&password=***\" (not a URL pgjdbc can read)",
                () -> settings(Map.of(), "report", "--url", "jdbc:postgresql://127.0.0.1:bad/"
                        + "postgres?user=pgw&password=TOPSECRET"));
        Path pgpass = home.resolve(".pgpass");
        Files.writeString(pgpass, "db:5433:app:pgw:fromfile\n");
        Files.setPosixFilePermissions(pgpass, PosixFilePermissions.fromString("rw-------"));
        Map<String, String> env = Map.of("HOME", home.toString());

        assertEquals("fromfile", settings(env, "report", "--url",
                "jdbc:postgresql://db:5433/app?user=pgw").properties().getProperty("password"));
        // The URL's own password (pgjdbc reads it from the URL) is not replaced.
        assertNull(settings(env, "report", "--url",
                "jdbc:postgresql://db:5433/app?user=pgw&password=given").properties()
                        .getProperty("password"));
        assertNull(settings(env, "report", "--url", "jdbc:postgresql://db:5433/app?user=bob")
                .properties().getProperty("password"));
    }

    @Test
    void aServiceFileIsReadAsLibpqReadsIt() throws Exception {
        Path user = home.resolve("user.conf");
        Files.writeString(user, "[a]\nhost=user-file\nhost=ignored\n");
        Path sysconf = Files.createDirectory(home.resolve("etc"));
        Files.writeString(sysconf.resolve("pg_service.conf"), "[b]\n  port=6543  \n");
        Map<String, String> env = Map.of("HOME", home.toString(), "PGSERVICEFILE",
                user.toString(), "PGSYSCONFDIR", sysconf.toString(), "PGUSER", "u");

        assertEquals("jdbc:postgresql://user-file:5432/u",
                settings(env, "report", "-d", "service=a").url());
        // Not in the user's file: the system-wide one.
        assertEquals("jdbc:postgresql://localhost:6543/u",
                settings(env, "report", "-d", "service=b").attempts().get(1).url());
        assertRefused("definition of service \"c\" not found (looked in " + user + " and "
                + sysconf.resolve("pg_service.conf") + ")",
                () -> settings(env, "report", "-d", "service=c"));
        Files.writeString(user, "[a]\nhost = spaced\n");
        assertRefused("invalid connection option \"host \" in service file \"" + user
                + "\", line 2", () -> settings(env, "report", "-d", "service=a"));
        Files.writeString(user, "[a]\nservice=b\n");
        assertRefused("nested service specifications not supported in service file \"" + user
                + "\", line 2", () -> settings(env, "report", "-d", "service=a"));
    }

    @Test
    void theDescriptionNeverShowsThePassword() throws Exception {
        ConnectionSettings s = settings(Map.of("PGPASSWORD", "hush"), "report", "-d",
                "postgresql://u:hush2@db/app");
        assertFalse(s.description().contains("hush"), s.description());
        assertEquals("hush2", s.properties().getProperty("password"));
    }

    @Test
    void urlCannotBeMixedWithLibpqOptions() {
        assertRefused("option --url cannot be combined with --host", () -> settings(Map.of(),
                "report", "--url", "jdbc:postgresql://db/app", "-h", "db"));
    }

    private static ConnectionSettings settings(Map<String, String> env, String... args)
            throws Exception {
        return ConnectionSettings.of(Options.parse(args), env,
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
    }

    private static void assertRefused(String message,
            org.junit.jupiter.api.function.Executable call) {
        assertEquals(message, assertThrows(UsageException.class, call).getMessage());
    }
}
