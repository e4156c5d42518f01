package io.guildnet.cluster;

import io.guildnet.api.ApiException;
import io.guildnet.security.SecretBox;
import io.guildnet.store.Credential;
import io.guildnet.store.CredentialRepository;
import io.guildnet.store.Database;
import io.guildnet.store.HeadscaleRecord;
import io.guildnet.store.HeadscaleRepository;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * Headscale server records: create, endpoint, pre-auth key (encrypted), health
 * (a TCP connect to the endpoint that reports {@code error} with the reason), delete.
 * Provisioning a Headscale server comes with the tailnet part.
 */
public final class HeadscaleService {

    /** Health of one record (anchor shape). */
    public record Health(String status, String code, String error, java.time.Instant checkedAt) {}

    private final Database db;
    private final Supplier<SecretBox> box;
    private final ExecutorService executor;
    private final Clock clock;
    private final Duration ttl;
    private final HeadscaleRepository repo = new HeadscaleRepository();
    private final CredentialRepository credentials = new CredentialRepository();
    private final Map<String, Health> cache = new ConcurrentHashMap<>();
    private volatile java.util.function.Function<String, io.fabric8.kubernetes.client.KubernetesClient> clusters = id -> {
        throw new ApiException(503, "no_k8s_clients", "clusters are not available");
    };

    public HeadscaleService(Database db, Supplier<SecretBox> box, ExecutorService executor, Clock clock, Duration ttl) {
        this.db = db;
        this.box = box;
        this.executor = executor;
        this.clock = clock;
        this.ttl = ttl;
    }

    static String preauthId(String id) { return "hs:" + id + ":preauth"; }

    static String apiKeyId(String id) { return "hs:" + id + ":apikey"; }

    /** The stored pre-auth key (decrypted), for the provisioning job; never shown by the API. */
    public Optional<String> preauthKey(String id) { return decrypt(preauthId(id)); }

    /** Stores the Headscale API key (encrypted); with an endpoint it makes minting and health use the REST API. */
    public void setApiKey(String id, String value) {
        require(id);
        if (value == null || value.isBlank()) throw ApiException.badRequest("missing_value", "value is required");
        write(c -> {
            credentials.put(c, new Credential(apiKeyId(id), "headscale", id, "headscale.apikey",
                    box.get().encrypt(value.trim(), apiKeyId(id)), clock.instant().toString()));
            return null;
        });
        cache.remove(id);
    }

    public boolean apiKeySet(String id) {
        return read(c -> credentials.get(c, apiKeyId(id))).isPresent();
    }

    /** A REST client for the record's Headscale; empty without an endpoint or API key. */
    public Optional<io.guildnet.tailnet.HeadscaleClient> client(String id) {
        HeadscaleRecord r = require(id);
        if (r.endpoint() == null || r.endpoint().isBlank()) return Optional.empty();
        return decrypt(apiKeyId(id)).map(k -> new io.guildnet.tailnet.HeadscaleClient(r.endpoint(), k, Duration.ofSeconds(5)));
    }

    /** What a mint returns to the caller: everything but the key (stored encrypted as the record's pre-auth key). */
    public record Minted(String user, boolean reusable, boolean ephemeral, String expiration) {}

    /**
     * Creates {@code user} if needed and mints a pre-auth key through the REST API, stored (encrypted)
     * as the record's pre-auth key. 409 {@code headscale_api_not_configured} without endpoint/API key;
     * 502 with the Headscale code when Headscale fails.
     */
    public Minted mintPreauthKey(String id, String user, boolean reusable, boolean ephemeral, Duration validFor) {
        if (user == null || !user.matches("[a-z0-9]([a-z0-9.-]{0,61}[a-z0-9])?")) {
            throw ApiException.badRequest("invalid_field", "user must be a lower-case DNS label (e.g. cluster-alpha)", Map.of("field", "user"));
        }
        if (validFor.isNegative() || validFor.isZero() || validFor.compareTo(Duration.ofDays(365)) > 0) {
            throw ApiException.badRequest("invalid_field", "expiration_hours must be between 1 and 8760", Map.of("field", "expiration_hours"));
        }
        var hs = client(id).orElseThrow(() -> new ApiException(409, "headscale_api_not_configured",
                "set the endpoint (?action=endpoint) and an API key (?action=api-key) first, or give {\"value\"} to store a key"));
        try {
            hs.ensureUser(user);
            var k = hs.createPreAuthKey(user, reusable, ephemeral, validFor, java.util.List.of());
            setPreauthKey(id, k.key());
            return new Minted(user, k.reusable(), k.ephemeral(), k.expiration());
        } catch (io.guildnet.tailnet.HeadscaleClient.HeadscaleException e) {
            throw new ApiException(502, e.code(), e.getMessage());
        }
    }

