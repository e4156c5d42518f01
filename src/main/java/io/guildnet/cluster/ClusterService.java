package io.guildnet.cluster;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.ListOptionsBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.guildnet.api.ApiException;
import io.guildnet.api.JsonInput;
import io.guildnet.security.SecureFiles;
import io.guildnet.store.ClusterRecord;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Cluster operations behind the API: create, attach a kubeconfig, delete (leaving
 * nothing behind), health, settings (applied live), join bundles and bootstrap with
 * full rollback.
 */
public final class ClusterService {

    private static final Logger LOG = Logger.getLogger(ClusterService.class.getName());
    public static final String SETTINGS_NAMESPACE = "guildnet-system";
    public static final String SETTINGS_CONFIGMAP = "guildnet-cluster-settings";

    private final ClusterStore store;
    private final ClusterRegistry registry;
    private final ClusterHealth health;
    private final ExecutorService executor;
    private final Clock clock;
    private final Duration prewarm;

    public ClusterService(ClusterStore store, ClusterRegistry registry, ClusterHealth health, ExecutorService executor,
                          Clock clock, Duration prewarm) {
        this.store = store;
        this.registry = registry;
        this.health = health;
        this.executor = executor;
        this.clock = clock;
        this.prewarm = prewarm;
    }

    public ClusterStore store() { return store; }

    public ClusterRegistry registry() { return registry; }

    public ClusterHealth health() { return health; }

    public ClusterRecord require(String id) {
        return store.get(id).orElseThrow(() -> ApiException.notFound("unknown_cluster", "no cluster with id " + id));
    }

    static String defaultName(String id) {
        return "cluster-" + id.substring(0, Math.min(8, id.length()));
    }

    public ClusterRecord create(String name) {
        String id = UUID.randomUUID().toString();
        String n = name == null || name.isBlank() ? defaultName(id) : name.trim();
        if (n.length() > 128) throw ApiException.badRequest("invalid_field", "name must be at most 128 characters", Map.of("field", "name"));
        ClusterRecord r = new ClusterRecord(id, n, "pending", clock.instant().toString(), null);
        store.putRecord(r);
        return r;
    }

    /** Removes the record, credentials, settings, published services, the state directory and the instance. */
    public void delete(String id) {
        require(id);
        // record first, then the instance: a concurrent registry.get either finds no record or
        // built its instance before close(id) takes the lock, so no instance outlives the delete
        store.delete(id);
        registry.close(id);
        registry.forgetEgress(id);
        health.forget(id);
        try {
            SecureFiles.deleteTree(registry.stateDir(id));
        } catch (IOException e) {
            throw new ApiException(500, "delete_incomplete", "cluster record removed but its state directory could not be: " + e.getMessage());
        }
    }

    /** Stores a new kubeconfig (encrypted), closes the old instance and checks the new one. */
    public ClusterHealth.Result attach(String id, String kubeconfig) {
        require(id);
        Kubeconfigs.validate(kubeconfig);
        store.putKubeconfig(id, kubeconfig);
        registry.close(id);
        return health.check(id);
    }

    public String kubeconfig(String id) {
        require(id);
        return store.kubeconfig(id).orElseThrow(() -> ApiException.notFound("no_kubeconfig", "cluster " + id + " has no kubeconfig"));
    }

    // ---- settings -----------------------------------------------------------------------

    public JsonObject settingsView(String id) {
        ClusterRecord rec = require(id);
        JsonObject view = store.settings(id).view(store.secretSet(id), store.rdbPassSet(id));
        // the name lives in the cluster record (set at creation, or by a settings change)
        return view.getString("name", "").isBlank() ? Json.createObjectBuilder(view).add("name", rec.name()).build() : view;
    }

    /** Result of a settings change: what changed and what happened to the ConfigMap. */
    public record SettingsChange(Set<String> changed, boolean rebuilt, String configMap) {}

    public SettingsChange updateSettings(String id, JsonObject patch) {
        require(id);
        Set<String> changed = new LinkedHashSet<>();
        String[] secret = {null};
        String[] rdbPass = {null};
        ClusterSettings next = store.settings(id).apply(patch, changed, secret, rdbPass);
        store.putSettings(id, next, secret[0], rdbPass[0]);
        boolean rebuild = changed.stream().anyMatch(ClusterSettings.CLIENT_FIELDS::contains);
        if (rebuild) {
            registry.close(id);
            health.forget(id);
        } else {
            registry.peek(id).ifPresent(i -> i.refreshSettings(next));
        }
        String cm = "unchanged";
        if (changed.contains("workspace_lb_enabled")) cm = writeSettingsConfigMap(id, next);
        return new SettingsChange(changed, rebuild, cm);
    }

