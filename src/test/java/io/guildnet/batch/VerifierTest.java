package io.guildnet.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.guildnet.batch.verify.DatabaseProbe;
import io.guildnet.batch.verify.DatabaseProbes;
import io.guildnet.batch.verify.VerifyContext;
import io.guildnet.batch.verify.Verifier;
import io.guildnet.workspace.CrdInstaller;
import io.guildnet.workspace.WorkspaceDefaults;
import io.guildnet.workspace.WorkspaceOperator;
import jakarta.json.JsonObject;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** guildnet-verify's checks against the Kubernetes double: pass and fail layers, suggestions, thresholds. */
class VerifierTest {

    KubeDouble k8s;
    ExecutorService executor;
    WorkspaceOperator operator;
    KubernetesClient extra;

    @AfterEach
    void stop() {
        if (operator != null) operator.close();
        if (k8s != null) k8s.close();
        if (extra != null) extra.close();
        if (executor != null) executor.shutdownNow();
    }

    static Map<String, JsonObject> checks(JsonObject report) {
        return report.getJsonArray("layers").getValuesAs(JsonObject.class).stream()
                .flatMap(l -> l.getJsonArray("checks").getValuesAs(JsonObject.class).stream())
                .collect(Collectors.toMap(c -> c.getString("code"), c -> c));
    }

