package io.guildnet.rethink;

import io.guildnet.api.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * A cluster's one RethinkDB connection: opened in the background when the cluster instance
 * starts (and on first use), retried with exponential backoff and jitter, watched by a monitor
 * that pings every few seconds and reconnects on transient failures or when the address or
 * credentials change, closed with the instance. Requests borrow {@link #backend()}; they never
 * open a connection of their own.
 */
public final class RethinkLink implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(RethinkLink.class.getName());
    static final Duration MIN_BACKOFF = Duration.ofMillis(500), MAX_BACKOFF = Duration.ofSeconds(30);

    public record Creds(String user, String password) {
        @Override
        public String toString() { return "Creds[user=" + user + ", password=" + (password == null || password.isEmpty() ? "" : "***") + "]"; }
    }

    /** What to connect to now: candidates in order, credentials, and a fingerprint that changes when either does. */
    public record Target(List<Discovery.Candidate> candidates, Creds creds, String fingerprint) {}

    /** Opens one backend connection (the driver, or the in-memory backend). */
    public interface Connector {
        RethinkBackend connect(String host, int port, Creds creds);
    }

    private final String clusterId;
    private final Supplier<Target> target;
    private final Supplier<String> settingsFingerprint;
    private final Connector connector;
    private final PodTunnel tunnel;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final Clock clock;
    private final Duration firstUseWait;
    private final List<Runnable> onConnect = new CopyOnWriteArrayList<>();

    private volatile RethinkBackend current;
    private volatile String addr = "", via = "", fingerprint;
    private volatile String lastError;
    private volatile ErrorClass lastClass = ErrorClass.NONE;
    private volatile Instant connectedSince, nextAttempt = Instant.EPOCH;
    private volatile int failures, connects;
    private volatile boolean closed;
    private CompletableFuture<Void> inFlight;
    private ScheduledFuture<?> monitor;

    public RethinkLink(String clusterId, Supplier<Target> target, Supplier<String> settingsFingerprint, Connector connector, PodTunnel tunnel,
                       ScheduledExecutorService scheduler, Executor executor, Clock clock, Duration firstUseWait) {
        this.clusterId = clusterId;
        this.target = target;
        this.settingsFingerprint = settingsFingerprint;
        this.connector = connector;
        this.tunnel = tunnel;
        this.scheduler = scheduler;
        this.executor = executor;
        this.clock = clock;
        this.firstUseWait = firstUseWait;
    }

    /** Connects in the background now and starts the monitor. */
    public RethinkLink start(Duration monitorPeriod) {
        connectAsync();
        monitor = scheduler.scheduleWithFixedDelay(this::monitorTick, monitorPeriod.toMillis(), monitorPeriod.toMillis(), TimeUnit.MILLISECONDS);
        return this;
    }

    /** Runs after every successful (re)connection (the changefeed hub resumes its feeds). */
    public void onConnect(Runnable r) { onConnect.add(r); }

    public boolean connected() { return current != null; }

    /** Number of connections opened so far (tests check there is no leak). */
    public int connects() { return connects; }

    /**
     * The live backend; when there is none, a connection attempt is started (unless one is
     * backing off) and awaited briefly.
     *
     * @throws ApiException 503 {@code db_unavailable}
     */
    public RethinkBackend backend() {
        RethinkBackend b = current;
        if (b != null) return b;
        if (closed) throw ApiException.unavailable("db_unavailable", "the cluster's database link is closed");
        CompletableFuture<Void> f = clock.instant().isBefore(nextAttempt) ? inFlightOrNull() : connectAsync();
        if (f != null) {
            try {
                f.get(firstUseWait.toMillis(), TimeUnit.MILLISECONDS);
            } catch (Exception ignored) {
                // reported below
            }
        }
        b = current;
        if (b != null) return b;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("cluster", clusterId);
        if (lastError != null) details.put("error", lastError);
        details.put("error_class", lastClass.wire());
        details.put("retry_at", nextAttempt.toString());
        throw new ApiException(503, "db_unavailable", "RethinkDB of cluster " + clusterId + " is not reachable"
                + (lastError == null ? "" : ": " + lastError), details);
    }

    private synchronized CompletableFuture<Void> inFlightOrNull() { return inFlight; }

    /**
     * Waits up to {@code max} for the attempt in progress (or a new one when none is running and
     * no backoff is pending) and reports the outcome: null when connected, else the reason.
     */
    public String awaitConnected(Duration max) {
        if (current != null) return null;
        if (closed) return "the cluster's database link is closed";
        CompletableFuture<Void> f = clock.instant().isBefore(nextAttempt) ? inFlightOrNull() : connectAsync();
        if (f != null) {
            try {
                f.get(max.toMillis(), TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.TimeoutException e) {
                return "no connection within " + max.toMillis() + " ms";
            } catch (Exception e) {
                // reported below
            }
        }
        if (current != null) return null;
        return lastError == null ? "not connected" : lastError;
    }

    /** Starts one connection attempt unless one is running; returns its future. */
    synchronized CompletableFuture<Void> connectAsync() {
        if (inFlight != null && !inFlight.isDone()) return inFlight;
        CompletableFuture<Void> f = new CompletableFuture<>();
        inFlight = f;
        try {
            executor.execute(() -> {
                try {
                    attempt();
                } finally {
                    f.complete(null);
                }
            });
        } catch (RuntimeException e) {
            f.complete(null);
        }
        return f;
    }

    private void attempt() {
        if (closed || current != null) return;
        Target t;
        try {
            t = target.get();
        } catch (RuntimeException e) {
            failed("discovery failed: " + e.getMessage(), ErrorClass.of(e));
            return;
        }
        if (t.candidates().isEmpty()) {
            failed("no RethinkDB found (set rdb_addr in the cluster settings or deploy k8s/rethinkdb.yaml)", ErrorClass.SCHEMA);
            return;
        }
        String err = null;
        ErrorClass cls = ErrorClass.NONE;
        for (Discovery.Candidate c : t.candidates()) {
            String host = c.host();
            int port = c.port();
            if (c.pod() != null) {
                if (tunnel == null) continue;
                try {
                    InetSocketAddress a = tunnel.open(c.namespace(), c.pod(), c.port());
                    host = a.getHostString();
                    port = a.getPort();
                } catch (Exception e) {
                    err = c.addr() + ": " + e.getMessage();
                    cls = ErrorClass.of(e);
                    continue;
                }
            }
            try {
                RethinkBackend b = connector.connect(host, port, t.creds());
                // state first, then publish the connection: a request that sees it sees its address too
                addr = c.addr();
                via = c.via();
                fingerprint = t.fingerprint();
                connectedSince = clock.instant();
                failures = 0;
                lastError = null;
                lastClass = ErrorClass.NONE;
                synchronized (this) {
                    if (closed) {
                        b.close();
                        return;
                    }
                    current = b;
                    connects++;
                }
                LOG.info("cluster " + clusterId + ": RethinkDB connected at " + c.addr() + " (" + c.via() + ")");
                for (Runnable r : onConnect) {
                    try {
                        r.run();
                    } catch (RuntimeException e) {
                        LOG.warning("cluster " + clusterId + ": after-connect hook failed: " + e);
                    }
                }
                return;
            } catch (RuntimeException e) {
                err = c.addr() + ": " + e.getMessage();
                cls = ErrorClass.of(e);
            }
        }
        failed(err == null ? "no usable address (a port-forward is needed but none is available)" : err, cls);
    }

    private void failed(String error, ErrorClass cls) {
        failures++;
        lastError = error;
        lastClass = cls == ErrorClass.NONE ? ErrorClass.FATAL : cls;
        long cap = Math.min(MAX_BACKOFF.toMillis(), MIN_BACKOFF.toMillis() << Math.min(failures - 1, 10));
        long delay = cap / 2 + ThreadLocalRandom.current().nextLong(cap / 2 + 1); // "equal jitter"
        nextAttempt = clock.instant().plusMillis(delay);
        if (failures == 1 || failures % 10 == 0) {
            LOG.warning("cluster " + clusterId + ": RethinkDB not connected (" + lastClass.wire() + "): " + error + "; retrying (attempt " + failures + ")");
        }
    }

    void monitorTick() {
        if (closed) return;
        RethinkBackend b = current;
        if (b == null) {
            if (!clock.instant().isBefore(nextAttempt)) connectAsync();
            return;
        }
        String fp;
        try {
            fp = settingsFingerprint.get();
        } catch (RuntimeException e) {
            fp = fingerprint;
        }
        if (fp != null && !fp.equals(fingerprint)) {
            LOG.info("cluster " + clusterId + ": RethinkDB address or credentials changed; reconnecting");
            drop(b);
            connectAsync();
            return;
        }
        try {
            b.ping();
        } catch (RuntimeException e) {
            ErrorClass cls = ErrorClass.of(e);
            lastError = e.getMessage();
            lastClass = cls;
            if (cls == ErrorClass.TRANSIENT || cls == ErrorClass.FATAL) {
                LOG.warning("cluster " + clusterId + ": RethinkDB ping failed (" + cls.wire() + "): " + e.getMessage() + "; reconnecting");
                drop(b);
                connectAsync();
            } else {
                LOG.warning("cluster " + clusterId + ": RethinkDB ping failed (" + cls.wire() + "): " + e.getMessage());
            }
        }
    }

    /** Forgets (and closes) a connection that failed. */
    private void drop(RethinkBackend b) {
        synchronized (this) {
            if (current != b) return;
            current = null;
            connectedSince = null;
        }
        try {
            b.close();
        } catch (RuntimeException ignored) {
            // already broken
        }
    }

    /** Drops the connection now (tests: "the connection is cut"). */
    public void cut() {
        RethinkBackend b = current;
        if (b != null) drop(b);
    }

    public JsonObject health() {
        JsonObjectBuilder o = Json.createObjectBuilder().add("cluster", clusterId).add("status", current != null ? "ok" : "unavailable")
                .add("addr", addr).add("via", via);
        if (connectedSince != null) o.add("connected_since", connectedSince.toString());
        if (current == null) {
            if (lastError != null) o.add("error", lastError);
            o.add("error_class", lastClass.wire()).add("attempts", failures).add("retry_at", nextAttempt.toString());
        }
        return o.build();
    }

    @Override
    public void close() {
        RethinkBackend b;
        synchronized (this) {
            closed = true;
            b = current;
            current = null;
        }
        if (monitor != null) monitor.cancel(false);
        if (b != null) b.close();
    }
}
