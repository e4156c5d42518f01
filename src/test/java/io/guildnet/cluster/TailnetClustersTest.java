package io.guildnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.guildnet.proxy.ClusterProxy;
import io.guildnet.proxy.ProxyConfig;
import io.guildnet.proxy.UpstreamConnection;
import io.guildnet.proxy.UpstreamPool;
import io.guildnet.security.MasterKey;
import io.guildnet.security.SecretBox;
import io.guildnet.store.Database;
import io.guildnet.tailnet.Connector;
import io.guildnet.tailnet.FakeTailscale;
import io.guildnet.tailnet.TailnetConnectors;
import jakarta.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Clusters on tailnets: each cluster with tailnet settings gets its own connector (the fake
 * tailscaled pair), its Kubernetes client and its reverse-proxy upstream go through that
 * connector's proxies, and deleting the cluster stops the connector and removes its node state.
 */
class TailnetClustersTest {

    @TempDir
    Path tmp;

    private final MockClusters mocks = new MockClusters();
    private Database db;
    private ScheduledExecutorService exec;
    private ClusterStore store;
    private ClusterRegistry registry;
    private ClusterService service;
    private TailnetConnectors connectors;

    @BeforeEach
    void setUp() throws Exception {
        db = Database.open(tmp.resolve("state/guildnet.sqlite"));
        SecretBox box = new SecretBox(MasterKey.fromPassphrase("test-key", "test"));
        store = new ClusterStore(db, () -> box);
        exec = Executors.newScheduledThreadPool(6);
        registry = new ClusterRegistry(store, new ClientFactory(2000, 5000), tmp.resolve("state/clusters"), exec, exec, Clock.systemUTC());
        connectors = new TailnetConnectors(FakeTailscale.config(tmp.resolve("bin"), tmp.resolve("home/tsnet")), exec, Clock.systemUTC(), null);
        registry.egress(connectors);
        ClusterHealth health = new ClusterHealth(store, registry, exec, Clock.systemUTC(), Duration.ofSeconds(15), Duration.ofSeconds(3),
                Optional.empty(), false);
        service = new ClusterService(store, registry, health, exec, Clock.systemUTC(), Duration.ofSeconds(10));
    }

    @AfterEach
    void tearDown() throws Exception {
        registry.close();
        exec.shutdownNow();
        exec.awaitTermination(5, TimeUnit.SECONDS);
        mocks.close();
        db.close();
    }

    private static void eventually(String what, long ms, BooleanSupplier cond) throws InterruptedException {
        long until = System.currentTimeMillis() + ms;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > until) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    private String tailnetCluster(String name, KubernetesMockServer s, String key) {
        String id = service.create(name).id();
        service.updateSettings(id, Json.createObjectBuilder().add("ts_login_server", "https://hs.example.test")
                .add("ts_client_auth", key).build());
        store.putKubeconfig(id, MockClusters.kubeconfig(s));
        return id;
    }

    /** host:port of a mock API server as its kubeconfig names it (what a connector is asked to reach). */
    private static String target(KubernetesMockServer s) {
        java.net.URI u = java.net.URI.create(MockClusters.url(s));
        return u.getHost() + ":" + u.getPort();
    }

    private Connector connector(String id) {
        return (Connector) registry.get(id).part(ClusterEgress.PART, ClusterEgress.class).orElseThrow();
    }

    @Test
    void twoClustersAtOnceEachSendTheirApiTrafficThroughTheirOwnConnector() throws Exception {
        KubernetesMockServer a = mocks.crud(true);
        KubernetesMockServer b = mocks.crud(true);
        String alpha = tailnetCluster("alpha", a, "key-alpha-0123456789");
        String beta = tailnetCluster("beta", b, "key-beta-9876543210");
        Connector ca = connector(alpha);
        Connector cb = connector(beta);
        eventually("both connectors ok", 30_000, () -> "ok".equals(ca.status()) && "ok".equals(cb.status()));

        registry.get(alpha).client().configMaps().inNamespace("default")
                .resource(new ConfigMapBuilder().withNewMetadata().withName("only-in-alpha").endMetadata().build()).create();
        assertEquals(1, registry.get(beta).client().configMaps().inNamespace("default").list().getItems().size() == 0 ? 1 : 0,
                "beta's client reaches beta's server, which has no ConfigMap");
        assertEquals("only-in-alpha", registry.get(alpha).client().configMaps().inNamespace("default").list().getItems().get(0)
                .getMetadata().getName());

        String toA = "http " + target(a);
        String toB = "http " + target(b);
        List<String> viaA = FakeTailscale.forwarded(ca.stateDir());
        List<String> viaB = FakeTailscale.forwarded(cb.stateDir());
        assertTrue(viaA.contains(toA), "alpha's connector carried alpha's API calls: " + viaA);
        assertFalse(viaA.contains(toB), "and none of beta's: " + viaA);
        assertTrue(viaB.contains(toB), "beta's connector carried beta's API calls: " + viaB);
        assertFalse(viaB.contains(toA), "and none of alpha's: " + viaB);
        assertTrue(Files.isDirectory(tmp.resolve("home/tsnet/cluster-" + alpha)));
        assertTrue(Files.isDirectory(tmp.resolve("home/tsnet/cluster-" + beta)));
        assertEquals("***", service.settingsView(alpha).getString("ts_client_auth"), "the key is never shown");
    }

