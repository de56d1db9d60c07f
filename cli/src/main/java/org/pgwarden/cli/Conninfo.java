package org.pgwarden.cli;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A libpq connection string, in either of its two forms (libpq's "Connection Strings"):
 * {@code host=db1 port=5433 dbname='my app'} or {@code postgresql://alice@db1:5433/app?...},
 * read into libpq keywords. pgjdbc reads neither form: its parser takes only
 * {@code jdbc:postgresql:} URLs, whose parameter names are its own.
 */
final class Conninfo {

    private Conninfo() {
    }

    /** Whether psql would read this -d value as a connection string, not a database name. */
    static boolean isConnectionString(String text) {
        return text.startsWith("postgresql://") || text.startsWith("postgres://")
                || text.contains("=");
    }

    /**
     * The keywords of {@code text}, in order; {@code source} names where it came from, for
     * messages, which quote a keyword or a bad token but never the whole string: it may hold
     * a password.
     */
    static Map<String, String> parse(String text, String source) throws UsageException {
        if (text.startsWith("postgresql://") || text.startsWith("postgres://")) {
            return new UriReader(text, source).read();
        }
        return keywordValues(text, source);
    }

    /** libpq's conninfo_parse: whitespace-separated keyword = value. */
    private static Map<String, String> keywordValues(String text, String source)
            throws UsageException {
        Map<String, String> result = new LinkedHashMap<>();
        int i = 0;
        int n = text.length();
        while (true) {
            i = skipSpace(text, i);
            if (i >= n) {
                return result;
            }
            int start = i;
            while (i < n && text.charAt(i) != '=' && !Character.isWhitespace(text.charAt(i))) {
                i++;
            }
            String keyword = text.substring(start, i);
            i = skipSpace(text, i);
            if (i >= n || text.charAt(i) != '=') {
                throw new UsageException("invalid connection string in " + source
                        + ": missing \"=\" after \"" + keyword + "\"");
            }
            i = skipSpace(text, i + 1);
            StringBuilder value = new StringBuilder();
            if (i < n && text.charAt(i) == '\'') {
                // Quoted: spaces kept, \' and \\ stand for ' and \ (any \x for x).
                i++;
                while (true) {
                    if (i >= n) {
                        throw new UsageException("invalid connection string in " + source
                                + ": unterminated quoted string in the value of \"" + keyword
                                + "\"");
                    }
                    char c = text.charAt(i++);
                    if (c == '\'') {
                        break;
                    }
                    if (c == '\\' && i < n) {
                        c = text.charAt(i++);
                    }
                    value.append(c);
                }
            } else {
                while (i < n && !Character.isWhitespace(text.charAt(i))) {
                    char c = text.charAt(i++);
                    if (c == '\\' && i < n) {
                        c = text.charAt(i++);
                    }
                    value.append(c);
                }
            }
            Keywords.check(keyword, source);
            result.put(keyword, value.toString());
        }
    }

    private static int skipSpace(String text, int i) {
        while (i < text.length() && Character.isWhitespace(text.charAt(i))) {
            i++;
        }
        return i;
    }

    /**
     * libpq's conninfo_uri_parse: {@code postgresql://[user[:password]@][host[:port]][,...]
     * [/dbname][?keyword=value&...]}, each part percent-decoded.
     */
    private static final class UriReader {
        private final String text;
        private final String source;
        private int at;

        UriReader(String text, String source) {
            this.text = text;
            this.source = source;
            this.at = text.indexOf("://") + 3;
        }

        Map<String, String> read() throws UsageException {
            Map<String, String> result = new LinkedHashMap<>();
            // As libpq: the first "@" before any "/" ends the user name and password.
            int credentialsEnd = text.indexOf('@', at);
            if (credentialsEnd >= 0 && credentialsEnd < indexOfAny(at, "/")) {
                String credentials = text.substring(at, credentialsEnd);
                int colon = credentials.indexOf(':');
                String user = colon < 0 ? credentials : credentials.substring(0, colon);
                if (!user.isEmpty()) {
                    result.put("user", decode(user, "the user name"));
                }
                if (colon >= 0 && colon + 1 < credentials.length()) {
                    // Never quoted in a message: it is the password.
                    result.put("password", decode(credentials.substring(colon + 1), null));
                }
                at = credentialsEnd + 1;
            }
            readHosts(result);
            if (at < text.length() && text.charAt(at) == '/') {
                int end = indexOfAny(at + 1, "?");
                String dbname = text.substring(at + 1, end);
                if (!dbname.isEmpty()) {
                    result.put("dbname", decode(dbname, "the database name"));
                }
                at = end;
            }
            if (at < text.length() && text.charAt(at) == '?') {
                readParameters(text.substring(at + 1), result);
            }
            return result;
        }

        private void readHosts(Map<String, String> result) throws UsageException {
            List<String> hosts = new ArrayList<>();
            List<String> ports = new ArrayList<>();
            boolean anyHost = false;
            boolean anyPort = false;
            while (true) {
                String host;
                if (at < text.length() && text.charAt(at) == '[') {
                    int close = text.indexOf(']', at);
                    if (close < 0) {
                        throw invalid("missing \"]\" after the IPv6 host address");
                    }
                    host = text.substring(at + 1, close);
                    if (host.isEmpty()) {
                        throw invalid("empty IPv6 host address");
                    }
                    at = close + 1;
                    if (at < text.length() && ":/?,".indexOf(text.charAt(at)) < 0) {
                        throw invalid("unexpected character \"" + text.charAt(at)
                                + "\" after the IPv6 host address");
                    }
                } else {
                    int end = indexOfAny(at, ":/?,");
                    host = decode(text.substring(at, end), "a host name");
                    at = end;
                }
                String port = "";
                if (at < text.length() && text.charAt(at) == ':') {
                    int end = indexOfAny(at + 1, "/?,");
                    port = decode(text.substring(at + 1, end), "a port");
                    at = end;
                }
                hosts.add(host);
                ports.add(port);
                anyHost |= !host.isEmpty();
                anyPort |= !port.isEmpty();
                if (at < text.length() && text.charAt(at) == ',') {
                    at++;
                } else {
                    break;
                }
            }
            if (anyHost || hosts.size() > 1) {
                result.put("host", String.join(",", hosts));
            }
            if (anyPort) {
                result.put("port", String.join(",", ports));
            }
        }

        private void readParameters(String query, Map<String, String> result)
                throws UsageException {
            for (String pair : query.split("&", -1)) {
                int equals = pair.indexOf('=');
                if (equals < 0) {
                    throw invalid("missing \"=\" in the query parameter \""
                            + decode(pair, "a query parameter") + "\"");
                }
                String keyword = decode(pair.substring(0, equals), "a query parameter");
                Keywords.check(keyword, source);
                String value = pair.substring(equals + 1);
                result.put(keyword, decode(value, keyword.equals("password") ? null
                        : "the value of \"" + keyword + "\""));
            }
        }

        private int indexOfAny(int from, String chars) {
            int i = from;
            while (i < text.length() && chars.indexOf(text.charAt(i)) < 0) {
                i++;
            }
            return i;
        }

        /**
         * Percent-decodes {@code part}; {@code what} names it in a message, or is null when
         * the part must not be quoted (a password).
         */
        private String decode(String part, String what) throws UsageException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int i = 0; i < part.length(); i++) {
                char c = part.charAt(i);
                if (c != '%') {
                    byte[] b = String.valueOf(c).getBytes(StandardCharsets.UTF_8);
                    bytes.write(b, 0, b.length);
                    continue;
                }
                int value = i + 2 < part.length() ? hex(part.charAt(i + 1), part.charAt(i + 2))
                        : -1;
                if (value < 0) {
                    throw invalid(what == null ? "invalid percent-encoding in the password"
                            : "invalid percent-encoded token in " + what + ": \"" + part + "\"");
                }
                if (value == 0) {
                    // libpq refuses %00: a NUL would cut the value short.
                    throw invalid(what == null ? "forbidden %00 in the password"
                            : "forbidden %00 in " + what + ": \"" + part + "\"");
                }
                bytes.write(value);
                i += 2;
            }
            return bytes.toString(StandardCharsets.UTF_8);
        }

        private static int hex(char high, char low) {
            int h = Character.digit(high, 16);
            int l = Character.digit(low, 16);
            return h < 0 || l < 0 ? -1 : h * 16 + l;
        }

        private UsageException invalid(String why) {
            return new UsageException("invalid URI in " + source + ": " + why);
        }
    }
}
