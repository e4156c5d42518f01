package io.guildnet.tailnet;

import io.guildnet.api.ApiException;
import io.guildnet.cluster.ClusterEgress;
import io.guildnet.cluster.ClusterInstance;
import io.guildnet.cluster.ClusterService;
import io.guildnet.proxy.ClusterProxy;
import io.guildnet.store.PublishedService;
import io.guildnet.store.StateStore;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Workspaces published on a cluster's tailnet (anchor §7.3, "published services"): the record is
 * kept in the state database; while the cluster's connector is up, a {@link Publication} listens on
 * loopback and {@code tailscale serve} forwards the node's tailnet port to it. A reconcile pass
 * (at start, every 20 s and after each change) starts what is recorded and not live — after a
 * Host App restart, a connector restart or a rebuilt cluster instance — and stops what is live and
 * no longer recorded. Nothing is published by the proxy as a side effect (the anchor did that).
 */
@ApplicationScoped
public class PublishService {

    private static final Logger LOG = Logger.getLogger(PublishService.class.getName());
    static final java.util.regex.Pattern NAME = java.util.regex.Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    @Inject
    ClusterService clusters;

    @Inject
    StateStore store;

    @Inject
    io.guildnet.proxy.ProxyService proxies;

    @Resource
    jakarta.enterprise.concurrent.ManagedThreadFactory threads;

    /** Connections to a publication beyond this many are refused. */
    static final int MAX_CONNECTIONS = 256;

    /** Accept loops and pumps (two per open connection): managed threads of their own, not the request executor's. */
    private java.util.concurrent.ThreadPoolExecutor pumps;

    @Resource
    ManagedScheduledExecutorService scheduler;

    /** What runs for one record. */
    private record Live(Publication publication, ClusterEgress egress, int port) {}

    private final Map<String, Live> live = new ConcurrentHashMap<>();
    /** Why a record is not live (connector down, no pod…), by key. */
    private final Map<String, String> pending = new ConcurrentHashMap<>();
    private ScheduledFuture<?> task;

