package io.guildnet.proxy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** One open connection to an {@link Upstream}, with buffered streams; owned by one exchange at a time. */
public final class UpstreamConnection implements AutoCloseable {

    private final Upstream upstream;
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final long createdNanos = System.nanoTime();
    private long idleSinceNanos;
    private int uses;
    private volatile boolean closed;

    UpstreamConnection(Upstream upstream, Socket socket) throws IOException {
        this.upstream = upstream;
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 16 * 1024);
        this.out = new BufferedOutputStream(socket.getOutputStream(), 16 * 1024);
    }

    public Upstream upstream() { return upstream; }

    public InputStream in() { return in; }

    public OutputStream out() { return out; }

    public Socket socket() { return socket; }

    /** How many exchanges used this connection before the current one. */
    public int reuses() { return uses; }

    void markIdle() {
        idleSinceNanos = System.nanoTime();
        uses++;
    }

    long idleNanos() { return System.nanoTime() - idleSinceNanos; }

    long ageNanos() { return System.nanoTime() - createdNanos; }

    void timeout(int ms) throws IOException { socket.setSoTimeout(ms); }

    /**
     * Whether an idle pooled connection is still open: a 1 ms read that times out means
     * nothing arrived and the peer did not close it.
     */
    boolean probeAlive() {
        try {
            if (in.available() > 0) return false; // unexpected bytes: not safe to reuse
            socket.setSoTimeout(1);
            in.mark(1);
            int c = in.read();
            if (c < 0) return false;
            in.reset();
            return false;
        } catch (SocketTimeoutException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public boolean closed() { return closed || socket.isClosed(); }

    @Override
    public void close() {
        closed = true;
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
