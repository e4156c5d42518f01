package io.guildnet.proxy;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.LocalPortForward;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * A cluster's port-forwards (fabric8, over the API server's {@code pods/portforward}): one per
 * (namespace, pod, port), shared by every request and by the RethinkDB link, listening on a
 * loopback port the OS picked (no bind-and-close race), re-established when it dies, evicted
 * after an idle time and closed with the cluster instance. A pod that changes gets a new
 * entry (the key holds its name); the old one is evicted when idle.
 */
public final class PortForwards implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(PortForwards.class.getName());

    private record Key(String ns, String pod, int port) {}

    private static final class Entry {
        final LocalPortForward pf;
        volatile long lastUsed = System.nanoTime();
        /** Long-lived connections (published services) using this forward: it is neither evicted nor replaced while any is open. */
        final java.util.concurrent.atomic.AtomicInteger leases = new java.util.concurrent.atomic.AtomicInteger();

        Entry(LocalPortForward pf) { this.pf = pf; }

        /** A forward that saw a stream error is replaced, unless leased connections still run on it (the error may be one of theirs). */
        boolean alive() { return pf.isAlive() && (leases.get() > 0 || !pf.errorOccurred()); }
    }

    /** A leased forward: {@link #release()} when the connection using it ends. */
    public static final class Lease {
        private final InetSocketAddress address;
        private final Entry entry;
        private final java.util.concurrent.atomic.AtomicBoolean released = new java.util.concurrent.atomic.AtomicBoolean();

        private Lease(InetSocketAddress address, Entry entry) {
            this.address = address;
            this.entry = entry;
        }

        public InetSocketAddress address() { return address; }

        public void release() {
            if (released.compareAndSet(false, true)) {
                entry.leases.decrementAndGet();
                entry.lastUsed = System.nanoTime();
            }
        }
    }

    /** Like {@link #ensure}, holding the forward open (no idle eviction, no replacement) until the lease is released. */
    public Lease lease(String ns, String pod, int port) throws IOException {
        synchronized (this) {
            InetSocketAddress a = ensure(ns, pod, port);
            Entry e = entries.get(new Key(ns, pod, port));
            if (e == null) throw new IOException("cluster " + clusterId + " is closing");
            e.leases.incrementAndGet();
            return new Lease(a, e);
        }
    }

    private final String clusterId;
    private final KubernetesClient client;
    private final long idleNanos;
    private final Map<Key, Entry> entries = new ConcurrentHashMap<>();
    private volatile boolean closed;

    public PortForwards(String clusterId, KubernetesClient client, long idleMs) {
        this.clusterId = clusterId;
        this.client = client;
        this.idleNanos = TimeUnit.MILLISECONDS.toNanos(idleMs);
    }

    /** The loopback address of a live port-forward to {@code pod:port}, opened if needed. */
    public InetSocketAddress ensure(String ns, String pod, int port) throws IOException {
        if (closed) throw new IOException("cluster " + clusterId + " is closing");
        Key k = new Key(ns, pod, port);
        Entry e = entries.get(k);
        if (e != null && e.alive()) {
            e.lastUsed = System.nanoTime();
            return new InetSocketAddress(e.pf.getLocalAddress(), e.pf.getLocalPort());
        }
        synchronized (this) {
            e = entries.get(k);
            if (e != null && e.alive()) {
                e.lastUsed = System.nanoTime();
                return new InetSocketAddress(e.pf.getLocalAddress(), e.pf.getLocalPort());
            }
            if (e != null) closeQuietly(k, entries.remove(k));
            LocalPortForward pf;
            try {
                pf = client.pods().inNamespace(ns).withName(pod).portForward(port, InetAddress.getLoopbackAddress(), 0);
            } catch (RuntimeException ex) {
                throw new IOException("port-forward to " + ns + "/" + pod + ":" + port + " failed: " + ex.getMessage(), ex);
            }
            Entry fresh = new Entry(pf);
            entries.put(k, fresh);
            LOG.fine(() -> "cluster " + clusterId + ": port-forward " + ns + "/" + pod + ":" + port + " on 127.0.0.1:" + pf.getLocalPort());
            return new InetSocketAddress(pf.getLocalAddress(), pf.getLocalPort());
        }
    }

    /** Drops the forward of {@code pod:port} (it failed); the next request opens a new one. A leased forward stays. */
    public void invalidate(String ns, String pod, int port) {
        Key k = new Key(ns, pod, port);
        synchronized (this) {
            Entry e = entries.get(k);
            if (e == null || (e.leases.get() > 0 && e.pf.isAlive())) return;
            entries.remove(k, e);
            closeQuietly(k, e);
        }
    }

    /** Closes forwards unused for longer than the idle time, or dead; run periodically. */
    public int evictIdle() {
        int n = 0;
        for (Map.Entry<Key, Entry> me : entries.entrySet()) {
            Entry e = me.getValue();
            boolean leased = e.leases.get() > 0 && e.pf.isAlive();
            if (!leased && (!e.alive() || System.nanoTime() - e.lastUsed > idleNanos)) {
                if (entries.remove(me.getKey(), e)) {
                    closeQuietly(me.getKey(), e);
                    n++;
                }
            }
        }
        return n;
    }

    public int size() { return entries.size(); }

    private void closeQuietly(Key k, Entry e) {
        if (e == null) return;
        try {
            e.pf.close();
        } catch (IOException | RuntimeException ex) {
            LOG.fine("cluster " + clusterId + ": closing port-forward " + k + " failed: " + ex);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Map.Entry<Key, Entry> me : entries.entrySet()) closeQuietly(me.getKey(), me.getValue());
        entries.clear();
    }
}