    public List<HeadscaleRecord> list() { return read(c -> repo.list(c)); }

    public HeadscaleRecord require(String id) {
        return read(c -> repo.get(c, id)).orElseThrow(() -> ApiException.notFound("unknown_headscale", "no headscale record " + id));
    }

    public HeadscaleRecord create(String name) {
        String id = UUID.randomUUID().toString();
        String n = name == null || name.isBlank() ? "headscale-" + id.substring(0, 8) : name.trim();
        HeadscaleRecord r = new HeadscaleRecord(id, n, "managed", "pending", null, clock.instant().toString(), null);
        write(c -> {
            repo.upsert(c, r);
            return null;
        });
        return r;
    }

    public void delete(String id) {
        require(id);
        write(c -> {
            repo.delete(c, id);
            credentials.delete(c, preauthId(id));
            credentials.delete(c, apiKeyId(id));
            return null;
        });
        cache.remove(id);
    }

    public void setEndpoint(String id, String endpoint) {
        HeadscaleRecord r = require(id);
        if (endpoint == null || endpoint.isBlank()) throw ApiException.badRequest("missing_endpoint", "endpoint is required");
        URI u;
        try {
            u = URI.create(endpoint.trim());
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_field", "endpoint must be an http(s) URL", Map.of("field", "endpoint"));
        }
        if (!("http".equals(u.getScheme()) || "https".equals(u.getScheme())) || u.getHost() == null) {
            throw ApiException.badRequest("invalid_field", "endpoint must be an http(s) URL", Map.of("field", "endpoint"));
        }
        write(c -> {
            repo.upsert(c, r.withEndpoint(u.toString(), clock.instant().toString()));
            return null;
        });
        cache.remove(id);
    }

    public void setPreauthKey(String id, String value) {
        require(id);
        if (value == null || value.isBlank()) throw ApiException.badRequest("missing_value", "value is required");
        write(c -> {
            credentials.put(c, new Credential(preauthId(id), "headscale", id, "headscale.preauth",
                    box.get().encrypt(value.trim(), preauthId(id)), clock.instant().toString()));
            return null;
        });
    }

    public boolean preauthSet(String id) {
        return read(c -> credentials.get(c, preauthId(id))).isPresent();
    }

