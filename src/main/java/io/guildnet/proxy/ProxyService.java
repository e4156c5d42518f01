package io.guildnet.proxy;

import io.guildnet.api.ApiException;
import io.guildnet.cluster.ClusterInstance;
import io.guildnet.cluster.ClusterService;
import io.guildnet.cluster.DefaultCluster;
import io.guildnet.security.Authenticator;
import io.guildnet.security.SessionCookies;
import io.guildnet.settings.SettingsService;
import io.guildnet.web.OriginPolicy;
import io.guildnet.web.RequestInfo;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.concurrent.ManagedThreadFactory;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * The reverse proxy in the server: turns a proxy URL into a plan (which cluster, which
 * workspace, which hops), checks the allowlist and the {@code proxy} capability, and hands
 * the exchange to {@link ReverseProxy}. Called by the request filter after authentication.
 */
@ApplicationScoped
public class ProxyService {

    private static final Logger LOG = Logger.getLogger(ProxyService.class.getName());
    /** A workspace Service's cluster DNS name: {@code name.namespace.svc[.cluster.local]}. */
    static final Pattern SERVICE_DNS = Pattern.compile("^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.([a-z0-9]([-a-z0-9]*[a-z0-9])?)\\.svc(\\.cluster\\.local)?\\.?$");

    @Inject
    ClusterService clusters;

    @Inject
    DefaultCluster defaultCluster;

    @Inject
    SettingsService settings;

    @Inject
    Authenticator authenticator;

    @Inject
    OriginPolicy origins;

    @Inject
    MetricRegistry registry;

    @Resource
    ManagedThreadFactory threads;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ProxyConfig config;
    private ReverseProxy proxy;
    private Bridges bridges;
    private UpstreamPool pool;
    private ThreadPoolExecutor pumps;
    private ProxyMetrics metrics;
    private ScheduledFuture<?> sweeper;
    private volatile String allowSpec;
    private volatile Allowlist allowMerged;

