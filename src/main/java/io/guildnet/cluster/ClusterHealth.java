package io.guildnet.cluster;

import io.fabric8.kubernetes.client.KubernetesClientException;
import io.guildnet.api.ApiException;
import io.guildnet.config.ListenAddress;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

/**
 * Cluster reachability: a check (GET /version, then a one-item namespace list)
 * with the anchor's codes, a cache that {@code /api/health} reads without waiting,
 * and the kubectl-proxy fallback ({@code KUBE_PROXY_ADDR}, or a kubectl proxy found
 * on 127.0.0.1:8001) that reports {@code note: proxy_fallback_enabled}.
 */
public final class ClusterHealth {

    private static final Logger LOG = Logger.getLogger(ClusterHealth.class.getName());
    public static final String AUTODETECT_ADDR = "127.0.0.1:8001";
    public static final String NOTE_FALLBACK = "proxy_fallback_enabled";

    /** One health result (anchor shape: status ok|error|unknown, code?, error?, note?). */
    public record Result(String status, String code, String error, String note, Instant checkedAt) {
        public boolean ok() { return "ok".equals(status); }

        public JsonObjectBuilder json() {
            JsonObjectBuilder b = Json.createObjectBuilder().add("status", status);
            if (code != null) b.add("code", code);
            if (error != null) b.add("error", error);
            if (note != null) b.add("note", note);
            return b;
        }
    }

    private final ClusterStore store;
    private final ClusterRegistry registry;
    private final ExecutorService executor;
    private final Clock clock;
    private final Duration ttl;
    private final Duration timeout;
    private final List<String> fallbackCandidates;
    private final Map<String, Result> cache = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Result>> inFlight = new ConcurrentHashMap<>();

    /**
     * @param kubeProxyAddr {@code KUBE_PROXY_ADDR}, tried first as the fallback
     * @param autodetect    also try a kubectl proxy on 127.0.0.1:8001
     */
    public ClusterHealth(ClusterStore store, ClusterRegistry registry, ExecutorService executor, Clock clock,
                         Duration ttl, Duration timeout, Optional<String> kubeProxyAddr, boolean autodetect) {
        this.store = store;
        this.registry = registry;
        this.executor = executor;
        this.clock = clock;
        this.ttl = ttl;
        this.timeout = timeout;
        kubeProxyAddr.ifPresent(ListenAddress::parse); // host:port, fail fast at start-up
        this.fallbackCandidates = kubeProxyAddr.map(List::of).orElse(autodetect ? List.of(AUTODETECT_ADDR) : List.of());
    }

    /** How often running instances re-check themselves (the cache is normally never older). */
    public Duration ttl() { return ttl; }

    /**
     * The cached result without waiting. Running instances refresh themselves every
     * {@link #ttl()}; only a missing result, or one older than twice that (no monitor
     * running), is refreshed from here — in the background.
     */
    public Result cached(String id) {
        Result r = cache.get(id);
        if (r == null || r.checkedAt().plus(ttl.multipliedBy(2)).isBefore(clock.instant())) refreshAsync(id);
        return r != null ? r : new Result("unknown", "checking", null, null, clock.instant());
    }

    public CompletableFuture<Result> refreshAsync(String id) {
        return inFlight.computeIfAbsent(id, k -> CompletableFuture.supplyAsync(() -> {
            try {
                return check(id);
            } finally {
                inFlight.remove(id);
            }
        }, executor));
    }

    public void forget(String id) {
        cache.remove(id);
    }

    /** A full check now (used by the health action, bootstrap and the background refresh). */
    public Result check(String id) {
        Result r = checkOnce(id, true);
        if (store.exists(id)) {
            cache.put(id, r);
            String state = r.ok() ? "ready" : "no_kubeconfig".equals(r.code()) ? "pending" : "error";
            store.get(id).filter(rec -> !state.equals(rec.state())).ifPresent(rec -> store.setState(id, state));
        }
        return r;
    }