    @jakarta.annotation.PostConstruct
    void init() {
        pumps = new java.util.concurrent.ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new java.util.concurrent.SynchronousQueue<>(),
                threads != null ? threads : java.util.concurrent.Executors.defaultThreadFactory());
    }

    void onStart(@Observes @jakarta.annotation.Priority(3300) @Initialized(ApplicationScoped.class) Object ignored) {
        if (scheduler != null && task == null) task = scheduler.scheduleWithFixedDelay(this::reconcile, 5, 20, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (task != null) task.cancel(false);
        // the connectors clear their serve configuration when they join again (Connector.resetServe)
        live.values().forEach(l -> l.publication().close());
        live.clear();
        if (pumps != null) pumps.shutdownNow();
    }

    private static String key(String cid, String service) {
        return cid + ":" + service;
    }

    /** {@code [{cluster_id, service, addr, added_at, port, status: live|pending, error?, connections?}]}. */
    public JsonArray list(String cid) {
        clusters.require(cid);
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (PublishedService p : store.read(c -> store.published().list(c, cid))) a.add(json(p));
        return a.build();
    }

    private JsonObject json(PublishedService p) {
        String k = key(p.clusterId(), p.service());
        Live l = live.get(k);
        String addr = l != null ? l.egress().tailnetIp().map(ip -> ip + ":" + l.port()).orElse(p.addr()) : p.addr();
        JsonObjectBuilder b = Json.createObjectBuilder().add("cluster_id", p.clusterId()).add("service", p.service()).add("addr", addr)
                .add("added_at", p.addedAt()).add("port", port(p.addr())).add("status", l != null ? "live" : "pending");
        if (l != null) {
            b.add("connections", l.publication().accepted());
            if (l.publication().lastError() != null) b.add("error", l.publication().lastError());
        } else if (pending.containsKey(k)) {
            b.add("error", pending.get(k));
        }
        return b.build();
    }

    static int port(String addr) {
        int colon = addr.lastIndexOf(':');
        try {
            return Integer.parseInt(addr.substring(colon + 1));
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * Publishes the workspace {@code service} on the cluster's tailnet at {@code port} (default: the
     * port its Service exposes). 409 {@code tailnet_unavailable} without a running connector,
     * {@code port_in_use} when another service of the cluster has that port.
     */
    public synchronized JsonObject publish(String cid, String service, Integer port) {
        clusters.require(cid);
        if (service == null || !NAME.matcher(service).matches()) {
            throw ApiException.badRequest("invalid_field", "service must be a workspace name (lower-case letters, digits, '-')");
        }
        if (port != null && (port < 1 || port > 65535)) throw ApiException.badRequest("invalid_field", "port must be 1-65535");
        ClusterInstance inst = clusters.registry().peek(cid)
                .orElseThrow(() -> new ApiException(409, "cluster_not_running", "cluster " + cid + " has no running instance (attach a kubeconfig)", null));
        ClusterEgress egress = inst.part(ClusterEgress.PART, ClusterEgress.class).filter(e -> "ok".equals(e.status()))
                .orElseThrow(() -> new ApiException(409, "tailnet_unavailable", "cluster " + cid
                        + " has no running tailnet connector (set ts_login_server and ts_client_auth in its settings)", null));
        ClusterProxy proxy = proxies.clusterProxy(inst);
        proxy.forget(inst.settings().namespace(), service);
        ClusterProxy.Target t = proxy.resolve(inst.settings().namespace(), service); // 404 when neither a Workspace nor a Service has the name
        if (!t.workspace()) {
            throw ApiException.notFound("not_found", "no workspace '" + service + "' in namespace " + inst.settings().namespace()
                    + " of cluster " + cid + " (only workspaces can be published)");
        }
        proxy.authorize(t); // the proxy capability: publishing is a way in (checked again for every connection)
        int p = port != null ? port : t.servicePort();
        for (PublishedService other : store.read(c -> store.published().list(c, cid))) {
            if (!other.service().equals(service) && port(other.addr()) == p) {
                throw new ApiException(409, "port_in_use", "port " + p + " of cluster " + cid + "'s tailnet address is taken by " + other.service(),
                        Map.of("service", other.service()));
            }
        }
        String addr = egress.tailnetIp().orElse("") + ":" + p;
        PublishedService rec = new PublishedService(cid, service, addr, Instant.now().toString());
        Live old = live.remove(key(cid, service));
        if (old != null) stopLive(old, old.port() != p);
        try {
            start(cid, service, p, egress, proxy, inst.settings().namespace());
        } catch (IOException e) {
            throw new ApiException(502, "publish_failed", "publishing " + service + " failed: " + e.getMessage(), null);
        }
        store.write(c -> {
            store.published().upsert(c, rec);
            return null;
        });
        pending.remove(key(cid, service));
        return json(rec);
    }

    /** Stops publishing {@code service}: 404 {@code not_published} when it is not. */
    public synchronized void revoke(String cid, String service) {
        clusters.require(cid);
        List<PublishedService> recs = store.read(c -> store.published().list(c, cid));
        int recordedPort = recs.stream().filter(p -> p.service().equals(service)).mapToInt(p -> port(p.addr())).findFirst().orElse(0);
        boolean had = store.write(c -> store.published().delete(c, cid, service));
        Live l = live.remove(key(cid, service));
        pending.remove(key(cid, service));
        if (l != null) {
            stopLive(l, true);
        } else if (recordedPort > 0) {
            // not live (connector down?): still take it off the node if the connector is up now; otherwise its next join resets serve
            clusters.registry().peek(cid).flatMap(i -> i.part(ClusterEgress.PART, ClusterEgress.class)).filter(e -> "ok".equals(e.status()))
                    .ifPresent(e -> unserve(e, recordedPort));
        }
        if (!had && l == null) throw ApiException.notFound("not_published", "service " + service + " is not published on cluster " + cid);
    }

    private static void unserve(ClusterEgress e, int port) {
        try {
            e.unserveTcp(port);
        } catch (IOException | RuntimeException x) {
            LOG.warning("tailscale serve --tcp=" + port + " off failed: " + x.getMessage() + " (cleared at the connector's next join)");
        }
    }

    private void start(String cid, String service, int port, ClusterEgress egress, ClusterProxy proxy, String ns) throws IOException {
        Publication pub = Publication.open(() -> proxy.connect(ns, service, 5000), pumps, MAX_CONNECTIONS);
        try {
            egress.serveTcp(port, pub.localPort());
        } catch (IOException | RuntimeException e) {
            pub.close();
            throw e;
        }
        live.put(key(cid, service), new Live(pub, egress, port));
        LOG.info("cluster " + cid + ": published " + service + " on tailnet port " + port + " (via 127.0.0.1:" + pub.localPort() + ")");
    }

    private static void stopLive(Live l, boolean unserve) {
        if (unserve && "ok".equals(l.egress().status())) unserve(l.egress(), l.port());
        l.publication().close();
    }

    /**
     * Starts recorded publications that are not live once their connector is {@code ok}, and stops
     * live ones no longer recorded, or whose connector was replaced or stopped (a connector that is
     * only briefly degraded keeps them). One cluster's failure does not stop the pass.
     */
    public synchronized void reconcile() {
        Set<String> recorded = new HashSet<>();
        List<io.guildnet.store.ClusterRecord> all;
        try {
            all = clusters.store().list();
        } catch (RuntimeException e) {
            LOG.warning("published services: cannot list clusters: " + e);
            return;
        }
        for (var r : all) {
            String cid = r.id();
            try {
                List<PublishedService> recs = store.read(c -> store.published().list(c, cid));
                if (recs.isEmpty()) continue;
                recs.forEach(p -> recorded.add(key(cid, p.service())));
                reconcile(cid, recs);
            } catch (RuntimeException e) {
                LOG.warning("published services of cluster " + cid + ": " + e);
            }
        }
        for (String k : Set.copyOf(live.keySet())) {
            if (!recorded.contains(k)) {
                Live l = live.remove(k);
                if (l != null) stopLive(l, true);
            }
        }
    }

    private void reconcile(String cid, List<PublishedService> recs) {
        Optional<ClusterInstance> inst = clusters.registry().peek(cid);
        Optional<ClusterEgress> egress = inst.flatMap(i -> i.part(ClusterEgress.PART, ClusterEgress.class));
        boolean up = egress.isPresent() && "ok".equals(egress.get().status());
        for (PublishedService p : recs) {
            String k = key(cid, p.service());
            Live l = live.get(k);
            if (l != null && (egress.isEmpty() || l.egress() != egress.get() || "stopped".equals(egress.get().status()))) {
                live.remove(k);
                stopLive(l, false);
                l = null;
            }
            if (l != null) continue;
            if (!up) {
                pending.put(k, egress.isEmpty() ? "the cluster has no tailnet connector running" : "the tailnet connector is " + egress.get().status());
                continue;
            }
            try {
                start(cid, p.service(), port(p.addr()), egress.get(), proxies.clusterProxy(inst.get()), inst.get().settings().namespace());
                pending.remove(k);
            } catch (IOException | RuntimeException e) {
                pending.put(k, String.valueOf(e.getMessage()));
            }
        }
    }
}
