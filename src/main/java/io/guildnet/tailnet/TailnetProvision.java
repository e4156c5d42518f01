package io.guildnet.tailnet;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretBuilder;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatus;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.http.HttpRequest;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.guildnet.batch.setup.SetupContext;
import io.guildnet.batch.setup.SetupFailure;
import io.guildnet.batch.setup.SetupRunner;
import io.guildnet.batch.setup.SetupStep;
import io.guildnet.cluster.ClusterEgress;
import io.guildnet.cluster.ClusterSettings;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * The steps of the {@code tailnet-provision} job for one cluster, run by the setup job's
 * {@link SetupRunner} (retries, reverse-order rollback of what was applied): Headscale user
 * {@code cluster-<id>}, router and client pre-auth keys, the subnet-router DaemonSet
 * ({@code k8s/tailscale-router.yaml}), its rollout, route approval, the Host App connector and
 * {@code /readyz} through it. Every step is idempotent: a second run finds everything in place.
 *
 * <p>Keys: the router key goes straight into the Secret {@code kube-system/tailscale-router-auth};
 * the client key into the cluster's write-only {@code ts_client_auth} (encrypted). Undo records
 * hold key ids only; the keys a rollback must expire stay in this object's memory.
 */
public final class TailnetProvision {

    public static final String NAMESPACE = "kube-system";
    public static final String DAEMONSET = "tailscale-subnet-router";
    public static final String SECRET = "tailscale-router-auth";
    public static final String DEFAULT_IMAGE = "tailscale/tailscale:stable";
    private static final Pattern CIDR = Pattern.compile("[0-9a-fA-F:.]+/[0-9]{1,3}");

    /** The cluster side the steps change: its settings (through the cluster service), its current client and connector. */
    public interface ClusterAccess {
        ClusterSettings settings();

        boolean clientKeySet();

        /** Sets (non-null) {@code ts_client_auth} and/or {@code ts_login_server}; the instance is rebuilt. */
        void updateTailnet(String loginServer, String clientKey);

        /** The cluster's current client (it changes when a tailnet setting rebuilds the instance). */
        KubernetesClient client();

        Optional<ClusterEgress> connector();
    }

    /** What one run needs. {@code routes} may be empty (then ts_routes or the detected CIDRs). */
    public record Spec(String clusterId, String loginServer, String routes, String image, Duration rolloutTimeout,
                       Duration connectorTimeout, String manifest) {}

    /** The cluster as the Host App's cluster service holds it (settings changes rebuild its instance, as over the API). */
    public static ClusterAccess access(io.guildnet.cluster.ClusterService clusters, String id) {
        return new ClusterAccess() {
            @Override public ClusterSettings settings() { return clusters.store().settings(id); }

            @Override public boolean clientKeySet() { return clusters.store().secretSet(id); }

            @Override public void updateTailnet(String loginServer, String clientKey) {
                if (loginServer == null && clientKey == null) return;
                var b = Json.createObjectBuilder();
                if (loginServer != null) b.add("ts_login_server", loginServer);
                if (clientKey != null) b.add(ClusterSettings.SECRET_FIELD, clientKey);
                clusters.updateSettings(id, b.build());
            }

            @Override public KubernetesClient client() { return clusters.registry().get(id).client(); }

            @Override public Optional<ClusterEgress> connector() {
                return clusters.registry().get(id).part(ClusterEgress.PART, ClusterEgress.class);
            }
        };
    }

    private final Spec spec;
    private final HeadscaleClient headscale;
    private final ClusterAccess cluster;
    private final Map<String, String> mintedKeys = new ConcurrentHashMap<>(); // key id -> key, for a rollback's expire
    // the client key minted by "keys", stored by "connector": stored earlier, it would rebuild the cluster's client
    // to dial through a connector before the router exists (when ts_login_server is already set)
    private volatile String pendingClientKey;

    public TailnetProvision(Spec spec, HeadscaleClient headscale, ClusterAccess cluster) {
        this.spec = spec;
        this.headscale = headscale;
        this.cluster = cluster;
    }

    public String user() {
        String ns = cluster.settings().string("headscale_namespace");
        return ns.isEmpty() ? "cluster-" + spec.clusterId() : ns;
    }

    public String routerHostname() { return "guildnet-" + spec.clusterId() + "-router"; }

    public List<SetupStep> steps() {
        return List.of(new User(), new Keys(), new Router(), new Rollout(), new Routes(), new ConnectorStep(), new Readyz());
    }

    public static List<String> stepNames() {
        return List.of("headscale-user", "keys", "router", "rollout", "routes", "connector", "readyz");
    }