    @Test
    void theReverseProxysApiServerUpstreamDialsThroughTheConnector() throws Exception {
        KubernetesMockServer a = mocks.crud(true);
        String alpha = tailnetCluster("alpha", a, "key-alpha-0123456789");
        Connector ca = connector(alpha);
        eventually("connector ok", 30_000, () -> "ok".equals(ca.status()));
        ClusterInstance inst = registry.get(alpha);
        ClusterProxy cp = new ClusterProxy(alpha, inst.client(), ProxyConfig.from(k -> Optional.empty()), false, ca.socks());
        try (UpstreamPool pool = new UpstreamPool(1000, 1, 3000); UpstreamConnection c = pool.open(cp.apiServer())) {
            c.out().write(("GET /api/v1/namespaces/default/configmaps HTTP/1.1\r\nHost: " + cp.apiServer().authority()
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            c.out().flush();
            String reply = new String(c.in().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 200", reply);
        }
        assertTrue(FakeTailscale.forwarded(ca.stateDir()).contains("socks " + target(a)),
                "the upstream went through the SOCKS5 proxy: " + FakeTailscale.forwarded(ca.stateDir()));
    }

    @Test
    void deletingAClusterStopsItsConnectorAndRemovesItsNodeStateOnly() throws Exception {
        KubernetesMockServer a = mocks.crud(true);
        KubernetesMockServer b = mocks.crud(true);
        String alpha = tailnetCluster("alpha", a, "key-alpha-0123456789");
        String beta = tailnetCluster("beta", b, "key-beta-9876543210");
        Connector ca = connector(alpha);
        Connector cb = connector(beta);
        eventually("both connectors ok", 30_000, () -> "ok".equals(ca.status()) && "ok".equals(cb.status()));
        ProcessHandle pa = ca.process().orElseThrow();

        service.delete(alpha);

        assertEquals("stopped", ca.status());
        eventually("alpha's tailscaled gone", 5000, () -> !pa.isAlive());
        assertFalse(Files.exists(tmp.resolve("home/tsnet/cluster-" + alpha)));
        assertTrue(connectors.get(alpha).isEmpty());
        assertEquals("ok", cb.status());
        assertTrue(cb.process().isPresent());
        assertEquals(0, registry.get(beta).client().configMaps().inNamespace("default").list().getItems().size());
    }

    @Test
    void aClusterWithoutAKeyOrLoginServerHasNoConnectorAndDialsDirectly() throws Exception {
        KubernetesMockServer a = mocks.crud(true);
        String id = service.create("plain").id();
        service.updateSettings(id, Json.createObjectBuilder().add("ts_login_server", "https://hs.example.test").build());
        store.putKubeconfig(id, MockClusters.kubeconfig(a));
        assertTrue(registry.get(id).part(ClusterEgress.PART, ClusterEgress.class).isEmpty());
        assertEquals(0, registry.get(id).client().configMaps().inNamespace("default").list().getItems().size());
        assertFalse(Files.exists(tmp.resolve("home/tsnet/cluster-" + id)));
    }

    @Test
    void settingTheClientKeyRebuildsTheInstanceWithAConnector() throws Exception {
        KubernetesMockServer a = mocks.crud(true);
        String id = service.create("later").id();
        store.putKubeconfig(id, MockClusters.kubeconfig(a));
        service.updateSettings(id, Json.createObjectBuilder().add("ts_login_server", "https://hs.example.test").build());
        ClusterInstance before = registry.get(id);
        service.updateSettings(id, Json.createObjectBuilder().add("ts_client_auth", "key-later-000111222").build());
        assertTrue(before.closed());
        Connector c = connector(id);
        eventually("connector ok", 30_000, () -> "ok".equals(c.status()));
        registry.get(id).client().configMaps().inNamespace("default").list();
        assertTrue(FakeTailscale.forwarded(c.stateDir()).contains("http " + target(a)));
        service.updateSettings(id, Json.createObjectBuilder().add("ts_client_auth", "").build());
        assertEquals("stopped", c.status(), "clearing the key stops the connector");
        assertTrue(registry.get(id).part(ClusterEgress.PART, ClusterEgress.class).isEmpty());
    }
}
