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
import java.util.concurrent.atomic.AtomicLong;

/**
 * One published service: a loopback listener whose connections are piped, byte for byte, to a
 * connection the {@link Dialer} opens for each of them (the workspace's pod through a
 * port-forward, so a restarted pod is found). The cluster's tailnet connector forwards its tailnet
 * port to {@link #localPort()}. When either side ends, both are closed: a Kubernetes port-forward
 * does not carry half-closes, so waiting for the pod to answer an EOF it never sees would hold the
 * connection (and its threads) forever. At most {@code maxConnections} are open at once; more are
 * refused.
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
    private final java.util.concurrent.Semaphore slots;
    private volatile String lastError;
    private volatile boolean closed;

    private Publication(ServerSocket server, ExecutorService exec, Dialer dialer, int maxConnections) {
        this.server = server;
        this.exec = exec;
        this.dialer = dialer;
        this.slots = new java.util.concurrent.Semaphore(maxConnections);
    }

    /** Listens on a free loopback port and starts accepting on {@code exec}. */
    public static Publication open(Dialer dialer, ExecutorService exec, int maxConnections) throws IOException {
        ServerSocket ss = new ServerSocket(0, 64, InetAddress.getLoopbackAddress());
        Publication p = new Publication(ss, exec, dialer, maxConnections);
        try {
            exec.execute(p::acceptLoop);
        } catch (RuntimeException e) {
            ss.close();
            throw new IOException("cannot start the listener: " + e.getMessage(), e);
        }
        return p;
    }

    public int localPort() { return server.getLocalPort(); }

    /** Whether the listener is still open. */
    boolean listening() { return !server.isClosed(); }

    /** Connections accepted so far. */
    public long accepted() { return accepted.get(); }

    /** Connections whose upstream could not be opened. */
    public long failed() { return failed.get(); }

    /** Why the last upstream could not be opened, or null. */
    public String lastError() { return lastError; }

    /** Connections open now (both sides counted once). */
    public int openConnections() { return open.size() / 2; }

    private void acceptLoop() {
        long backoff = 50;
        while (!closed) {
            Socket c;
            try {
                c = server.accept();
                backoff = 50;
            } catch (IOException e) {
                if (closed) return;
                lastError = "accept failed: " + e.getMessage();
                try {
                    Thread.sleep(backoff); // e.g. out of file descriptors: do not spin
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    return;
                }
                backoff = Math.min(2000, backoff * 2);
                continue;
            }
            accepted.incrementAndGet();
            if (!slots.tryAcquire()) {
                failed.incrementAndGet();
                lastError = "too many connections (" + openConnections() + " open)";
                quietly(c);
                continue;
            }
            try {
                exec.execute(() -> {
                    try {
                        handle(c);
                    } finally {
                        slots.release();
                    }
                });
            } catch (RuntimeException e) {
                slots.release();
                quietly(c);
            }
        }
    }

    /** Runs on the accepting task's thread until the connection ends; a second task copies the other way. */
    private void handle(Socket client) {
        Socket up;
        try {
            up = dialer.dial();
            lastError = null;
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
        java.util.concurrent.CountDownLatch other = new java.util.concurrent.CountDownLatch(1);
        try {
            exec.execute(() -> {
                try {
                    pump(up, client);
                } finally {
                    other.countDown();
                }
            });
        } catch (RuntimeException e) {
            end(client, up);
            return;
        }
        pump(client, up);
        try {
            other.await(); // the other direction ends at once: pump closed both sockets
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Copies {@code from} to {@code to} until either ends, then closes both. */
    private void pump(Socket from, Socket to) {
        try {
            // never closed here: closing a socket's stream closes the socket
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            byte[] buf = new byte[16 * 1024];
            int n;
            while ((n = in.read(buf)) > 0) {
                out.write(buf, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // reset or closed
        } finally {
            end(from, to);
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