    /** Every step in order; on a failure the applied ones are rolled back newest first (the setup job's runner). */
    public JsonObject run(SetupContext ctx, SetupRunner runner, SetupRunner.Policy policy) {
        return runner.runAll(steps(), ctx, policy);
    }

    private static void sleep(SetupContext ctx, long ms) throws InterruptedException, SetupFailure {
        if (ctx.stopRequested().getAsBoolean()) throw new SetupFailure("stopped", true);
        Thread.sleep(ms);
    }

    // ---- steps ----------------------------------------------------------------------------------

    final class User implements SetupStep {
        @Override public String name() { return "headscale-user"; }

        @Override public String plan(SetupContext ctx) { return "create the Headscale user " + user() + " on " + headscale.base(); }

        @Override public Result apply(SetupContext ctx) throws Exception {
            if (headscale.user(user()).isPresent()) return Result.unchanged("Headscale user " + user() + " exists");
            headscale.ensureUser(user());
            return Result.applied("created Headscale user " + user(), Json.createObjectBuilder().add("user", user()).build());
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) throws Exception {
            headscale.deleteUser(undo.getString("user"));
            ctx.log().accept(name(), "deleted Headscale user " + undo.getString("user"));
        }
    }

    final class Keys implements SetupStep {
        @Override public String name() { return "keys"; }

        @Override public String plan(SetupContext ctx) {
            return "mint a reusable router key (into Secret " + NAMESPACE + "/" + SECRET + ") and a client key (into ts_client_auth) for " + user();
        }

        @Override public Result apply(SetupContext ctx) throws Exception {
            KubernetesClient k = cluster.client();
            boolean secretThere = k.secrets().inNamespace(NAMESPACE).withName(SECRET).get() != null;
            boolean clientThere = cluster.clientKeySet();
            if (secretThere && clientThere) return Result.unchanged("router Secret and client key are in place");
            var undo = Json.createObjectBuilder();
            JsonArrayBuilder ids = Json.createArrayBuilder();
            if (!secretThere) {
                var rk = headscale.createPreAuthKey(user(), true, false, Duration.ofDays(30), List.of());
                mintedKeys.put(rk.id(), rk.key());
                ids.add(rk.id());
                Secret s = new SecretBuilder().withNewMetadata().withName(SECRET).withNamespace(NAMESPACE)
                        .addToLabels("app.kubernetes.io/managed-by", "guildnet").endMetadata().withType("Opaque")
                        .addToData("authkey", Base64.getEncoder().encodeToString(rk.key().getBytes(StandardCharsets.UTF_8))).build();
                k.secrets().inNamespace(NAMESPACE).resource(s).create();
                undo.add("secretCreated", true);
            }
            if (!clientThere) {
                var ck = headscale.createPreAuthKey(user(), true, false, Duration.ofDays(30), List.of());
                mintedKeys.put(ck.id(), ck.key());
                ids.add(ck.id());
                pendingClientKey = ck.key();
            }
            return Result.applied((secretThere ? "" : "router key minted into Secret " + SECRET + "; ")
                    + (clientThere ? "" : "client key minted (stored by the connector step)"), undo.add("keyIds", ids).build());
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) throws Exception {
            pendingClientKey = null;
            if (undo.getBoolean("secretCreated", false)) cluster.client().secrets().inNamespace(NAMESPACE).withName(SECRET).delete();
            for (JsonString id : undo.getJsonArray("keyIds").getValuesAs(JsonString.class)) {
                String key = mintedKeys.remove(id.getString());
                if (key != null) headscale.expirePreAuthKey(user(), key);
            }
            ctx.log().accept(name(), "minted keys expired, router Secret and client key removed");
        }
    }

    final class Router implements SetupStep {
        @Override public String name() { return "router"; }

        @Override public String plan(SetupContext ctx) {
            return "apply DaemonSet " + NAMESPACE + "/" + DAEMONSET + " (privileged, NET_ADMIN/NET_RAW, /dev/net/tun) advertising the cluster's CIDRs";
        }

