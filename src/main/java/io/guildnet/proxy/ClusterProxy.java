package io.guildnet.proxy;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.internal.SSLUtils;
import io.guildnet.api.ApiException;
import io.guildnet.workspace.CapabilityPolicy;
import io.guildnet.workspace.DesiredState;
import io.guildnet.workspace.WorkspaceService;
import io.guildnet.workspace.model.Capability;
import io.guildnet.workspace.model.Workspace;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;

/**
 * The proxy's view of one cluster, attached to its ClusterInstance: the API server as an
 * upstream (the cluster's CA, client certificate and token), the cluster's port-forwards, and
 * a short-lived cache of resolved workspace targets, from which it plans the hops for a request.
 */
public final class ClusterProxy implements AutoCloseable {

    public static final String PART = "proxy";
    static final String SA_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    /** What the proxy needs to know about a workspace to reach it. */
    public record Target(String ns, String name, Map<String, String> labels, String scheme, int servicePort,
                         String clusterIp, boolean endpointsReady, List<Pod> pods, IntOrString targetPort,
                         List<Capability> capabilities, boolean workspace) {}

    /** Per-request path choices: the cluster's settings and the anchor's request hints. */
    public record Options(boolean preferPod, boolean usePortForward) {}

    private record Cached(Target target, long expires) {}

    private final String clusterId;
    private final KubernetesClient client;
    private final ProxyConfig config;
    private final PortForwards forwards;
    private final boolean direct;
    private final Upstream api;
    private final String apiBasePath;
    private final Supplier<Proxy> via;
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final WorkspaceService workspaces = new WorkspaceService();
    private volatile String saToken;
    private volatile long saTokenRead;

    public ClusterProxy(String clusterId, KubernetesClient client, ProxyConfig config, boolean inCluster) {
        this(clusterId, client, config, inCluster, Proxy.NO_PROXY);
    }

