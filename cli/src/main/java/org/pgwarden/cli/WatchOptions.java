package org.pgwarden.cli;

import java.net.InetAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;

/**
 * What watch takes besides enforce's --dry-run, checked before anything connects.
 *
 * @param interval from the start of one run to the start of the next
 * @param logFormat how the lines on stdout are written
 * @param metricsPort where /metrics is served; null for no metrics
 * @param metricsAddress the address /metrics listens on
 */
record WatchOptions(Duration interval, LogFormat logFormat, Integer metricsPort,
        InetAddress metricsAddress) {

    /** Loopback only unless asked: the metrics name roles, databases and policies. */
    static final String DEFAULT_ADDRESS = "127.0.0.1";

    /** Reads the options' texts as given; null for an option not given. */
    static WatchOptions of(String interval, String logFormat, String port, String address)
            throws UsageException {
        if (interval == null) {
            throw new UsageException("option --interval is required for watch");
        }
        if (address != null && port == null) {
            throw new UsageException("option --metrics-address needs --metrics-port");
        }
        return new WatchOptions(WatchInterval.parse(interval),
                logFormat == null ? LogFormat.TEXT : LogFormat.of(logFormat),
                port == null ? null : port(port),
                address(address == null ? DEFAULT_ADDRESS : address));
    }

    private static int port(String value) throws UsageException {
        // Port 0 would pick a port nobody could be told to scrape.
        if (value.matches("\\d{1,5}")) {
            int port = Integer.parseInt(value);
            if (port >= 1 && port <= 65535) {
                return port;
            }
        }
        throw new UsageException("invalid value for option --metrics-port: \"" + value
                + "\" (expected a port number from 1 to 65535)");
    }

    private static InetAddress address(String value) throws UsageException {
        InetAddress address;
        try {
            address = InetAddress.getByName(value);
        } catch (UnknownHostException e) {
            throw invalidAddress(value, "unknown host");
        }
        try {
            if (!address.isAnyLocalAddress() && !address.isLoopbackAddress()
                    && NetworkInterface.getByInetAddress(address) == null) {
                throw invalidAddress(value, "not an address of this host");
            }
        } catch (SocketException e) {
            throw invalidAddress(value, e.getMessage());
        }
        return address;
    }

    private static UsageException invalidAddress(String value, String why) {
        return new UsageException("invalid value for option --metrics-address: \"" + value
                + "\" (" + why + ")");
    }
}