    /** Dials the endpoint's host:port (default 443 for https, 80 for http) within 1 s. */
    public Health check(String id) {
        HeadscaleRecord r = require(id);
        Health h;
        Optional<io.guildnet.tailnet.HeadscaleClient> api = r.endpoint() == null || r.endpoint().isBlank() ? Optional.empty() : client(id);
        if (r.endpoint() == null || r.endpoint().isBlank()) {
            h = new Health("unknown", "no_endpoint", "no endpoint set; POST ?action=endpoint first", clock.instant());
        } else if (api.isPresent()) {
            // the real thing: Headscale's own /health, then an authenticated call proves the API key
            try {
                if (!api.get().healthy()) {
                    h = new Health("error", "headscale_unhealthy", "Headscale /health did not answer 200", clock.instant());
                } else {
                    api.get().users();
                    h = new Health("ok", null, null, clock.instant());
                }
            } catch (io.guildnet.tailnet.HeadscaleClient.HeadscaleException e) {
                h = new Health("error", e.code(), e.getMessage(), clock.instant());
            }
        } else {
            URI u = URI.create(r.endpoint());
            int port = u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(u.getHost(), port), 1000);
                h = new Health("ok", null, null, clock.instant());
            } catch (Exception e) {
                h = new Health("error", "headscale_unreachable", u.getHost() + ":" + port + ": " + ClusterHealth.reason(e), clock.instant());
            }
        }
        cache.put(id, h);
        return h;
    }

    /** Cached health for /api/health, refreshed in the background when stale. */
    public Health cached(String id) {
        Health h = cache.get(id);
        if (h == null || h.checkedAt().plus(ttl).isBefore(clock.instant())) {
            CompletableFuture.runAsync(() -> {
                try {
                    check(id);
                } catch (ApiException ignored) {
                    cache.remove(id);
                }
            }, executor);
        }
        return h != null ? h : new Health("unknown", "checking", null, clock.instant());
    }

    private Optional<String> decrypt(String credId) {
        return read(c -> credentials.get(c, credId)).map(cr -> {
            try {
                return box.get().decrypt(cr.value(), credId);
            } catch (io.guildnet.security.SecretException e) {
                throw new ApiException(503, "secret_unreadable", "stored secret " + credId + " cannot be read: " + e.getMessage());
            }
        });
    }

    private <T> T read(Database.Work<T> w) {
        return io.guildnet.store.Transactions.read(db, w);
    }

    private <T> T write(Database.Work<T> w) {
        return io.guildnet.store.Transactions.write(db, w);
    }

    /** How to reach a cluster's Kubernetes API by id (404 unknown_cluster / 503 no_k8s_clients come from there). */
    public void clusters(java.util.function.Function<String, io.fabric8.kubernetes.client.KubernetesClient> resolver) {
        this.clusters = resolver;
    }

    // ---- managed Headscale (k8s/headscale.yaml) --------------------------------------------------

    /**
     * Marks the record as managed in {@code cluster}/{@code namespace} (the cluster must exist and be reachable);
     * {@code cluster} null or blank makes it external again (nothing is deleted in the cluster).
     */
    public HeadscaleRecord manage(String id, String cluster, String namespace) {
        HeadscaleRecord r = require(id);
        HeadscaleRecord n;
        if (cluster == null || cluster.isBlank()) {
            n = r.withPlacement(null, null, clock.instant().toString());
        } else {
            String ns = namespace == null || namespace.isBlank() ? "headscale" : namespace.trim();
            if (!ns.matches("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?")) {
                throw ApiException.badRequest("invalid_field", "namespace must be a DNS label", Map.of("field", "namespace"));
            }
            clusters.apply(cluster.trim()); // 404 unknown_cluster when there is no such cluster
            n = r.withPlacement(cluster.trim(), ns, clock.instant().toString());
        }
        write(c -> {
            repo.upsert(c, n);
            return null;
        });
        return n;
    }

    /** start / stop / destroy of a managed record; 409 {@code headscale_not_managed_here} for an external one. */
    public HeadscaleDeployment.Outcome operate(String id, String action, boolean deleteData) {
        HeadscaleRecord r = require(id);
        if (!r.managed()) {
            throw new ApiException(409, "headscale_not_managed_here", "this Headscale is external (no cluster set): the Host App does not "
                    + action + " it. Run it yourself and set its endpoint and API key, or POST ?action=manage {\"cluster\":\"<id>\","
                    + "\"namespace\":\"headscale\"} to let the Host App deploy k8s/headscale.yaml there");
        }
        HeadscaleDeployment d = new HeadscaleDeployment(clusters.apply(r.cluster()), r.namespace());
        HeadscaleDeployment.Outcome o = switch (action) {
            case "start" -> d.start(r.endpoint());
            case "stop" -> d.stop();
            case "destroy" -> d.destroy(deleteData);
            default -> throw ApiException.badRequest("unsupported_action", "unknown action " + action);
        };
        write(c -> {
            repo.upsert(c, require(id).withState(o.state(), clock.instant().toString()));
            return null;
        });
        cache.remove(id);
        return o;
    }

    Optional<String> endpoint(String id) { return Optional.ofNullable(require(id).endpoint()); }
}