    /** As above; {@code via} (the cluster's tailnet connector, a SOCKS5 proxy) carries every connection to the cluster. */
    public ClusterProxy(String clusterId, KubernetesClient client, ProxyConfig config, boolean inCluster, Proxy via) {
        this.clusterId = clusterId;
        this.client = client;
        this.config = config;
        this.forwards = new PortForwards(clusterId, client, config.portForwardIdleMs());
        this.direct = switch (config.direct()) {
            case "on" -> true;
            case "off" -> false;
            default -> inCluster;
        };
        Proxy through = via == null ? Proxy.NO_PROXY : via;
        this.via = () -> through;
        Config c = client.getConfiguration();
        URI u = URI.create(c.getMasterUrl());
        String scheme = u.getScheme() == null ? "https" : u.getScheme().toLowerCase();
        int port = u.getPort() > 0 ? u.getPort() : ("https".equals(scheme) ? 443 : 80);
        SSLSocketFactory tls = null;
        if ("https".equals(scheme)) {
            try {
                SSLContext ctx = SSLUtils.sslContext(c);
                tls = ctx.getSocketFactory();
            } catch (Exception e) {
                throw new IllegalStateException("cluster " + clusterId + ": cannot build TLS settings for the API server: " + e.getMessage(), e);
            }
        }
        String host = u.getHost();
        if (host != null && host.startsWith("[")) host = host.substring(1, host.length() - 1);
        this.api = new Upstream(scheme, host, port, tls, !c.isTrustCerts() && !c.isDisableHostnameVerification(), through);
        String p = u.getRawPath() == null ? "" : u.getRawPath();
        this.apiBasePath = p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    public String clusterId() { return clusterId; }

    public PortForwards forwards() { return forwards; }

    public Upstream apiServer() { return api; }

    /** The workspace {@code name} in {@code ns}, from cache when fresh. 404 when neither a Workspace nor a Service has that name. */
    public Target resolve(String ns, String name) {
        String key = ns + "/" + name;
        Cached c = cache.get(key);
        long now = System.nanoTime();
        if (c != null && now < c.expires()) return c.target();
        Target t = lookup(ns, name);
        cache.put(key, new Cached(t, now + config.resolveCacheMs() * 1_000_000L));
        return t;
    }

    public void forget(String ns, String name) {
        cache.remove(ns + "/" + name);
    }

    private Target lookup(String ns, String name) {
        try {
            Workspace ws = client.resources(Workspace.class).inNamespace(ns).withName(name).get();
            Service svc = client.services().inNamespace(ns).withName(name).get();
            if (ws == null && svc == null) {
                throw ApiException.notFound("not_found", "no workspace '" + name + "' in namespace " + ns + " of cluster " + clusterId);
            }
            Map<String, String> labels = ws != null ? DesiredState.labels(ws)
                    : svc.getMetadata().getLabels() == null ? Map.of() : svc.getMetadata().getLabels();
            int port = 8080;
            String scheme = "http";
            IntOrString targetPort = null;
            String clusterIp = null;
            Map<String, String> selector = Map.of("guildnet.io/workspace", name);
            if (svc != null && svc.getSpec() != null) {
                List<ServicePort> ports = svc.getSpec().getPorts();
                if (ports != null && !ports.isEmpty()) {
                    ServicePort sp = ports.get(0);
                    port = sp.getPort();
                    targetPort = sp.getTargetPort();
                    scheme = httpsPort(sp.getName(), sp.getAppProtocol(), port) ? "https" : "http";
                }
                clusterIp = svc.getSpec().getClusterIP();
                if (svc.getSpec().getSelector() != null && !svc.getSpec().getSelector().isEmpty()) selector = svc.getSpec().getSelector();
            } else if (ws.getSpec() != null && ws.getSpec().getPorts() != null && !ws.getSpec().getPorts().isEmpty()) {
                var wp = ws.getSpec().getPorts().get(0);
                port = wp.getContainerPort();
                scheme = httpsPort(wp.getName(), null, port) ? "https" : "http";
            }
            boolean ready = endpointsReady(ns, name);
            List<Pod> pods = new ArrayList<>(client.pods().inNamespace(ns).withLabels(selector).list().getItems());
            pods.removeIf(p -> p.getMetadata().getDeletionTimestamp() != null);
            pods.sort(Comparator.comparingInt(ClusterProxy::podRank));
            List<Capability> caps = workspaces.capabilities(client, ns);
            return new Target(ns, name, labels, scheme, port, clusterIp == null || clusterIp.isEmpty() || "None".equals(clusterIp) ? null : clusterIp,
                    ready, List.copyOf(pods), targetPort, caps, ws != null);
        } catch (KubernetesClientException e) {
            throw new ApiException(502, "upstream_error", "cannot look up workspace '" + name + "' in cluster " + clusterId + ": "
                    + (e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : e.getMessage()), null);
        }
    }

    private boolean endpointsReady(String ns, String name) {
        try {
            for (EndpointSlice s : client.discovery().v1().endpointSlices().inNamespace(ns)
                    .withLabel("kubernetes.io/service-name", name).list().getItems()) {
                if (s.getEndpoints() == null) continue;
                for (var ep : s.getEndpoints()) {
                    if (ep.getConditions() == null || ep.getConditions().getReady() == null || ep.getConditions().getReady()) return true;
                }
            }
            return false;
        } catch (KubernetesClientException e) {
            return true; // cannot tell: let the service proxy try
        }
    }

    static boolean httpsPort(String name, String appProtocol, int port) {
        return "https".equalsIgnoreCase(name) || "https".equalsIgnoreCase(appProtocol) || port == 443 || port == 8443;
    }

    /** Running and Ready first, then Running, then the rest. */
    static int podRank(Pod p) {
        if (p.getStatus() == null) return 3;
        boolean running = "Running".equals(p.getStatus().getPhase());
        boolean ready = p.getStatus().getConditions() != null && p.getStatus().getConditions().stream()
                .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
        return running && ready ? 0 : running ? 1 : 2;
    }

    /** The container port a Service port forwards to on {@code pod}. */
    static int podPort(Target t, Pod pod) {
        IntOrString tp = t.targetPort();
        if (tp == null) return t.servicePort();
        if (tp.getIntVal() != null) return tp.getIntVal();
        String named = tp.getStrVal();
        if (named != null && pod.getSpec() != null && pod.getSpec().getContainers() != null) {
            for (var c : pod.getSpec().getContainers()) {
                if (c.getPorts() == null) continue;
                for (ContainerPort cp : c.getPorts()) if (named.equals(cp.getName())) return cp.getContainerPort();
            }
        }
        return t.servicePort();
    }

    /**
     * A TCP connection to the Workspace {@code name}'s pod (the first Running and Ready one) on the
     * port its Service forwards to, through a leased port-forward that stays open until the socket
     * is closed; the {@code proxy} Capability is checked each time (a Capability added later stops
     * new connections), and only Workspaces are reached, not any Service. Used by published services.
     */
    public java.net.Socket connect(String ns, String name, int timeoutMs) throws java.io.IOException {
        Target t;
        try {
            t = resolve(ns, name);
            authorize(t);
        } catch (ApiException e) {
            forget(ns, name);
            throw new java.io.IOException(e.getMessage(), e);
        }
        if (!t.workspace()) throw new java.io.IOException("no workspace '" + name + "' in namespace " + ns);
        if (t.pods().isEmpty()) {
            forget(ns, name);
            throw new java.io.IOException("workspace " + name + " has no pod yet");
        }
        Pod pod = t.pods().get(0);
        int port = podPort(t, pod);
        PortForwards.Lease lease = forwards.lease(t.ns(), pod.getMetadata().getName(), port);
        java.net.Socket s = new java.net.Socket() {
            @Override
            public synchronized void close() throws java.io.IOException {
                try {
                    super.close();
                } finally {
                    lease.release();
                }
            }
        };
        try {
            s.connect(lease.address(), timeoutMs);
            return s;
        } catch (java.io.IOException e) {
            s.close();
            forwards.invalidate(t.ns(), pod.getMetadata().getName(), port);
            forget(ns, name);
            throw new java.io.IOException("port-forward to " + name + " failed: " + e.getMessage(), e);
        }
    }

    /** Checks the {@code proxy} capability for this target (403 {@code forbidden} when denied). */
    public void authorize(Target t) {
        CapabilityPolicy.check(t.capabilities(), CapabilityPolicy.Request.of("proxy", t.labels()));
    }

    /**
     * The hops for a request to {@code t}, in order: port-forward first when the cluster asks
     * for it; the pod proxy first when preferred or the Service has no ready endpoints; the
     * service proxy; a port-forward as the fallback when the API server cannot proxy; the
     * ClusterIP directly when the Host App runs in this cluster.
     */
    public List<Hop> plan(Target t, Options o) {
        List<Hop> hops = new ArrayList<>();
        Pod pod = t.pods().isEmpty() ? null : t.pods().get(0);
        if (o.usePortForward() && pod != null) hops.add(portForwardHop(t, pod));
        boolean podFirst = (o.preferPod() || !t.endpointsReady()) && pod != null;
        if (podFirst) hops.add(podHop(t, pod));
        if (t.endpointsReady() || pod == null) hops.add(serviceHop(t));
        if (!o.usePortForward() && pod != null) hops.add(portForwardHop(t, pod));
        if (direct && t.clusterIp() != null) {
            hops.add(new Hop(ProxyPath.DIRECT, () -> new Upstream(t.scheme(), t.clusterIp(), t.servicePort(),
                    "https".equals(t.scheme()) ? Insecure.socketFactory() : null, false, via.get()), "", new HeaderList(), false,
                    why -> forget(t.ns(), t.name())));
        }
        return hops;
    }

    private Hop serviceHop(Target t) {
        String prefix = apiBasePath + "/api/v1/namespaces/" + t.ns() + "/services/" + t.scheme() + ":" + t.name() + ":" + t.servicePort() + "/proxy";
        return new Hop(ProxyPath.SERVICE, () -> api, prefix, auth(), true, why -> forget(t.ns(), t.name()));
    }

    private Hop podHop(Target t, Pod pod) {
        String prefix = apiBasePath + "/api/v1/namespaces/" + t.ns() + "/pods/" + t.scheme() + ":" + pod.getMetadata().getName() + ":"
                + podPort(t, pod) + "/proxy";
        return new Hop(ProxyPath.POD, () -> api, prefix, auth(), true, why -> forget(t.ns(), t.name()));
    }

    private Hop portForwardHop(Target t, Pod pod) {
        String podName = pod.getMetadata().getName();
        int port = podPort(t, pod);
        return new Hop(ProxyPath.PORT_FORWARD, () -> {
            InetSocketAddress a = forwards.ensure(t.ns(), podName, port);
            return new Upstream(t.scheme(), a.getHostString(), a.getPort(),
                    "https".equals(t.scheme()) ? Insecure.socketFactory() : null, false, Proxy.NO_PROXY);
        }, "", new HeaderList(), false, why -> {
            forwards.invalidate(t.ns(), podName, port);
            forget(t.ns(), t.name());
        });
    }

    /**
     * One GET to the workspace {@code name} through the hops its proxy route
     * ({@code /api/cluster/{id}/proxy/server/{name}/...}) would use, looked up afresh, with the
     * {@code proxy} capability checked; bounded by {@code timeoutMs} per hop.
     */
    public ProxyFetch.Result fetch(String ns, String name, String subPathAndQuery, Options o, int timeoutMs, int maxBody) {
        forget(ns, name);
        Target t = resolve(ns, name);
        authorize(t);
        return ProxyFetch.get("/api/cluster/" + clusterId + "/proxy/server/" + name, plan(t, o), subPathAndQuery, timeoutMs, maxBody);
    }

    /** The cluster's credentials for the API server, read per request (tokens rotate). */
    HeaderList auth() {
        HeaderList h = new HeaderList();
        Config c = client.getConfiguration();
        String token = null;
        if (c.getOauthTokenProvider() != null) token = c.getOauthTokenProvider().getToken();
        if (token == null || token.isEmpty()) token = c.getAutoOAuthToken();
        if (token == null || token.isEmpty()) token = c.getOauthToken();
        if ((token == null || token.isEmpty()) && Files.isReadable(Path.of(SA_TOKEN))) token = serviceAccountToken();
        if (token != null && !token.isEmpty()) {
            h.add("Authorization", "Bearer " + token);
        } else if (c.getUsername() != null && !c.getUsername().isEmpty()) {
            String basic = c.getUsername() + ":" + (c.getPassword() == null ? "" : c.getPassword());
            h.add("Authorization", "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8)));
        }
        return h;
    }

    private String serviceAccountToken() {
        long now = System.nanoTime();
        if (saToken == null || now - saTokenRead > 60_000_000_000L) {
            try {
                saToken = Files.readString(Path.of(SA_TOKEN)).trim();
                saTokenRead = now;
            } catch (IOException e) {
                return saToken;
            }
        }
        return saToken;
    }

    @Override
    public void close() {
        forwards.close();
        cache.clear();
    }
}