    private Result checkOnce(String id, boolean mayFallback) {
        if (!store.exists(id)) throw ApiException.notFound("unknown_cluster", "no cluster with id " + id);
        if (!store.hasKubeconfig(id)) return result("unknown", "no_kubeconfig", null, null);
        ClusterInstance inst;
        try {
            inst = registry.get(id);
        } catch (ApiException e) {
            Object cause = e.details() instanceof Map<?, ?> m ? m.get("cause") : null;
            if ("bad_kubeconfig".equals(cause)) return result("unknown", "bad_kubeconfig", e.getMessage(), null);
            return result("error", cause == null ? e.code() : cause.toString(), e.getMessage(), null);
        }
        String err = probe(inst);
        if (err != null && !err.startsWith("forbidden:")) err = inst.client().getMasterUrl() + ": " + err;
        String note = fallbackInUse(inst.settings()) ? NOTE_FALLBACK : null;
        if (err == null) return result("ok", null, null, note);
        if (err.startsWith("forbidden:")) return result("error", "cluster_forbidden", err.substring(10).trim(), note);
        if (mayFallback && note == null && inst.settings().string("api_proxy_url").isEmpty() && !inst.settings().bool("disable_api_proxy")) {
            for (String addr : fallbackCandidates) {
                if (looksLikeKubeApi(addr)) {
                    LOG.warning("cluster " + id + ": API server unreachable (" + err + "); switching to the kubectl proxy at " + addr);
                    String[] noSecret = {null};
                    ClusterSettings s = inst.settings().apply(Json.createObjectBuilder()
                            .add("api_proxy_url", "http://" + addr).add("api_proxy_force_http", true).build(),
                            new java.util.HashSet<>(), noSecret);
                    if (!store.exists(id)) return result("unknown", "deleted", "the cluster was deleted during the check", null);
                    store.putSettings(id, s, null);
                    if (!store.exists(id)) {
                        store.delete(id); // deleted meanwhile: remove the settings row this check wrote back
                        return result("unknown", "deleted", "the cluster was deleted during the check", null);
                    }
                    registry.close(id);
                    Result again = checkOnce(id, false);
                    return again.ok() ? result("ok", null, null, NOTE_FALLBACK) : again;
                }
            }
        }
        return result("error", "cluster_unreachable", err, note);
    }

    private boolean fallbackInUse(ClusterSettings s) {
        String url = s.string("api_proxy_url");
        return fallbackCandidates.stream().anyMatch(a -> url.equals("http://" + a));
    }

    /** Null when reachable; else a short reason ("forbidden: ..." for 401/403). */
    private String probe(ClusterInstance inst) {
        CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
            try {
                inst.client().getKubernetesVersion();
                return null;
            } catch (KubernetesClientException e) {
                if (e.getCode() == 401 || e.getCode() == 403) {
                    // /version may be closed to this user; the namespace list decides
                    try {
                        inst.client().namespaces().list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(1L).build());
                        return null;
                    } catch (KubernetesClientException e2) {
                        return (e2.getCode() == 401 || e2.getCode() == 403 ? "forbidden: " : "") + reason(e2);
                    }
                }
                return reason(e);
            } catch (RuntimeException e) {
                return reason(e);
            }
        }, executor);
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            return "no answer within " + timeout.toMillis() + " ms";
        } catch (Exception e) {
            return reason(e);
        }
    }

    /** A short, human reason for a failure (no class names, no stack traces). */
    static String reason(Throwable e) {
        for (Throwable c = e; c != null; c = c.getCause() == c ? null : c.getCause()) {
            if (c instanceof KubernetesClientException k && k.getCode() > 0) {
                String msg = k.getStatus() != null && k.getStatus().getMessage() != null ? k.getStatus().getMessage() : "request failed";
                return "HTTP " + k.getCode() + ": " + trim(msg);
            }
            if (c instanceof java.net.ConnectException || c instanceof java.nio.channels.ClosedChannelException) return "connection refused";
            if (c instanceof java.net.http.HttpConnectTimeoutException || c instanceof java.net.SocketTimeoutException
                    || c instanceof java.net.http.HttpTimeoutException || c instanceof java.util.concurrent.TimeoutException) return "timed out";
            if (c instanceof java.net.UnknownHostException) return "unknown host " + c.getMessage();
            if (c instanceof javax.net.ssl.SSLException) return "TLS handshake failed: " + trim(String.valueOf(c.getMessage()));
        }
        String m = e.getMessage();
        return m == null || m.isBlank() ? "request failed" : trim(m);
    }

    private static String trim(String m) {
        String one = m.replaceAll("\\s+", " ").trim();
        return one.length() > 300 ? one.substring(0, 300) : one;
    }

    /** A kubectl proxy answers GET /version with a JSON carrying gitVersion. */
    private boolean looksLikeKubeApi(String addr) {
        try {
            HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).executor(executor).build();
            HttpResponse<String> r = c.send(HttpRequest.newBuilder(URI.create("http://" + addr + "/version"))
                    .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) return false;
            JsonObject o = Json.createReader(new java.io.StringReader(r.body())).readObject();
            return o.containsKey("gitVersion");
        } catch (Exception e) {
            if (e instanceof InterruptedException) Thread.currentThread().interrupt();
            return false;
        }
    }

    private Result result(String status, String code, String error, String note) {
        return new Result(status, code, error, note, clock.instant());
    }
}
