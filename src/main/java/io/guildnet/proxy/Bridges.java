package io.guildnet.proxy;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Logger;

/**
 * The open proxied WebSockets: pumps them on the proxy's executor, closes those idle for
 * longer than the idle timeout, and closes all of them at shutdown (so browsers see a clean
 * close instead of a hang).
 */
public final class Bridges implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(Bridges.class.getName());

    private final Set<WebSocketRelay> open = ConcurrentHashMap.newKeySet();
    private final ExecutorService pumps;
    private final long idleTimeoutNanos;
    private final LongAdder bytes = new LongAdder();
    private final LongAdder total = new LongAdder();
    private volatile boolean closed;

    public Bridges(ExecutorService pumps, long idleTimeoutMs) {
        this.pumps = pumps;
        this.idleTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(idleTimeoutMs);
    }

    void pump(Runnable r) {
        pumps.execute(r);
    }

    void opened(WebSocketRelay b) {
        if (closed) {
            b.close(jakarta.websocket.CloseReason.CloseCodes.GOING_AWAY, "Host App shutting down", true);
            return;
        }
        open.add(b);
        total.increment();
    }

    void closed(WebSocketRelay b) {
        if (open.remove(b)) LOG.fine(() -> "proxy WebSocket " + b.base() + " closed");
    }

    void bytes(long n) { bytes.add(n); }

    public int openCount() { return open.size(); }

    public long totalOpened() { return total.sum(); }

    public long bytesCopied() { return bytes.sum(); }

    /** Closes bridges idle in both directions for longer than the idle timeout; run periodically. */
    public int sweepIdle() {
        int n = 0;
        for (WebSocketRelay b : open) {
            if (b.idleNanos() > idleTimeoutNanos) {
                b.close(jakarta.websocket.CloseReason.CloseCodes.GOING_AWAY, "idle timeout", true);
                n++;
            }
        }
        return n;
    }

    @Override
    public void close() {
        closed = true;
        for (WebSocketRelay b : open) b.close(jakarta.websocket.CloseReason.CloseCodes.GOING_AWAY, "Host App shutting down", true);
        open.clear();
    }
}
