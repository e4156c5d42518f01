package io.guildnet.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Everything one cluster owns in the Host App: its Kubernetes client, its
 * scheduled tasks, its state directory and the parts later layers attach
 * (operator, RethinkDB link, port-forwards, tailnet connector). {@link #close()}
 * stops all of it within a bounded time.
 */
public final class ClusterInstance implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClusterInstance.class.getName());
    static final Duration CLOSE_BUDGET = Duration.ofMillis(1800);

    private final String id;
    private final KubernetesClient client;
    private volatile ClusterSettings settings;
    private final Path stateDir;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService closer;
    private final Instant createdAt = Instant.now();
    private final List<Future<?>> tasks = new ArrayList<>();
    private final Deque<Map.Entry<String, AutoCloseable>> parts = new ArrayDeque<>();
    private final Map<String, AutoCloseable> byName = new LinkedHashMap<>();
    private volatile boolean closed;

    ClusterInstance(String id, KubernetesClient client, ClusterSettings settings, Path stateDir,
                    ScheduledExecutorService scheduler, ExecutorService closer) {
        this.id = id;
        this.client = client;
        this.settings = settings;
        this.stateDir = stateDir;
        this.scheduler = scheduler;
        this.closer = closer;
    }

    public String id() { return id; }

    public KubernetesClient client() { return client; }

    /** The current settings (non-client changes are pushed here live; client changes rebuild the instance). */
    public ClusterSettings settings() { return settings; }

    void refreshSettings(ClusterSettings s) { this.settings = s; }

    public Path stateDir() { return stateDir; }

    public Instant createdAt() { return createdAt; }

    public boolean closed() { return closed; }

    /** Runs {@code task} every {@code period} until the instance closes. */
    public synchronized void every(Duration initialDelay, Duration period, Runnable task) {
        if (closed) throw new IllegalStateException("cluster " + id + " is closed");
        tasks.add(scheduler.scheduleWithFixedDelay(() -> {
            if (closed) return;
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.FINE, "cluster " + id + " task failed: " + e, e);
            }
        }, initialDelay.toMillis(), period.toMillis(), TimeUnit.MILLISECONDS));
    }

    /** Attaches a part (operator, database link, ...) closed with the instance, last attached first. */
    public synchronized <T extends AutoCloseable> T attach(String name, T part) {
        if (closed) {
            closeQuietly(name, part);
            throw new IllegalStateException("cluster " + id + " is closed");
        }
        parts.push(Map.entry(name, part));
        byName.put(name, part);
        return part;
    }

    public synchronized <T> Optional<T> part(String name, Class<T> type) {
        return Optional.ofNullable(byName.get(name)).filter(type::isInstance).map(type::cast);
    }

    /** Closes and removes one attached part (a setup rollback stops what it started); false if none. */
    public boolean detach(String name) {
        AutoCloseable part;
        synchronized (this) {
            part = byName.remove(name);
            if (part == null) return false;
            parts.removeIf(e -> e.getKey().equals(name) && e.getValue() == part);
        }
        closeQuietly(name, part);
        return true;
    }

    public synchronized int taskCount() {
        return (int) tasks.stream().filter(f -> !f.isDone()).count();
    }

    /**
     * Cancels tasks, closes parts (reverse order) and the client, waiting at most {@link #CLOSE_BUDGET} overall;
     * what is left when the budget is used up is still closed, in the background.
     */
    @Override
    public void close() {
        List<Map.Entry<String, AutoCloseable>> toClose;
        synchronized (this) {
            if (closed) return;
            closed = true;
            tasks.forEach(f -> f.cancel(true));
            toClose = new ArrayList<>(parts);
            parts.clear();
            byName.clear();
        }
        long deadline = System.nanoTime() + CLOSE_BUDGET.toNanos();
        for (Map.Entry<String, AutoCloseable> p : toClose) {
            bounded(p.getKey(), p.getValue(), deadline);
        }
        bounded("kubernetes-client", client::close, deadline);
        LOG.fine("cluster " + id + " instance closed");
    }

    private void bounded(String name, AutoCloseable c, long deadline) {
        long left = deadline - System.nanoTime();
        CompletableFuture<Void> f;
        try {
            f = CompletableFuture.runAsync(() -> closeQuietly(name, c), closer);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // the executor is already shut down (application stop): close here rather than leak it
            closeQuietly(name, c);
            return;
        }
        if (left <= 0) {
            // still closed (in the background): skipping it would leak it, nobody else holds it any more
            LOG.warning("cluster " + id + ": no time left to wait for " + name + " to close; closing it in the background");
            return;
        }
        try {
            f.get(left, TimeUnit.NANOSECONDS);
        } catch (Exception e) {
            f.cancel(true);
            LOG.warning("cluster " + id + ": closing " + name + " did not finish in time: " + e);
        }
    }

    private void closeQuietly(String name, AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            LOG.log(Level.WARNING, "cluster " + id + ": closing " + name + " failed: " + e, e);
        }
    }
}