    static Map<String, String> layers(JsonObject report) {
        return report.getJsonArray("layers").getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(l -> l.getString("name"), l -> l.getString("status")));
    }

    VerifyContext ctx(KubernetesClient c, Optional<String> op, DatabaseProbe.Factory db, boolean probe) {
        return new VerifyContext("c1", c, "default", () -> op, () -> new VerifyContext.HostHealth(true, "ok"), db, probe,
                Duration.ofSeconds(8), () -> false);
    }

    @Test
    void healthyClusterPassesEveryLayerThatApplies() throws Exception {
        k8s = new KubeDouble().accessReviews(true).readyNode();
        CrdInstaller.ensure(k8s.client);
        executor = Executors.newCachedThreadPool();
        operator = new WorkspaceOperator("c1", k8s.client, executor, WorkspaceDefaults::none, Duration.ofSeconds(300), true).start();
        // wait for the lease (leader election) so K8S05 passes
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (System.nanoTime() < deadline && k8s.client.leases().inNamespace("guildnet-system").withName(WorkspaceOperator.LEASE).get() == null) Thread.sleep(100);

        List<String> heard = new ArrayList<>();
        List<String> proxied = new ArrayList<>();
        VerifyContext base = ctx(k8s.client, Optional.of(operator.identity()), DatabaseProbes.NONE, true);
        VerifyContext withProxy = new VerifyContext(base.clusterId(), base.client(), base.namespace(), base.embeddedOperator(), base.hostHealth(),
                base.databases(), true, base.probeTimeout(), base.stopRequested(), base.tailnet(), (name, sub, timeout) -> {
                    proxied.add(name);
                    throw new AssertionError("no request is proxied when pods cannot run");
                }, VerifyContext.Probe.DEFAULT);
        JsonObject report = new Verifier(Clock.systemUTC()).verify(withProxy, r -> heard.add(r.check().code()));
        Map<String, JsonObject> c = checks(report);
        assertEquals(Map.of("network", "pass", "cluster", "pass", "database", "skip", "application", "pass"), layers(report), report.toString());
        assertEquals("pass", report.getJsonObject("summary").getString("status"));
        assertTrue(c.get("K8S05").getString("message").contains("this Host App"), c.get("K8S05").toString());
        assertEquals("skip", c.get("NET03").getString("status"), "the double speaks plain HTTP");
        assertTrue(c.get("APP02").getString("message").contains("reconciled"));
        // the mock runs no pods: APP03 is skipped with the reason, nothing proxied
        assertEquals("skip", c.get("APP03").getString("status"), c.get("APP03").toString());
        assertTrue(c.get("APP03").getString("message").contains("pods cannot run here"), c.get("APP03").toString());
        assertTrue(proxied.isEmpty());
        assertFalse(c.get("K8S01").containsKey("suggestion"), "no suggestion for a passing check");
        assertEquals(1000, c.get("K8S01").getInt("threshold_ms"));
        assertTrue(c.get("K8S01").containsKey("latency_ms"));
        assertEquals(c.size(), heard.size(), "every check reported as it finished");
        assertTrue(report.getJsonNumber("duration_ms").longValue() < 10_000, report.get("duration_ms").toString());
        // the probe workspace is gone
        assertTrue(k8s.client.resources(io.guildnet.workspace.model.Workspace.class).inNamespace("default").list().getItems().isEmpty());
    }

    @Test
    void unreachableApiServerFailsNetworkAndClusterWithSuggestions() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        extra = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                .withMasterUrl("https://127.0.0.1:" + port).withOauthToken("very-secret-token").withRequestTimeout(1000)
                .withConnectionTimeout(1000).withRequestRetryBackoffLimit(0).build()).build();
        JsonObject report = new Verifier(Clock.systemUTC()).verify(ctx(extra, Optional.empty(), DatabaseProbes.NONE, false), r -> { });
        Map<String, JsonObject> c = checks(report);
        assertEquals("pass", c.get("NET01").getString("status"));
        assertEquals("fail", c.get("NET02").getString("status"));
        assertTrue(c.get("NET02").getString("suggestion").contains("reachable"), c.get("NET02").toString());
        assertEquals("skip", c.get("NET03").getString("status"));
        assertEquals("fail", c.get("K8S01").getString("status"));
        assertEquals("fail", layers(report).get("network"));
        assertEquals("fail", layers(report).get("cluster"));
        JsonObject summary = report.getJsonObject("summary");
        assertEquals("fail", summary.getString("status"));
        assertTrue(summary.getString("text").contains("NET02") && summary.getString("text").contains("K8S01"), summary.toString());
        assertFalse(report.toString().contains("very-secret-token"));
    }

    @Test
    void missingCrdsAndOperatorFailTheClusterLayerAndPointAtSetup() throws Exception {
        k8s = new KubeDouble().accessReviews(false).readyNode();
        JsonObject report = new Verifier(Clock.systemUTC()).verify(ctx(k8s.client, Optional.empty(), DatabaseProbes.NONE, false), r -> { });
        Map<String, JsonObject> c = checks(report);
        assertEquals("fail", c.get("K8S03").getString("status"));
        assertTrue(c.get("K8S03").getString("suggestion").contains("guildnet-setup"));
        assertEquals("fail", c.get("K8S04").getString("status"));
        assertEquals("fail", c.get("K8S05").getString("status"));
        assertEquals("fail", c.get("K8S06").getString("status"));
        assertTrue(c.get("K8S06").getString("message").contains("denied: create workspaces.guildnet.io in default"), c.get("K8S06").toString());
        assertEquals("pass", layers(report).get("network"));
        assertEquals("fail", layers(report).get("cluster"));
    }

    @Test
    void databaseLayerUsesTheProbeWhenTheDatabaseLayerExists() {
        k8s = new KubeDouble().accessReviews(true).readyNode();
        DatabaseProbe probe = new DatabaseProbe() {
            @Override public String reachable() { return "rethinkdb 2.4.4"; }

            @Override public void writeReadDelete() { }

            @Override public void changefeedRoundTrip() throws Exception { throw new IllegalStateException("no change within 3 s"); }
        };
        DatabaseProbe.Factory f = new DatabaseProbe.Factory() {
            @Override public Optional<DatabaseProbe> forCluster(String id) { return Optional.of(probe); }

            @Override public String absentReason() { return "n/a"; }
        };
        var results = new Verifier(Clock.systemUTC()).layer("database", ctx(k8s.client, Optional.empty(), f, false), r -> { });
        assertEquals(List.of("pass", "pass", "fail"), results.stream().map(r -> r.status().wire()).toList());
        assertEquals("no change within 3 s", results.get(2).message());
        assertTrue(results.get(2).json().getString("suggestion").contains("Changefeeds"));
        assertEquals("fail", Verifier.layerStatus(results));
    }

    private static JsonObject connector(String status, String loginServer, int peersOnline) {
        var b = jakarta.json.Json.createObjectBuilder().add("status", status).add("loginServer", loginServer).add("ip", "100.64.0.7")
                .add("fqdn", "guildnet-c1-host.tailnet.test").add("peers", 1).add("peersOnline", peersOnline);
        if (!"ok".equals(status)) b.add("error", "tailscaled exited with code 1");
        return b.build();
    }

    private List<io.guildnet.batch.verify.CheckResult> network(JsonObject tailnet) {
        var ctx = new VerifyContext("c1", k8s.client, "default", Optional::empty, () -> new VerifyContext.HostHealth(true, "ok"),
                DatabaseProbes.NONE, false, Duration.ofSeconds(8), () -> false, () -> Optional.ofNullable(tailnet));
        return new Verifier(Clock.systemUTC()).layer("network", ctx, r -> { });
    }

    private static Map<String, io.guildnet.batch.verify.CheckResult> byCode(List<io.guildnet.batch.verify.CheckResult> rs) {
        return rs.stream().collect(Collectors.toMap(r -> r.check().code(), r -> r));
    }

    @Test
    void tailnetChecksCoverTheConnectorHeadscaleAndTheRouterWhenTheClusterHasATailnet() throws Exception {
        k8s = new KubeDouble().accessReviews(true).readyNode();
        try (java.net.ServerSocket headscale = new java.net.ServerSocket(0, 5, java.net.InetAddress.getLoopbackAddress())) {
            String login = "http://127.0.0.1:" + headscale.getLocalPort();
            var none = byCode(network(null));
            assertEquals("skip", none.get("NET04").status().wire());
            assertEquals("skip", none.get("NET06").status().wire());

            // connector ok, Headscale up, but no router yet
            var noRouter = byCode(network(connector("ok", login, 0)));
            assertEquals("pass", noRouter.get("NET04").status().wire(), noRouter.get("NET04").message());
            assertEquals("pass", noRouter.get("NET05").status().wire(), noRouter.get("NET05").message());
            assertEquals("fail", noRouter.get("NET06").status().wire());

            k8s.client.apps().daemonSets().inNamespace("kube-system").resource(new io.fabric8.kubernetes.api.model.apps.DaemonSetBuilder()
                    .withNewMetadata().withName("tailscale-subnet-router").withNamespace("kube-system").endMetadata()
                    .withNewSpec().withNewSelector().addToMatchLabels("app", "r").endSelector().withNewTemplate().withNewMetadata()
                    .addToLabels("app", "r").endMetadata().withNewSpec().addNewContainer().withName("t").withImage("x").endContainer()
                    .endSpec().endTemplate().endSpec().build()).create();
            var ds = k8s.client.apps().daemonSets().inNamespace("kube-system").withName("tailscale-subnet-router").get();
            ds.setStatus(new io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder().withDesiredNumberScheduled(2).withNumberReady(2).build());
            k8s.client.apps().daemonSets().inNamespace("kube-system").resource(ds).updateStatus();
            var ready = byCode(network(connector("ok", login, 1)));
            assertEquals("pass", ready.get("NET06").status().wire(), ready.get("NET06").message());

            var degraded = byCode(network(connector("degraded", login, 0)));
            assertEquals("fail", degraded.get("NET04").status().wire());
            assertTrue(degraded.get("NET04").message().contains("exited"), degraded.get("NET04").message());
            assertEquals("skip", degraded.get("NET06").status().wire());
        }
        int closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertEquals("fail", byCode(network(connector("ok", "http://127.0.0.1:" + closed, 1))).get("NET05").status().wire());
    }
}
