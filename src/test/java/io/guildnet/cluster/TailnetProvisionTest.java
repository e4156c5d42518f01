package io.guildnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.guildnet.batch.setup.SetupContext;
import io.guildnet.batch.setup.SetupRunner;
import io.guildnet.security.MasterKey;
import io.guildnet.security.SecretBox;
import io.guildnet.store.Database;
import io.guildnet.tailnet.Connector;
import io.guildnet.tailnet.FakeHeadscale;
import io.guildnet.tailnet.FakeTailscale;
import io.guildnet.tailnet.HeadscaleClient;
import io.guildnet.tailnet.TailnetConnectors;
import io.guildnet.tailnet.TailnetProvision;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * tailnet-provision against a fake Headscale, kubernetes-server-mock and the fake tailscaled:
 * end to end, idempotent on a second run, and rolled back in reverse order when the router
 * never becomes ready.
 */
class TailnetProvisionTest {

    static final String API_KEY = "hs-api-key-prov-31337";

    @TempDir
    Path tmp;

    private final MockClusters mocks = new MockClusters();
    private Database db;
    private ScheduledExecutorService exec;
    private ClusterStore store;
    private ClusterRegistry registry;
    private ClusterService service;
    private FakeHeadscale hs;
    private final List<String> log = new CopyOnWriteArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        db = Database.open(tmp.resolve("state/guildnet.sqlite"));
        SecretBox box = new SecretBox(MasterKey.fromPassphrase("test-key", "test"));
        store = new ClusterStore(db, () -> box);
        exec = Executors.newScheduledThreadPool(6);
        registry = new ClusterRegistry(store, new ClientFactory(2000, 5000), tmp.resolve("state/clusters"), exec, exec, Clock.systemUTC());
        registry.egress(new TailnetConnectors(FakeTailscale.config(tmp.resolve("bin"), tmp.resolve("home/tsnet")), exec, Clock.systemUTC(), null));
        ClusterHealth health = new ClusterHealth(store, registry, exec, Clock.systemUTC(), Duration.ofSeconds(15), Duration.ofSeconds(3),
                Optional.empty(), false);
        service = new ClusterService(store, registry, health, exec, Clock.systemUTC(), Duration.ofSeconds(10));
        hs = new FakeHeadscale(API_KEY);
    }

    @AfterEach
    void tearDown() throws Exception {
        registry.close();
        exec.shutdownNow();
        exec.awaitTermination(5, TimeUnit.SECONDS);
        mocks.close();
        hs.close();
        db.close();
    }

    private String cluster(KubernetesMockServer s) {
        s.expect().get().withPath("/readyz").andReturn(200, "ok").always();
        String id = service.create("alpha").id();
        store.putKubeconfig(id, MockClusters.kubeconfig(s));
        return id;
    }

    private TailnetProvision provision(String id, Duration rollout) throws Exception {
        var spec = new TailnetProvision.Spec(id, hs.url(), "10.244.0.0/16,10.96.0.0/12", TailnetProvision.DEFAULT_IMAGE, rollout,
                Duration.ofSeconds(30), Files.readString(Path.of("k8s/tailscale-router.yaml")));
        return new TailnetProvision(spec, new HeadscaleClient(hs.url(), API_KEY, Duration.ofSeconds(3)), TailnetProvision.access(service, id));
    }

    private SetupContext ctx(String id) {
        return new SetupContext(id, registry.get(id).client(), TailnetProvision.NAMESPACE, null, Map::of, Optional.empty(), null,
                () -> JsonValue.EMPTY_JSON_OBJECT, (step, msg) -> log.add(step + ": " + msg), () -> false);
    }

    /** Plays the cluster and the router: once the DaemonSet exists, its pod is ready and its node advertises the routes. */
    private void actAsRouter(KubernetesMockServer s, String user, String node) {
        KubernetesClient k = mocks.clientFor(s);
        exec.scheduleWithFixedDelay(() -> {
            DaemonSet ds = k.apps().daemonSets().inNamespace("kube-system").withName(TailnetProvision.DAEMONSET).get();
            if (ds != null && ds.getStatus() == null) {
                ds.setStatus(new DaemonSetStatusBuilder().withDesiredNumberScheduled(1).withCurrentNumberScheduled(1).withNumberReady(1)
                        .withUpdatedNumberScheduled(1).withNumberAvailable(1).build());
                k.apps().daemonSets().inNamespace("kube-system").resource(ds).updateStatus();
                if (!hs.nodes.containsKey(node)) hs.join(node, user, "10.244.0.0/16", "10.96.0.0/12");
            }
        }, 50, 100, TimeUnit.MILLISECONDS);
    }

    @Test
    void provisionsHeadscaleKeysRouterRoutesAndConnectorThenFindsEverythingInPlace() throws Exception {
        KubernetesMockServer s = mocks.crud(true);
        String id = cluster(s);
        TailnetProvision p = provision(id, Duration.ofSeconds(20));
        actAsRouter(s, "cluster-" + id, p.routerHostname() + "-node-1");

        JsonObject report = p.run(ctx(id), SetupRunner.real(), new SetupRunner.Policy(0, Duration.ofMillis(10), Duration.ofMillis(10)));
        assertEquals("succeeded", report.getString("status"), report + "\n" + log);

        assertTrue(hs.users.containsKey("cluster-" + id));
        assertEquals(2, hs.keys.size());
        KubernetesClient k = mocks.clientFor(s);
        Secret secret = k.secrets().inNamespace("kube-system").withName(TailnetProvision.SECRET).get();
        String routerKey = new String(Base64.getDecoder().decode(secret.getData().get("authkey")), StandardCharsets.UTF_8);
        assertEquals(hs.keys.get(0).key(), routerKey);
        DaemonSet ds = k.apps().daemonSets().inNamespace("kube-system").withName(TailnetProvision.DAEMONSET).get();
        var c = ds.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(c.getSecurityContext().getPrivileged());
        assertEquals(List.of("NET_ADMIN", "NET_RAW"), c.getSecurityContext().getCapabilities().getAdd());
        assertTrue(ds.getSpec().getTemplate().getSpec().getVolumes().stream()
                .anyMatch(v -> v.getHostPath() != null && v.getHostPath().getPath().equals("/dev/net/tun")));
        assertEquals("10.244.0.0/16,10.96.0.0/12", c.getEnv().stream().filter(e -> e.getName().equals("TS_ROUTES")).findFirst().orElseThrow().getValue());
        assertFalse(ds.toString().contains(routerKey), "the router key is not in the DaemonSet");
        assertTrue(hs.routes.stream().allMatch(FakeHeadscale.Route::enabled), hs.routes.toString());

        Connector conn = (Connector) registry.get(id).part(io.guildnet.cluster.ClusterEgress.PART, io.guildnet.cluster.ClusterEgress.class).orElseThrow();
        assertEquals("ok", conn.status());
        assertEquals(hs.url(), store.settings(id).string("ts_login_server"));
        assertEquals(FakeTailscale.sha256(hs.keys.get(1).key()), Files.readString(conn.stateDir().resolve("fake-login")).trim(),
                "the connector joined with the minted client key");
        java.net.URI u = java.net.URI.create(MockClusters.url(s));
        assertTrue(FakeTailscale.forwarded(conn.stateDir()).contains("http " + u.getHost() + ":" + u.getPort()), "/readyz went through the connector");
        for (var key : hs.keys) {
            assertFalse(report.toString().contains(key.key()) || log.toString().contains(key.key()), "a key in the report or log");
        }

        // idempotent: a second run changes nothing and mints nothing
        JsonObject again = p.run(ctx(id), SetupRunner.real(), new SetupRunner.Policy(0, Duration.ofMillis(10), Duration.ofMillis(10)));
        assertEquals("succeeded", again.getString("status"), again.toString());
        assertTrue(again.getJsonArray("steps").getValuesAs(JsonObject.class).stream().noneMatch(st -> st.getString("outcome").equals("applied")),
                again.toString());
        assertEquals(2, hs.keys.size());
    }

    @Test
    void onHeadscale026TheRoutesAreApprovedOnTheRouterNode() throws Exception {
        hs.nodeRoutes = true; // /api/v1/routes is gone; routes are approved per node
        KubernetesMockServer s = mocks.crud(true);
        String id = cluster(s);
        TailnetProvision p = provision(id, Duration.ofSeconds(20));
        actAsRouter(s, "cluster-" + id, p.routerHostname() + "-node-1");
        JsonObject report = p.run(ctx(id), SetupRunner.real(), new SetupRunner.Policy(0, Duration.ofMillis(10), Duration.ofMillis(10)));
        assertEquals("succeeded", report.getString("status"), report + "\n" + log);
        assertTrue(!hs.routes.isEmpty() && hs.routes.stream().allMatch(FakeHeadscale.Route::enabled), hs.routes.toString());
        assertTrue(hs.requests.stream().anyMatch(r -> r.endsWith("/approve_routes")), hs.requests.toString());
    }

    @Test
    void aRouterThatNeverBecomesReadyRollsEverythingBackInReverseOrder() throws Exception {
        KubernetesMockServer s = mocks.crud(true);
        String id = cluster(s);
        TailnetProvision p = provision(id, Duration.ofSeconds(1));

        JsonObject report = p.run(ctx(id), SetupRunner.real(), new SetupRunner.Policy(0, Duration.ofMillis(10), Duration.ofMillis(10)));

        assertEquals("rolled_back", report.getString("status"), report.toString());
        assertEquals("rollout", report.getString("failed_step"));
        assertTrue(report.getString("error").contains("not ready"), report.toString());
        assertEquals(List.of("router", "keys", "headscale-user"), report.getJsonArray("rolled_back").getValuesAs(jakarta.json.JsonString.class)
                .stream().map(jakarta.json.JsonString::getString).toList());
        KubernetesClient k = mocks.clientFor(s);
        assertNull(k.apps().daemonSets().inNamespace("kube-system").withName(TailnetProvision.DAEMONSET).get());
        assertNull(k.secrets().inNamespace("kube-system").withName(TailnetProvision.SECRET).get());
        assertFalse(hs.users.containsKey("cluster-" + id));
        assertEquals(2, hs.keys.size());
        assertTrue(hs.keys.stream().allMatch(FakeHeadscale.Key::expired), "minted keys are expired");
        assertFalse(store.secretSet(id), "the client key is removed");
        assertTrue(registry.get(id).part(io.guildnet.cluster.ClusterEgress.PART, io.guildnet.cluster.ClusterEgress.class).isEmpty());
        assertNotNull(report.getJsonArray("steps"));
    }

    @Test
    void guildnetSetupsTailnetStepRunsTheProvisioningAndFailsWhenItRollsBack() throws Exception {
        KubernetesMockServer s = mocks.crud(true);
        String id = cluster(s);
        var step = io.guildnet.batch.setup.SetupSteps.byName("tailnet");
        SetupContext base = ctx(id);
        SetupContext none = new SetupContext(id, base.client(), base.namespace(), null, Map::of, Optional.empty(), null, base.verify(),
                base.log(), () -> false, c -> Optional.empty());
        assertEquals("skipped", step.apply(none).outcome());

        TailnetProvision ok = provision(id, Duration.ofSeconds(20));
        actAsRouter(s, "cluster-" + id, ok.routerHostname() + "-node-1");
        SetupContext withTailnet = new SetupContext(id, base.client(), base.namespace(), null, Map::of, Optional.empty(), null, base.verify(),
                base.log(), () -> false, c -> Optional.of(ok.run(c, SetupRunner.real(), new SetupRunner.Policy(0, Duration.ofMillis(10), Duration.ofMillis(10)))));
        var r = step.apply(withTailnet);
        assertEquals("unchanged", r.outcome(), r.message());
        assertTrue(r.message().contains("connector"), r.message());

        SetupContext failing = new SetupContext(id, base.client(), base.namespace(), null, Map::of, Optional.empty(), null, base.verify(),
                base.log(), () -> false, c -> Optional.of(jakarta.json.Json.createObjectBuilder().add("status", "rolled_back")
                .add("failed_step", "rollout").add("error", "not ready").add("steps", jakarta.json.Json.createArrayBuilder())
                .add("rolled_back", jakarta.json.Json.createArrayBuilder()).build()));
        var e = org.junit.jupiter.api.Assertions.assertThrows(io.guildnet.batch.setup.SetupFailure.class, () -> step.apply(failing));
        assertTrue(e.permanent() && e.getMessage().contains("rollout"), e.getMessage());
    }

    @Test
    void withTheLoginServerAlreadySetTheRouterIsDeployedDirectlyBeforeTheConnectorStarts() throws Exception {
        KubernetesMockServer s = mocks.crud(true);
        String id = cluster(s);
        service.updateSettings(id, jakarta.json.Json.createObjectBuilder().add("ts_login_server", hs.url()).build());
        TailnetProvision p = provision(id, Duration.ofSeconds(20));
        java.util.concurrent.atomic.AtomicReference<Boolean> connectorWhenRouterApplied = new java.util.concurrent.atomic.AtomicReference<>();
        KubernetesClient k = mocks.clientFor(s);
        exec.scheduleWithFixedDelay(() -> {
            if (connectorWhenRouterApplied.get() == null
                    && k.apps().daemonSets().inNamespace("kube-system").withName(TailnetProvision.DAEMONSET).get() != null) {
                connectorWhenRouterApplied.set(registry.peek(id).flatMap(i -> i.part(io.guildnet.cluster.ClusterEgress.PART,
                        io.guildnet.cluster.ClusterEgress.class)).isPresent());
            }
        }, 0, 20, TimeUnit.MILLISECONDS);
        actAsRouter(s, "cluster-" + id, p.routerHostname() + "-node-1");

        JsonObject report = p.run(ctx(id), SetupRunner.real(), new SetupRunner.Policy(0, Duration.ofMillis(10), Duration.ofMillis(10)));

        assertEquals("succeeded", report.getString("status"), report + "\n" + log);
        assertEquals(Boolean.FALSE, connectorWhenRouterApplied.get(), "the router was applied through a direct client");
        assertTrue(store.secretSet(id));
        assertEquals("ok", registry.get(id).part(io.guildnet.cluster.ClusterEgress.PART, io.guildnet.cluster.ClusterEgress.class)
                .orElseThrow().status());
    }
}
