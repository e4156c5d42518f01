package io.guildnet.proxy;

import java.io.IOException;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keep-alive connections per upstream. Most recently used first (hot connections stay warm);
 * idle ones expire; a connection idle for more than a moment is probed before reuse. A
 * connection is returned only after a complete exchange; one whose upgrade failed, whose body
 * was cut short or that said {@code Connection: close} is closed instead.
 */
public final class UpstreamPool implements AutoCloseable {

    private final Map<String, Deque<UpstreamConnection>> idle = new ConcurrentHashMap<>();
    private final long keepAliveNanos;
    private final int maxIdlePerUpstream;
    private final int connectTimeoutMs;
    private final AtomicInteger opened = new AtomicInteger();
    private final AtomicInteger idleCount = new AtomicInteger();
    private volatile boolean closed;

    public UpstreamPool(long keepAliveMs, int maxIdlePerUpstream, int connectTimeoutMs) {
        this.keepAliveNanos = TimeUnit.MILLISECONDS.toNanos(keepAliveMs);
        this.maxIdlePerUpstream = maxIdlePerUpstream;
        this.connectTimeoutMs = connectTimeoutMs;
    }

    /** A pooled connection if a live one is idle, else a new one. */
    public UpstreamConnection acquire(Upstream u) throws IOException {
        Deque<UpstreamConnection> q = idle.get(u.key());
        if (q != null) {
            UpstreamConnection c;
            while ((c = q.pollFirst()) != null) {
                idleCount.decrementAndGet();
                if (c.closed() || c.idleNanos() > keepAliveNanos) {
                    c.close();
                    continue;
                }
                // a connection idle for a while may have been closed by the upstream meanwhile
                if (c.idleNanos() > TimeUnit.SECONDS.toNanos(2) && !c.probeAlive()) {
                    c.close();
                    continue;
                }
                return c;
            }
        }
        return open(u);
    }

    /** A new connection that is never taken from the pool (upgrades, retries). */
    public UpstreamConnection open(Upstream u) throws IOException {
        if (closed) throw new IOException("proxy is shutting down");
        UpstreamConnection c = new UpstreamConnection(u, u.connect(connectTimeoutMs));
        opened.incrementAndGet();
        return c;
    }

    public void release(UpstreamConnection c) {
        if (closed || c.closed()) {
            c.close();
            return;
        }
        c.markIdle();
        // offered inside compute: atomic with evictIdle's removal of an empty deque for the same key
        Deque<UpstreamConnection> q = idle.compute(c.upstream().key(), (k, d) -> {
            Deque<UpstreamConnection> dq = d != null ? d : new ConcurrentLinkedDeque<>();
            dq.offerFirst(c);
            return dq;
        });
        if (idleCount.incrementAndGet() > 0 && q.size() > maxIdlePerUpstream) {
            UpstreamConnection old = q.pollLast();
            if (old != null) {
                idleCount.decrementAndGet();
                old.close();
            }
        }
    }

    /** Closes idle connections past the keep-alive time; run periodically. */
    public void evictIdle() {
        for (Deque<UpstreamConnection> q : idle.values()) {
            for (UpstreamConnection c : q) {
                if (c.closed() || c.idleNanos() > keepAliveNanos) {
                    if (q.remove(c)) {
                        idleCount.decrementAndGet();
                        c.close();
                    }
                }
            }
        }
        for (String k : idle.keySet()) idle.computeIfPresent(k, (key, d) -> d.isEmpty() ? null : d);
    }

    /** Closes every idle connection to upstreams whose key starts with {@code prefix} (e.g. a dead port-forward). */
    public void forget(Upstream u) {
        Deque<UpstreamConnection> q = idle.get(u.key());
        if (q == null) return;
        for (UpstreamConnection c; (c = q.pollFirst()) != null; ) {
            idleCount.decrementAndGet();
            c.close();
        }
        idle.computeIfPresent(u.key(), (key, d) -> d.isEmpty() ? null : d);
    }

    public int idleConnections() { return Math.max(0, idleCount.get()); }

    public int openedTotal() { return opened.get(); }

    @Override
    public void close() {
        closed = true;
        for (Deque<UpstreamConnection> q : idle.values()) {
            for (UpstreamConnection c; (c = q.pollFirst()) != null; ) c.close();
        }
        idle.clear();
        idleCount.set(0);
    }
}
