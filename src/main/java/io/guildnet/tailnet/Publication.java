package io.guildnet.tailnet;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One published service: a loopback listener whose connections are piped, byte for byte and
 * with half-closes passed on, to a connection the {@link Dialer} opens for each of them (the
 * workspace's pod through a port-forward, looked up afresh, so a restarted pod is found). The
 * cluster's tailnet connector forwards its tailnet port to {@link #localPort()}.
 */
public final class Publication implements AutoCloseable {

    /** Opens the upstream connection for one accepted connection. */
    @FunctionalInterface
    public interface Dialer {
        Socket dial() throws IOException;
    }

    private final ServerSocket server;
    private final ExecutorService exec;
    private final Dialer dialer;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private volatile String lastError;
    private volatile boolean closed;

    private Publication(ServerSocket server, ExecutorService exec, Dialer dialer) {
        this.server = server;
        this.exec = exec;
        this.dialer = dialer;
    }

    /** Listens on a free loopback port and starts accepting on {@code exec}. */
    public static Publication open(Dialer dialer, ExecutorService exec) throws IOException {
        ServerSocket ss = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Publication p = new Publication(ss, exec, dialer);
        try {
            exec.execute(p::acceptLoop);
        } catch (RuntimeException e) {
            ss.close();
            throw new IOException("cannot start the listener: " + e.getMessage(), e);
        }
        return p;
    }

    public int localPort() { return server.getLocalPort(); }

    /** Connections accepted so far. */
    public long accepted() { return accepted.get(); }

    /** Connections whose upstream could not be opened. */
    public long failed() { return failed.get(); }

    /** Why the last upstream could not be opened, or null. */
    public String lastError() { return lastError; }

    /** Connections open now (both sides counted once). */
    public int openConnections() { return open.size() / 2; }

    private void acceptLoop() {
        while (!closed) {
            Socket c;
            try {
                c = server.accept();
            } catch (IOException e) {
                if (closed) return;
                lastError = "accept failed: " + e.getMessage();
                continue;
            }
            accepted.incrementAndGet();
            try {
                exec.execute(() -> handle(c));
            } catch (RuntimeException e) {
                quietly(c);
            }
        }
    }

    private void handle(Socket client) {
        Socket up;
        try {
            up = dialer.dial();
        } catch (IOException | RuntimeException e) {
            failed.incrementAndGet();
            lastError = String.valueOf(e.getMessage());
            quietly(client);
            return;
        }
        open.add(client);
        open.add(up);
        if (closed) {
            end(client, up);
            return;
        }
        AtomicInteger directions = new AtomicInteger(2);
        try {
            exec.execute(() -> pump(up, client, directions));
        } catch (RuntimeException e) {
            end(client, up);
            return;
        }
        pump(client, up, directions);
    }

    /** Copies {@code from} to {@code to}; at EOF passes the half-close on; the second direction to finish closes both. */
    private void pump(Socket from, Socket to, AtomicInteger directions) {
        try {
            // never closed here: closing a socket's stream closes the socket, which the other direction still writes to
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                out.flush();
            }
            to.shutdownOutput();
        } catch (IOException e) {
            // reset or closed: end both
            directions.set(1);
        } finally {
            if (directions.decrementAndGet() <= 0) end(from, to);
        }
    }

    private void end(Socket a, Socket b) {
        open.remove(a);
        open.remove(b);
        quietly(a);
        quietly(b);
    }

    private static void quietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    /** Stops listening and cuts the open connections. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closed anyway
        }
        for (Socket s : open) quietly(s);
        open.clear();
    }
}