    @PostConstruct
    void init() {
        var c = ConfigProvider.getConfig();
        config = ProxyConfig.from(k -> c.getOptionalValue(k, String.class));
        pool = new UpstreamPool(config.keepAliveMs(), 256, config.connectTimeoutMs());
        // one pump per open WebSocket, blocked on its upstream read: a cached pool of managed threads
        pumps = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(), threads);
        bridges = new Bridges(pumps, config.idleTimeoutMs());
        metrics = new ProxyMetrics(registry);
        proxy = new ReverseProxy(pool, config, bridges, metrics);
        long every = Math.max(500, Math.min(30_000, config.idleTimeoutMs() / 4));
        sweeper = scheduler.scheduleWithFixedDelay(() -> {
            bridges.sweepIdle();
            pool.evictIdle();
        }, every, every, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void shutdown() {
        if (sweeper != null) sweeper.cancel(false);
        if (bridges != null) bridges.close();
        if (pool != null) pool.close();
        if (pumps != null) pumps.shutdownNow();
    }

    /** Ends every proxied WebSocket with 1001; new ones are refused from now on. */
    public void closeWebSockets() {
        if (bridges != null) bridges.close();
    }

    public ProxyConfig config() { return config; }

    public Bridges bridges() { return bridges; }

    public ProxyMetrics metrics() { return metrics; }

    public static boolean handles(String path) { return ProxyRoute.matches(path); }

    /** Serves one proxied request; errors become the JSON error body. */
    public void handle(HttpServletRequest req, HttpServletResponse res, String path) throws IOException {
        try {
            String raw = io.guildnet.web.GuildNetFilter.pathOf(req);
            ProxyRoute route = ProxyRoute.parse(raw, req.getQueryString());
            req.setAttribute(RequestInfo.ROUTE_ATTR, switch (route.kind()) {
                case CLUSTER_SERVER -> "/api/cluster/{id}/proxy/server/{name}";
                case SERVER -> "/proxy/server/{name}";
                case RAW -> "/proxy/{target}";
            });
            ReverseProxy.Plan plan = plan(req, route);
            proxy.serve(req, res, plan);
        } catch (ApiException e) {
            io.guildnet.web.GuildNetFilter.error(res, RequestInfo.of(req).requestId(), e.status(), e.code(), e.getMessage(), e.details());
        }
    }

    private ReverseProxy.Plan plan(HttpServletRequest req, ProxyRoute route) {
        List<Hop> hops;
        String base = route.base();
        switch (route.kind()) {
            case CLUSTER_SERVER -> hops = workspaceHops(req, clusters.registry().get(route.clusterId()), route.name());
            case SERVER -> hops = workspaceHops(req, defaultInstance(), route.name());
            default -> hops = rawHops(req, route);
        }
        String host = req.getHeader("Host");
        if (host == null || host.isBlank()) host = req.getServerName() + ":" + req.getServerPort();
        ProxyHeaders.Client client = new ProxyHeaders.Client(req.getRemoteAddr(), host,
                req.isSecure() ? "https" : "http", config.trustedProxies().allows(req.getRemoteAddr(), 0));
        return new ReverseProxy.Plan(base, route.subPathAndQuery(), hops, client, carriesOurToken(req), origins.allowed(),
                SessionCookies.NAME);
    }

    private ClusterInstance defaultInstance() {
        try {
            return defaultCluster.get();
        } catch (ApiException e) {
            // no host kubeconfig: a Host App with exactly one registered cluster uses it as the default
            List<String> ids = clusters.store().list().stream().map(r -> r.id()).toList();
            if (ids.size() == 1) return clusters.registry().get(ids.get(0));
            throw e;
        }
    }

    private List<Hop> workspaceHops(HttpServletRequest req, ClusterInstance inst, String name) {
        ClusterProxy cp = clusterProxy(inst);
        String ns = inst.settings().namespace();
        ClusterProxy.Target t = cp.resolve(ns, name);
        cp.authorize(t);
        boolean preferPod = inst.settings().bool("prefer_pod_proxy") || present(req.getHeader("X-Guild-Prefer-Pod"));
        boolean usePf = inst.settings().bool("use_port_forward") || present(req.getHeader("X-Guild-Use-PortForward"));
        return cp.plan(t, new ClusterProxy.Options(preferPod, usePf));
    }

    private static boolean present(String h) {
        return h != null && !h.isBlank() && !h.equalsIgnoreCase("false") && !h.equals("0");
    }

    /** A raw target: a workspace Service of a cluster (by its DNS name), or an allowlisted address; anything else 403. */
    private List<Hop> rawHops(HttpServletRequest req, ProxyRoute route) {
        Allowlist.HostPort hp = route.target();
        Matcher m = SERVICE_DNS.matcher(hp.host().toLowerCase());
        if (m.matches()) {
            String name = m.group(1), ns = m.group(3);
            for (ClusterInstance inst : candidateClusters()) {
                if (!ns.equals(inst.settings().namespace())) continue;
                ClusterProxy cp = clusterProxy(inst);
                ClusterProxy.Target t;
                try {
                    t = cp.resolve(ns, name);
                } catch (ApiException e) {
                    if (e.status() == 404) continue;
                    throw e;
                }
                if (t.servicePort() != hp.port()) continue;
                cp.authorize(t);
                return cp.plan(t, new ClusterProxy.Options(inst.settings().bool("prefer_pod_proxy"), inst.settings().bool("use_port_forward")));
            }
        }
        if (!allowlist().allows(hp.host(), hp.port())) {
            throw new ApiException(403, "target_not_allowed", hp.host() + ":" + hp.port()
                    + " is not a workspace of a registered cluster and not on the proxy allowlist (GUILDNET_PROXY_ALLOWLIST or global.proxy_allowlist)",
                    java.util.Map.of("target", hp.host() + ":" + hp.port()));
        }
        Upstream u = new Upstream(route.scheme(), hp.host(), hp.port(), null, true, java.net.Proxy.NO_PROXY);
        return List.of(Hop.direct(ProxyPath.ALLOWLISTED, u));
    }

    private List<ClusterInstance> candidateClusters() {
        List<ClusterInstance> out = new java.util.ArrayList<>();
        try {
            out.add(defaultCluster.get());
        } catch (ApiException e) {
            // no default cluster
        }
        for (String id : clusters.registry().running()) clusters.registry().peek(id).ifPresent(out::add);
        return out;
    }

    /** The configured allowlist plus {@code global.proxy_allowlist}, re-parsed only when the setting changes. */
    Allowlist allowlist() {
        String spec = "";
        try {
            spec = settings.stored("global", "proxy_allowlist");
        } catch (RuntimeException e) {
            LOG.fine("global.proxy_allowlist unreadable: " + e);
        }
        Allowlist merged = allowMerged;
        if (merged == null || !spec.equals(allowSpec)) {
            Allowlist a;
            try {
                a = Allowlist.parse(spec);
            } catch (IllegalArgumentException e) {
                a = Allowlist.empty();
            }
            merged = config.allowlist().merge(a);
            allowMerged = merged;
            allowSpec = spec;
        }
        return merged;
    }

    /**
     * One GET through this Host App's own proxy route to workspace {@code name} of the cluster
     * (the hops, settings and capability check the route uses); for guildnet-verify's APP03.
     */
    public ProxyFetch.Result fetch(ClusterInstance inst, String name, String subPathAndQuery, int timeoutMs, int maxBody) {
        return clusterProxy(inst).fetch(inst.settings().namespace(), name, subPathAndQuery,
                new ClusterProxy.Options(inst.settings().bool("prefer_pod_proxy"), inst.settings().bool("use_port_forward")), timeoutMs, maxBody);
    }

    /** The cluster's shared port-forwards (also used by the RethinkDB link's fallback). */
    public PortForwards forwards(ClusterInstance inst) {
        return clusterProxy(inst).forwards();
    }

    /** The cluster's proxy part, attached on first use. */
    public ClusterProxy clusterProxy(ClusterInstance inst) {
        Optional<ClusterProxy> p = inst.part(ClusterProxy.PART, ClusterProxy.class);
        if (p.isPresent()) return p.get();
        synchronized (inst) {
            p = inst.part(ClusterProxy.PART, ClusterProxy.class);
            if (p.isPresent()) return p.get();
            boolean inCluster = DefaultCluster.ID.equals(inst.id()) && System.getenv("KUBERNETES_SERVICE_HOST") != null;
            java.net.Proxy via = inst.part(io.guildnet.cluster.ClusterEgress.PART, io.guildnet.cluster.ClusterEgress.class)
                    .map(io.guildnet.cluster.ClusterEgress::socks).orElse(java.net.Proxy.NO_PROXY);
            ClusterProxy cp = inst.attach(ClusterProxy.PART, new ClusterProxy(inst.id(), inst.client(), config, inCluster, via));
            long every = Math.max(1000, Math.min(60_000, config.portForwardIdleMs() / 4));
            inst.every(java.time.Duration.ofMillis(every), java.time.Duration.ofMillis(every), cp.forwards()::evictIdle);
            return cp;
        }
    }

    /** Whether the request's Authorization header holds the Host App's own token (never forwarded then). */
    private boolean carriesOurToken(HttpServletRequest req) {
        String a = req.getHeader("Authorization");
        if (a == null || !a.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        return authenticator.principalForToken(a.substring(7).trim()).isPresent();
    }
}
