package org.pgwarden.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * One server to try: a TCP host and port, or a Unix socket.
 *
 * @param host the host name as given (empty: none), for the password file
 * @param address where to connect over TCP: the host address, else the host name
 * @param socket the socket file, or null for TCP
 * @param port the port
 */
record Endpoint(String host, String address, String socket, int port) {

    private static final int DEFAULT_PORT = 5432;

    /**
     * The endpoints host, hostaddr and port name, paired as libpq pairs them: one port for
     * every host or one for all, one hostaddr for every host.
     */
    static List<Endpoint> list(Parameters p) throws UsageException {
        List<String> hosts = split(p.value("host", ""));
        String hostaddrValue = p.value("hostaddr", null);
        List<String> addrs = hostaddrValue == null ? null : split(hostaddrValue);
        if (addrs != null && p.value("host", null) == null) {
            hosts = new ArrayList<>(addrs.stream().map(a -> "").toList());
        }
        if (addrs != null && addrs.size() != hosts.size()) {
            throw new UsageException("could not match " + hosts.size() + " host names to "
                    + addrs.size() + " hostaddr values (from " + p.source("host") + " and "
                    + p.source("hostaddr") + ")");
        }
        List<String> ports = split(p.value("port", ""));
        if (ports.size() != 1 && ports.size() != hosts.size()) {
            throw new UsageException("could not match " + ports.size() + " port numbers to "
                    + hosts.size() + " hosts (from " + p.source("port") + ")");
        }
        List<Endpoint> result = new ArrayList<>();
        for (int i = 0; i < hosts.size(); i++) {
            int port = port(ports.get(ports.size() == 1 ? 0 : i), p);
            String host = hosts.get(i).strip();
            String addr = addrs == null ? "" : addrs.get(i).strip();
            if (!addr.isEmpty()) {
                result.add(new Endpoint(host, addr, null, port));
            } else if (host.startsWith("/")) {
                result.add(new Endpoint(host, null, socketFile(host, port), port));
            } else if (!host.isEmpty()) {
                result.add(new Endpoint(host, host, null, port));
            } else {
                // An empty host is libpq's default, the socket directory ("Connection
                // Strings": "the default is to connect to a Unix-domain socket"), in a list
                // too: connectOptions2 gives each empty entry DEFAULT_PGSOCKET_DIR.
                result.add(new Endpoint("", null, socketFile(PgPass.DEFAULT_SOCKET_DIR, port),
                        port));
                if (hosts.size() == 1) {
                    // With no host at all, then localhost, where the runner connected
                    // before it could use a socket. Not in a list: there the user named the
                    // servers, and libpq would try no other.
                    result.add(new Endpoint("localhost", "localhost", null, port));
                }
            }
        }
        return result;
    }

    /** The name libpq looks up in the password file: host, else hostaddr. */
    String passwordHost() {
        return !host.isEmpty() ? host : address != null ? address : "";
    }

    @Override
    public String toString() {
        return socket != null ? "socket \"" + socket + "\"" : address + ":" + port;
    }

    private static String socketFile(String dir, int port) {
        return (dir.endsWith("/") ? dir : dir + "/") + ".s.PGSQL." + port;
    }

    private static List<String> split(String value) {
        return Arrays.asList(value.split(",", -1));
    }

    /** libpq's check: a decimal number from 1 to 65535; empty means 5432. */
    private static int port(String text, Parameters p) throws UsageException {
        String value = text.strip();
        if (value.isEmpty()) {
            return DEFAULT_PORT;
        }
        try {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new UsageException("invalid port number \"" + text + "\" (from "
                + p.source("port") + ")");
    }
}
