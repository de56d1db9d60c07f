package org.pgwarden;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * A TCP link to the test server that delivers what the client sends {@code latency} late, as
 * a runner far from its server sees it: between two statements of one transaction the server
 * waits for the client at least that long, idle in transaction. Replies pass at once.
 */
final class SlowLink implements AutoCloseable {

    private final TestServer server;
    private final Duration latency;
    private final ServerSocket listener;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();

    SlowLink(TestServer server, Duration latency) throws IOException {
        this.server = server;
        this.latency = latency;
        this.listener = new ServerSocket(0, 8, InetAddress.getLoopbackAddress());
        daemon("slow-link-accept", this::accept);
    }

    /** A session of {@code user} on the test database through this link. */
    Connection connect(String user, String password, String applicationName)
            throws SQLException {
        Properties props = new Properties();
        props.setProperty("user", user);
        props.setProperty("password", password);
        props.setProperty("ApplicationName", applicationName);
        props.setProperty("sslmode", "disable");
        return DriverManager.getConnection("jdbc:postgresql://"
                + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort()
                + "/" + TestServer.DATABASE, props);
    }

    private void accept() {
        try {
            while (true) {
                Socket client = listener.accept();
                Socket backend = new Socket(server.host, server.port);
                client.setTcpNoDelay(true);
                backend.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(backend);
                daemon("slow-link-up", () -> pump(client, backend, latency));
                daemon("slow-link-down", () -> pump(backend, client, Duration.ZERO));
            }
        } catch (IOException closed) {
            // the link was closed
        }
    }

    /**
     * Copies {@code from} to {@code to}, each piece {@code delay} after it was read: a
     * latency, not a pause per piece, so that pieces sent together arrive together.
     */
    private static void pump(Socket from, Socket to, Duration delay) {
        BlockingQueue<Piece> pieces = new LinkedBlockingQueue<>();
        daemon("slow-link-deliver", () -> deliver(pieces, from, to, delay));
        byte[] buffer = new byte[65536];
        try (InputStream in = from.getInputStream()) {
            int n;
            while ((n = in.read(buffer)) >= 0) {
                pieces.add(new Piece(System.nanoTime(), Arrays.copyOf(buffer, n)));
            }
        } catch (IOException closed) {
            // one end went away
        } finally {
            pieces.add(new Piece(System.nanoTime(), null));
        }
    }

    private static void deliver(BlockingQueue<Piece> pieces, Socket from, Socket to,
            Duration delay) {
        try (OutputStream out = to.getOutputStream()) {
            while (true) {
                Piece piece = pieces.take();
                long wait = piece.readAt() + delay.toNanos() - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                if (piece.bytes() == null) {
                    break;
                }
                out.write(piece.bytes());
                out.flush();
            }
        } catch (IOException | InterruptedException closed) {
            // one end went away
        } finally {
            close(from);
            close(to);
        }
    }

    /** What one read got, and when; null bytes for the end of the stream. */
    private record Piece(long readAt, byte[] bytes) {
    }

    private static void daemon(String name, Runnable work) {
        Thread t = new Thread(work, name);
        t.setDaemon(true);
        t.start();
    }

    private static void close(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        close(listener);
        sockets.forEach(SlowLink::close);
    }
}