    /** Writes ConfigMap guildnet-system/guildnet-cluster-settings, creating the namespace if needed. */
    public String writeSettingsConfigMap(String id, ClusterSettings s) {
        try {
            KubernetesClient c = registry.get(id).client();
            if (c.namespaces().withName(SETTINGS_NAMESPACE).get() == null) {
                c.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName(SETTINGS_NAMESPACE).endMetadata().build())
                        .createOr(NonDeletingOperation::update);
            }
            c.configMaps().inNamespace(SETTINGS_NAMESPACE).resource(new ConfigMapBuilder()
                    .withNewMetadata().withName(SETTINGS_CONFIGMAP).withNamespace(SETTINGS_NAMESPACE)
                    .addToLabels("app.kubernetes.io/managed-by", "guildnet").endMetadata()
                    .addToData("workspace_lb_enabled", String.valueOf(s.bool("workspace_lb_enabled")))
                    .build()).createOr(NonDeletingOperation::update);
            return "written";
        } catch (RuntimeException e) {
            LOG.warning("cluster " + id + ": cannot write " + SETTINGS_NAMESPACE + "/" + SETTINGS_CONFIGMAP + ": " + e.getMessage());
            return "failed: " + ClusterHealth.reason(e);
        }
    }

    // ---- join bundle --------------------------------------------------------------------

    /**
     * The {@code guildnet.config} (version 2) for a cluster. Secrets (kubeconfig, tailnet key)
     * only when {@code includeSecrets}.
     */
    public JsonObject joinBundle(String id, boolean includeSecrets, String hostUrl, String caPem, String principal) {
        ClusterRecord r = require(id);
        ClusterSettings s = store.settings(id);
        JsonObjectBuilder ui = Json.createObjectBuilder().add("vite_api_base", hostUrl);
        JsonObjectBuilder host = Json.createObjectBuilder().add("url", hostUrl);
        if (caPem != null) {
            ui.add("ca_pem", caPem);
            host.add("ca_pem", caPem);
        }
        JsonObjectBuilder cluster = Json.createObjectBuilder().add("name", r.name()).add("notes", "");
        for (Map.Entry<String, JsonValue> e : s.stored().entrySet()) {
            if (e.getKey().startsWith("ts_") || e.getKey().equals("headscale_namespace") || e.getKey().equals("name")) continue;
            if (e.getValue() instanceof JsonString js && js.getString().isEmpty()) continue;
            cluster.add(e.getKey(), e.getValue());
        }
        JsonObjectBuilder ts = Json.createObjectBuilder().add("login_server", s.string("ts_login_server")).add("hostname", "");
        if (includeSecrets) {
            store.kubeconfig(id).ifPresent(k -> cluster.add("kubeconfig", k));
            store.tailnetClientKey(id).ifPresent(k -> ts.add("preauth_key", k));
        }
        return Json.createObjectBuilder()
                .add("version", 2)
                .add("created_at", clock.instant().toString())
                .add("creator", Json.createObjectBuilder().add("host", hostUrl).add("user", principal))
                .add("ui", ui).add("hostapp", host).add("cluster", cluster).add("tailscale", ts)
                .add("secrets_included", includeSecrets)
                .build();
    }

    // ---- bootstrap ----------------------------------------------------------------------

    /** Outcome of a bootstrap: the new cluster id, or empty when the payload had no cluster. */
    public record Bootstrap(Optional<String> clusterId) {}

    private static final Set<String> TOP = Set.of("version", "created_at", "creator", "ui", "hostapp", "cluster", "tailscale", "secrets_included");
    private static final Set<String> TS = Set.of("login_server", "preauth_key", "hostname");

    /**
     * Validates everything, stores the cluster in one transaction, then pre-warms it
     * (client, a one-item namespace list, further steps added by later layers) within the
     * pre-warm budget. Any failure answers 422 and removes everything it created.
     *
     * @param hostTailscale applies a tailscale section when the payload has no cluster
     */
    public Bootstrap bootstrap(JsonObject body, Consumer<JsonObject> hostTailscale) {
        JsonInput.onlyFields(body, TOP);
        if (body.containsKey("version")) {
            JsonValue v = body.get("version");
            if (!(v instanceof jakarta.json.JsonNumber n) || n.intValue() != 2) {
                throw ApiException.badRequest("unsupported_version", "join file version " + v + " is not supported (expected 2)");
            }
        }
        JsonObject ts = obj(body, "tailscale");
        JsonObject cl = obj(body, "cluster");
        if (ts != null) JsonInput.onlyFields(ts, TS);
        String kubeconfig = cl == null ? null : JsonInput.string(cl, "kubeconfig");
        if (kubeconfig == null || kubeconfig.isBlank()) {
            if (ts != null) hostTailscale.accept(ts);
            return new Bootstrap(Optional.empty());
        }
        Kubeconfigs.validate(kubeconfig);
        JsonObjectBuilder settingsPatch = Json.createObjectBuilder();
        for (Map.Entry<String, JsonValue> e : cl.entrySet()) {
            if (!List.of("kubeconfig", "notes").contains(e.getKey())) settingsPatch.add(e.getKey(), e.getValue());
        }
        String[] secret = {null};
        if (ts != null) {
            String login = JsonInput.string(ts, "login_server");
            if (login != null && !login.isBlank()) settingsPatch.add("ts_login_server", login);
            String key = JsonInput.string(ts, "preauth_key");
            if (key != null && !key.isBlank()) settingsPatch.add(ClusterSettings.SECRET_FIELD, key);
        }
        ClusterSettings settings = ClusterSettings.empty().apply(settingsPatch.build(), new LinkedHashSet<>(), secret);
        String id = UUID.randomUUID().toString();
        String name = settings.string("name").isEmpty() ? defaultName(id) : settings.string("name");
        ClusterRecord rec = new ClusterRecord(id, name, "imported", clock.instant().toString(), null);
        store.createImported(rec, kubeconfig, settings, secret[0]);
        long deadline = System.nanoTime() + prewarm.toNanos();
        try {
            ClusterInstance inst;
            try {
                inst = registry.get(id);
            } catch (ApiException e) {
                throw new ApiException(422, "cluster_client", "cluster client initialization failed", e.getMessage());
            }
            String err = within(deadline, () -> {
                inst.client().namespaces().list(new ListOptionsBuilder().withLimit(1L).build());
                return null;
            });
            if (err != null) {
                throw new ApiException(422, "cluster_connect", "cluster connect failed",
                        "listing namespaces at " + inst.client().getMasterUrl() + ": " + err);
            }
            for (PrewarmStep step : prewarmSteps) {
                String stepErr = within(deadline, () -> step.run(inst));
                if (stepErr != null) throw new ApiException(422, step.code(), step.name() + " failed", stepErr);
            }
        } catch (RuntimeException e) {
            rollback(id);
            throw e;
        }
        store.setState(id, "ready");
        health.refreshAsync(id);
        LOG.info("cluster " + id + " (" + name + ") bootstrapped");
        return new Bootstrap(Optional.of(id));
    }

    /** A pre-warm step later layers add (e.g. the RethinkDB connection, code {@code cluster_rdb}). */
    public interface PrewarmStep {
        String name();

        String code();

        /** Null on success, else the reason. */
        String run(ClusterInstance instance);
    }

    private final List<PrewarmStep> prewarmSteps = new java.util.concurrent.CopyOnWriteArrayList<>();

    public void addPrewarmStep(PrewarmStep step) {
        prewarmSteps.add(step);
    }

    private void rollback(String id) {
        store.delete(id); // before close: see delete
        registry.close(id);
        registry.forgetEgress(id);
        health.forget(id);
        try {
            SecureFiles.deleteTree(registry.stateDir(id));
        } catch (IOException e) {
            LOG.warning("cluster " + id + ": rollback could not remove " + registry.stateDir(id) + ": " + e.getMessage());
        }
        LOG.info("cluster " + id + ": bootstrap rolled back");
    }

    private String within(long deadline, java.util.function.Supplier<String> work) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return "pre-warm budget of " + prewarm.toSeconds() + " s used up";
        CompletableFuture<String> f = CompletableFuture.supplyAsync(() -> {
            try {
                return work.get();
            } catch (RuntimeException e) {
                return ClusterHealth.reason(e);
            }
        }, executor);
        try {
            return f.get(left, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            f.cancel(true);
            return "no answer within the pre-warm budget of " + prewarm.toSeconds() + " s";
        } catch (Exception e) {
            return ClusterHealth.reason(e);
        }
    }

    private static JsonObject obj(JsonObject o, String field) {
        if (!o.containsKey(field) || o.isNull(field)) return null;
        if (!(o.get(field) instanceof JsonObject j)) {
            throw ApiException.badRequest("invalid_field", field + " must be an object", Map.of("field", field));
        }
        return j;
    }
}