        @Override public Result apply(SetupContext ctx) throws Exception {
            String routes = routes(cluster.client());
            String yaml = spec.manifest().replace("${TS_IMAGE}", spec.image()).replace("${TS_LOGIN_SERVER}", spec.loginServer())
                    .replace("${TS_ROUTES}", routes).replace("${TS_HOSTNAME}", routerHostname());
            KubernetesClient k = cluster.client();
            DaemonSet desired = k.apps().daemonSets().load(new ByteArrayInputStream(yaml.getBytes(StandardCharsets.UTF_8))).item();
            DaemonSet existing = k.apps().daemonSets().inNamespace(NAMESPACE).withName(DAEMONSET).get();
            if (existing != null && existing.getSpec().getTemplate().getSpec().equals(desired.getSpec().getTemplate().getSpec())) {
                return Result.unchanged("router DaemonSet up to date (routes " + routes + ")");
            }
            if (existing == null) {
                k.apps().daemonSets().inNamespace(NAMESPACE).resource(desired).create();
                return Result.applied("router DaemonSet created (routes " + routes + ")", Json.createObjectBuilder().add("created", true).build());
            }
            k.apps().daemonSets().inNamespace(NAMESPACE).resource(desired).update();
            return Result.applied("router DaemonSet updated (routes " + routes + ")", Json.createObjectBuilder().add("created", false).build());
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) {
            if (undo.getBoolean("created", false)) {
                cluster.client().apps().daemonSets().inNamespace(NAMESPACE).withName(DAEMONSET).delete();
                ctx.log().accept(name(), "router DaemonSet deleted");
            }
        }
    }

    final class Rollout implements SetupStep {
        @Override public String name() { return "rollout"; }

        @Override public String plan(SetupContext ctx) { return "wait up to " + spec.rolloutTimeout().toSeconds() + " s for the router pods to be ready"; }

        @Override public Result apply(SetupContext ctx) throws Exception {
            long until = System.nanoTime() + spec.rolloutTimeout().toNanos();
            String last = "no status yet";
            while (true) {
                DaemonSet ds = cluster.client().apps().daemonSets().inNamespace(NAMESPACE).withName(DAEMONSET).get();
                if (ds == null) throw new SetupFailure("router DaemonSet is gone", true);
                DaemonSetStatus st = ds.getStatus();
                if (st != null) {
                    int want = n(st.getDesiredNumberScheduled());
                    int ready = n(st.getNumberReady());
                    last = ready + "/" + want + " ready";
                    if (want > 0 && ready >= want) return Result.unchanged("router ready on " + ready + " node(s)");
                }
                if (System.nanoTime() > until) {
                    throw new SetupFailure("router DaemonSet not ready within " + spec.rolloutTimeout().toSeconds() + " s (" + last
                            + "); check /dev/net/tun on the nodes and the router logs: kubectl -n kube-system logs ds/" + DAEMONSET, true);
                }
                sleep(ctx, 500);
            }
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) { }
    }

    final class Routes implements SetupStep {
        @Override public String name() { return "routes"; }

        @Override public String plan(SetupContext ctx) { return "approve the routes the router nodes (" + routerHostname() + "-*) advertise in Headscale"; }

        @Override public Result apply(SetupContext ctx) throws Exception {
            long until = System.nanoTime() + spec.rolloutTimeout().toNanos();
            List<HeadscaleClient.Route> mine;
            while (true) {
                mine = headscale.routes().stream().filter(r -> r.node().startsWith(routerHostname())).toList();
                if (!mine.isEmpty()) break;
                if (System.nanoTime() > until) {
                    throw new SetupFailure("no router node of " + user() + " advertised routes within " + spec.rolloutTimeout().toSeconds() + " s", true);
                }
                sleep(ctx, 500);
            }
            JsonArrayBuilder enabled = Json.createArrayBuilder();
            List<String> prefixes = new ArrayList<>();
            for (HeadscaleClient.Route r : mine) {
                if (!r.enabled()) {
                    headscale.enableRoute(r.id());
                    enabled.add(r.id());
                    prefixes.add(r.prefix());
                }
            }
            if (prefixes.isEmpty()) return Result.unchanged(mine.size() + " router route(s) already approved");
            return Result.applied("approved " + String.join(", ", prefixes), Json.createObjectBuilder().add("enabled", enabled).build());
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) throws Exception {
            for (JsonString id : undo.getJsonArray("enabled").getValuesAs(JsonString.class)) headscale.disableRoute(id.getString());
        }
    }

    final class ConnectorStep implements SetupStep {
        @Override public String name() { return "connector"; }

        @Override public String plan(SetupContext ctx) { return "start the Host App connector for cluster " + spec.clusterId() + " on " + spec.loginServer(); }

