package io.guildnet.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.guildnet.api.ApiException;
import io.guildnet.security.SecureFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One {@link ClusterInstance} per registered cluster, built lazily (or at start-up in
 * the background) from the stored kubeconfig and settings. A failed build is
 * remembered with exponential backoff, so a broken cluster is not rebuilt on every
 * request. Unknown ids never create anything.
 */
public final class ClusterRegistry implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ClusterRegistry.class.getName());
    static final Duration MIN_BACKOFF = Duration.ofSeconds(1);
    static final Duration MAX_BACKOFF = Duration.ofSeconds(60);

    /** A remembered build failure. */
    public record Failure(String code, String message, int attempts, Instant retryAt) {}

    private final ClusterStore store;
    private final ClientFactory clients;
    private final Path clustersRoot;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService executor;
    private final Clock clock;
    private final Map<String, ClusterInstance> instances = new ConcurrentHashMap<>();
    private final Map<String, Failure> failures = new ConcurrentHashMap<>();
    private final Map<String, Object> locks = new ConcurrentHashMap<>();
    private final List<Consumer<ClusterInstance>> onStart = new CopyOnWriteArrayList<>();
    private volatile ClusterEgress.Factory egress = ClusterEgress.Factory.NONE;
    private volatile boolean closed;

    public ClusterRegistry(ClusterStore store, ClientFactory clients, Path clustersRoot,
                           ScheduledExecutorService scheduler, ExecutorService executor, Clock clock) {
        this.store = store;
        this.clients = clients;
        this.clustersRoot = clustersRoot;
        this.scheduler = scheduler;
        this.executor = executor;
        this.clock = clock;
    }

    /** Later layers (operator, database link, health monitor…) hook into every new instance here. */
    public void onInstanceStart(Consumer<ClusterInstance> hook) {
        onStart.add(hook);
    }

    /** How instances whose settings name a tailnet open their connector (before their client is built). */
    public void egress(ClusterEgress.Factory f) {
        this.egress = f == null ? ClusterEgress.Factory.NONE : f;
    }

    /** Drops the egress state of a deleted cluster (after {@link #close(String)}). */
    void forgetEgress(String id) {
        try {
            egress.forget(id);
        } catch (RuntimeException e) {
            LOG.warning("cluster " + id + ": tailnet state not removed: " + e.getMessage());
        }
    }

    public Path stateDir(String id) { return clustersRoot.resolve(id); }

    /** The running instance, if any; never builds one. */
    public Optional<ClusterInstance> peek(String id) {
        return Optional.ofNullable(instances.get(id));
    }

    public Optional<Failure> failure(String id) {
        return Optional.ofNullable(failures.get(id));
    }

    /**
     * The cluster's instance, built if needed.
     *
     * @throws ApiException 404 {@code unknown_cluster}, or 503 {@code no_k8s_clients} (no kubeconfig,
     *                      or a recent build failure still in backoff)
     */
    public ClusterInstance get(String id) {
        ClusterInstance i = instances.get(id);
        if (i != null) return i;
        if (closed) throw ApiException.unavailable("shutting_down", "the Host App is shutting down");
        if (!store.exists(id)) throw ApiException.notFound("unknown_cluster", "no cluster with id " + id);
        synchronized (locks.computeIfAbsent(id, k -> new Object())) {
            i = instances.get(id);
            if (i != null) return i;
            // again under the lock: a delete (record first, then close) may have run since the check above
            if (!store.exists(id)) throw ApiException.notFound("unknown_cluster", "no cluster with id " + id);
            Failure f = failures.get(id);
            if (f != null && clock.instant().isBefore(f.retryAt())) throw noClients(id, f);
            try {
                i = build(id);
            } catch (ApiException e) {
                int n = f == null ? 1 : f.attempts() + 1;
                long backoff = Math.min(MAX_BACKOFF.toMillis(), MIN_BACKOFF.toMillis() << Math.min(n - 1, 16));
                Failure nf = new Failure(e.code(), e.getMessage(), n, clock.instant().plusMillis(backoff));
                failures.put(id, nf);
                throw noClients(id, nf);
            }
            failures.remove(id);
            instances.put(id, i);
        }
        for (Consumer<ClusterInstance> hook : onStart) {
            try {
                hook.accept(i);
            } catch (RuntimeException e) {
                LOG.warning("cluster " + id + ": start hook failed: " + e);
            }
        }
        return i;
    }

    private static ApiException noClients(String id, Failure f) {
        return new ApiException(503, "no_k8s_clients",
                "kubernetes clients not available for cluster " + id + ": " + f.message(),
                Map.of("cause", f.code(), "retry_at", f.retryAt().toString()));
    }

    private ClusterInstance build(String id) {
        String kubeconfig = store.kubeconfig(id).orElseThrow(() ->
                new ApiException(503, "no_kubeconfig", "no kubeconfig attached; attach one with ?action=attach-kubeconfig"));
        ClusterSettings settings = store.settings(id);
        Path dir = stateDir(id);
        try {
            SecureFiles.privateDir(dir.getParent());
            SecureFiles.privateDir(dir);
        } catch (IOException e) {
            throw new ApiException(503, "state_unavailable", "cannot create " + dir + ": " + e.getMessage());
        }
        // the connector first: the client is built to dial through it, never around it
        ClusterEgress out;
        try {
            out = egress.open(id, settings, () -> store.tailnetClientKey(id)).orElse(null);
        } catch (RuntimeException e) {
            throw new ApiException(503, "tailnet_connector", "cannot start the tailnet connector: " + e.getMessage());
        }
        KubernetesClient client;
        try {
            client = out == null ? clients.build(kubeconfig, settings) : clients.build(kubeconfig, settings, out.httpProxy());
        } catch (RuntimeException e) {
            if (out != null) out.close();
            if (e instanceof ApiException a) throw a;
            throw new ApiException(503, "cluster_client", "cannot build the Kubernetes client: " + e.getMessage());
        }
        LOG.info("cluster " + id + ": instance started (" + client.getMasterUrl() + (out == null ? "" : " via its tailnet connector") + ")");
        ClusterInstance inst = new ClusterInstance(id, client, settings, dir, scheduler, executor);
        if (out != null) inst.attach(ClusterEgress.PART, out);
        return inst;
    }

    /** Closes and forgets the instance (and any remembered failure); the next {@link #get} rebuilds. */
    public void close(String id) {
        ClusterInstance i;
        synchronized (locks.computeIfAbsent(id, k -> new Object())) {
            i = instances.remove(id);
            failures.remove(id);
        }
        if (i != null) i.close();
    }

    /**
     * Builds every registered cluster with a kubeconfig in the background, one after the
     * other (on a small machine, building them all at once only slows everything down);
     * never blocks the caller.
     */
    public void startAll() {
        executor.submit(() -> {
            for (var r : store.list()) {
                if (closed) return;
                if (!store.hasKubeconfig(r.id())) continue;
                try {
                    get(r.id());
                } catch (ApiException e) {
                    LOG.warning("cluster " + r.id() + ": not started: " + e.getMessage());
                }
            }
        });
    }

    public List<String> running() {
        return new ArrayList<>(instances.keySet());
    }

    @Override
    public void close() {
        closed = true;
        for (String id : new ArrayList<>(instances.keySet())) close(id);
    }
}