        @Override public Result apply(SetupContext ctx) throws Exception {
            String before = cluster.settings().string("ts_login_server");
            String key = pendingClientKey;
            Result r;
            if (before.equals(spec.loginServer()) && key == null && cluster.connector().isPresent()) {
                r = Result.unchanged("connector configured");
            } else {
                // one settings change (one instance rebuild): login server and the minted client key (encrypted)
                cluster.updateTailnet(before.equals(spec.loginServer()) ? null : spec.loginServer(), key);
                pendingClientKey = null;
                r = Result.applied("connector started" + (key == null ? "" : " with the minted client key"),
                        Json.createObjectBuilder().add("previousLoginServer", before).add("clientKeySet", key != null).build());
            }
            long until = System.nanoTime() + spec.connectorTimeout().toNanos();
            while (true) {
                Optional<ClusterEgress> c = cluster.connector();
                if (c.isPresent() && "ok".equals(c.get().status())) return r;
                if (System.nanoTime() > until) {
                    String why = c.map(x -> x.health().getString("error", x.status())).orElse("no connector (is ts_client_auth set?)");
                    if (r.outcome().equals("applied")) rollback(ctx, r.undo());
                    throw new SetupFailure("connector not ok within " + spec.connectorTimeout().toSeconds() + " s: " + why, true);
                }
                sleep(ctx, 200);
            }
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) {
            cluster.updateTailnet(undo.getString("previousLoginServer"), undo.getBoolean("clientKeySet", false) ? "" : null);
        }
    }

    final class Readyz implements SetupStep {
        @Override public String name() { return "readyz"; }

        @Override public String plan(SetupContext ctx) { return "GET /readyz of the API server through the connector"; }

        @Override public Result apply(SetupContext ctx) throws Exception {
            KubernetesClient k = cluster.client();
            String base = k.getMasterUrl().toString();
            var http = k.getHttpClient();
            HttpRequest req = http.newHttpRequestBuilder().uri(base + (base.endsWith("/") ? "" : "/") + "readyz").build();
            HttpResponse<String> resp;
            try {
                resp = http.sendAsync(req, String.class).get(15, TimeUnit.SECONDS);
            } catch (java.util.concurrent.ExecutionException e) {
                throw new SetupFailure("API server not reachable through the connector: " + e.getCause(), false);
            }
            if (resp.code() != 200) throw new SetupFailure("/readyz answered " + resp.code() + " through the connector", false);
            return Result.unchanged("API server ready through the connector");
        }

        @Override public void rollback(SetupContext ctx, JsonObject undo) { }
    }

    // ---- routes ---------------------------------------------------------------------------------

    /** TS_ROUTES (job parameter), else ts_routes, else kubeadm's pod/service subnets, else the nodes' pod CIDRs. */
    String routes(KubernetesClient k) throws SetupFailure {
        for (String given : List.of(spec.routes() == null ? "" : spec.routes(), cluster.settings().string("ts_routes"))) {
            if (!given.isBlank()) return validRoutes(given);
        }
        Set<String> found = new LinkedHashSet<>();
        try {
            ConfigMap kubeadm = k.configMaps().inNamespace(NAMESPACE).withName("kubeadm-config").get();
            String cfg = kubeadm == null || kubeadm.getData() == null ? "" : kubeadm.getData().getOrDefault("ClusterConfiguration", "");
            for (String key : List.of("podSubnet", "serviceSubnet")) {
                var m = Pattern.compile(key + ":\\s*\"?([0-9a-fA-F:./,]+)\"?").matcher(cfg);
                if (m.find()) for (String c : m.group(1).split(",")) if (CIDR.matcher(c.trim()).matches()) found.add(c.trim());
            }
            if (found.isEmpty()) {
                for (Node n : k.nodes().list().getItems()) {
                    if (n.getSpec() != null && n.getSpec().getPodCIDRs() != null) found.addAll(n.getSpec().getPodCIDRs());
                    else if (n.getSpec() != null && n.getSpec().getPodCIDR() != null) found.add(n.getSpec().getPodCIDR());
                }
            }
        } catch (RuntimeException e) {
            // detection is best effort; the failure below says what to set
        }
        if (found.isEmpty()) {
            throw new SetupFailure("cannot detect the cluster's Pod/Service CIDRs: set the cluster's ts_routes (e.g. 10.244.0.0/16,10.96.0.0/12)", true);
        }
        return String.join(",", found);
    }

    static String validRoutes(String raw) throws SetupFailure {
        List<String> out = new ArrayList<>();
        for (String c : raw.split(",")) {
            String t = c.trim();
            if (t.isEmpty()) continue;
            if (!CIDR.matcher(t).matches()) throw new SetupFailure("'" + t + "' is not a CIDR (routes are comma-separated CIDRs)", true);
            out.add(t);
        }
        if (out.isEmpty()) throw new SetupFailure("no routes given", true);
        return String.join(",", out);
    }

    private static int n(Integer i) { return i == null ? 0 : i; }
}
