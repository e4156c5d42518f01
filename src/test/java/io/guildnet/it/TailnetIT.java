package io.guildnet.it;

import static io.guildnet.it.RequestBasicsIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.tailnet.FakeTailscale;
import io.guildnet.tailnet.TailnetConfig;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tailnet connectors in the running Host App, with the fake tailscaled/tailscale pair: two clusters
 * on two tailnets at once, each reached through its own connector; health over HTTP, MicroProfile
 * Health and metrics; the key never shown or logged; delete stops the connector.
 */
class TailnetIT {

    static final String KEY_A = "hs-client-key-alpha-5a4b3c2d1e";
    static final String KEY_B = "hs-client-key-beta-9z8y7x6w5v";

    static LibertyServer server;
    static MockCluster a;
    static MockCluster b;

    @BeforeAll
    static void start() throws Exception {
        a = new MockCluster();
        b = new MockCluster();
        Path bin = Path.of("target/it/tailnet-bin").toAbsolutePath();
        TailnetConfig fakes = FakeTailscale.config(bin, bin.resolve("unused"));
        server = new LibertyServer("guildnetTailnet");
        server.wipeHome();
        server.env().put("TAILSCALED_PATH", fakes.tailscaled().orElseThrow().toString());
        server.env().put("TAILSCALE_PATH", fakes.tailscale().orElseThrow().toString());
        server.env().put("GUILDNET_TAILNET_SUPERVISE_MS", "250");
        server.env().put("GUILDNET_TAILNET_STATUS_MS", "1000");
        server.start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.stop();
        if (a != null) a.close();
        if (b != null) b.close();
    }

    private String tailnetCluster(String name, MockCluster m, String key) throws Exception {
        String id = Json.obj(server.json("POST", "/api/deploy/clusters", "{\"name\":\"" + name + "\"}").body()).getString("id");
        HttpResponse<String> put = server.json("PUT", "/api/settings/cluster/" + id,
                "{\"ts_login_server\":\"https://headscale.example.test\",\"ts_client_auth\":\"" + key + "\"}");
        assertEquals(200, put.statusCode(), put.body());
        assertFalse(put.body().contains(key));
        HttpResponse<String> att = server.json("POST", "/api/deploy/clusters/" + id + "?action=attach-kubeconfig",
                ClusterApiIT.attachBody(m.kubeconfig(name)));
        assertEquals(200, att.statusCode(), att.body());
        return id;
    }

    private JsonObject waitForTailnet(String id) throws Exception {
        long until = System.currentTimeMillis() + 60_000;
        JsonObject st;
        do {
            server.json("POST", "/api/deploy/clusters/" + id + "?action=health", "");
            st = Json.obj(server.get("/api/cluster/" + id + "/status").body());
            if (st.getBoolean("tsnetAvailable") && st.getBoolean("k8sReachable")) return st;
            Thread.sleep(300);
        } while (System.currentTimeMillis() < until);
        throw new AssertionError("cluster " + id + " never became reachable through its connector: " + st);
    }

    private static String target(MockCluster m) {
        java.net.URI u = java.net.URI.create(m.url());
        return u.getHost() + ":" + u.getPort();
    }

    @Test
    void twoClustersOnTwoTailnetsAreReachedEachThroughItsOwnConnector() throws Exception {
        String alpha = tailnetCluster("alpha", a, KEY_A);
        String beta = tailnetCluster("beta", b, KEY_B);
        JsonObject sa = waitForTailnet(alpha);
        JsonObject sb = waitForTailnet(beta);
        assertEquals("ok", sa.getJsonObject("tsnet").getString("status"), sa.toString());
        assertEquals("100.64.0.7", sa.getJsonObject("tsnet").getString("ip"));
        assertTrue(sb.getJsonObject("tsnet").getString("fqdn").startsWith("guildnet-" + beta + "-"), sb.toString());

        Path dirA = server.home().resolve("tsnet/cluster-" + alpha);
        Path dirB = server.home().resolve("tsnet/cluster-" + beta);
        assertEquals("rwx------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(dirA)));
        List<String> viaA = FakeTailscale.forwarded(dirA);
        List<String> viaB = FakeTailscale.forwarded(dirB);
        assertTrue(viaA.contains("http " + target(a)) && !viaA.contains("http " + target(b)), viaA.toString());
        assertTrue(viaB.contains("http " + target(b)) && !viaB.contains("http " + target(a)), viaB.toString());

        JsonObject h = Json.obj(server.get("/api/cluster/" + alpha + "/health").body());
        assertEquals("ok", h.getJsonObject("tsnet").getString("status"), h.toString());
        String all = server.get("/api/health").body();
        JsonObject mine = Json.obj(all).getJsonArray("clusters").getValuesAs(JsonObject.class).stream()
                .filter(c -> c.getString("id").equals(alpha)).findFirst().orElseThrow();
        assertEquals("ok", mine.getJsonObject("tsnet").getString("status"), all);
        String ready = server.get("/health/ready").body();
        assertTrue(ready.contains("tailnet-connectors"), ready);
        String metrics = server.get("/metrics?scope=application").body();
        assertTrue(java.util.regex.Pattern.compile("guildnet_tailnet_connectors\\{[^}]*status=\"ok\"[^}]*\\} 2").matcher(metrics).find(), metrics);

        // the keys: never in a response, the server log or a process's arguments
        JsonObject settings = Json.obj(server.get("/api/settings/cluster/" + alpha).body());
        assertEquals("***", settings.getString("ts_client_auth"));
        for (String body : List.of(sa.toString(), sb.toString(), all, h.toString(), settings.toString(), server.messagesLog())) {
            assertFalse(body.contains(KEY_A) || body.contains(KEY_B));
        }
        long pidA = Long.parseLong(Files.readString(dirA.resolve("fake.pid")).trim());
        ProcessHandle daemonA = ProcessHandle.of(pidA).orElseThrow();
        String args = String.join(" ", daemonA.info().arguments().orElse(new String[0]));
        assertTrue(args.contains("--tun=userspace-networking") && !args.contains(KEY_A), args);
        assertEquals(FakeTailscale.sha256(KEY_A), Files.readString(dirA.resolve("fake-login")).trim());

        // delete: alpha's connector stops, its node state goes; beta keeps running
        assertEquals(200, server.send("DELETE", "/api/deploy/clusters/" + alpha, null).statusCode());
        long until = System.currentTimeMillis() + 10_000;
        while (daemonA.isAlive() && System.currentTimeMillis() < until) Thread.sleep(100);
        assertFalse(daemonA.isAlive(), "alpha's tailscaled stopped with its cluster");
        assertFalse(Files.exists(dirA));
        assertTrue(Json.obj(server.get("/api/cluster/" + beta + "/status").body()).getBoolean("tsnetAvailable"));
    }

    static void service(MockCluster m, String name, int port) {
        m.client.services().inNamespace("default").resource(new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata().withName(name)
                .withNamespace("default").endMetadata().withNewSpec().addToSelector("app", name).addNewPort().withPort(port).endPort().endSpec().build())
                .create();
    }

    static void workspace(MockCluster m, String name, int port) {
        io.guildnet.workspace.model.Workspace ws = new io.guildnet.workspace.model.Workspace();
        ws.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName(name).withNamespace("default").build());
        ws.setSpec(new io.guildnet.workspace.model.WorkspaceSpec());
        ws.getSpec().setImage("nginx:1.27");
        m.client.resource(ws).create();
        service(m, name, port);
    }

    static JsonArray published(String id) throws Exception {
        HttpResponse<String> r = server.get("/api/cluster/" + id + "/published-services");
        assertEquals(200, r.statusCode(), r.body());
        return Json.arr(r.body());
    }

    @Test
    void aWorkspaceIsPublishedOnTheClustersTailnetRestoredAfterARestartAndRevoked() throws Exception {
        try (MockCluster m = new MockCluster()) {
            String id = tailnetCluster("gamma", m, "hs-client-key-gamma-1f2e3d4c5b");
            waitForTailnet(id);
            Path dir = server.home().resolve("tsnet/cluster-" + id);
            workspace(m, "web", 8080);
            workspace(m, "other", 8080);
            service(m, "redis", 6379); // a Service that is not a workspace

            HttpResponse<String> pub = server.json("POST", "/api/cluster/" + id + "/published-services", "{\"service\":\"web\"}");
            assertEquals(201, pub.statusCode(), pub.body());
            JsonObject rec = Json.obj(pub.body());
            assertEquals("live", rec.getString("status"), rec.toString());
            assertEquals("100.64.0.7:8080", rec.getString("addr"), "the node's tailnet address and the Service's port");
            assertEquals(8080, rec.getInt("port"));
            String target = FakeTailscale.served(dir).get(8080);
            assertTrue(target != null && target.matches("tcp://127\\.0\\.0\\.1:\\d+"), "tailscale serve --tcp=8080 to the local listener: " + target);
            JsonObject listed = published(id).getJsonObject(0);
            for (String k : List.of("cluster_id", "service", "addr", "added_at")) assertTrue(listed.containsKey(k), "anchor field " + k + ": " + listed);

            // a connection arrives: the mock cluster has no pod for it, so it is closed and the reason shown
            int local = Integer.parseInt(target.substring(target.lastIndexOf(':') + 1));
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", local)) {
                s.setSoTimeout(10_000);
                assertEquals(-1, s.getInputStream().read());
            }
            long until = System.currentTimeMillis() + 10_000;
            while (!published(id).getJsonObject(0).containsKey("error") && System.currentTimeMillis() < until) Thread.sleep(100);
            assertTrue(published(id).getJsonObject(0).getString("error", "").contains("has no pod"), published(id).toString());

            assertError(server.json("POST", "/api/cluster/" + id + "/published-services", "{\"service\":\"other\"}"), 409, "port_in_use");
            assertEquals(201, server.json("POST", "/api/cluster/" + id + "/published-services", "{\"service\":\"other\",\"port\":9090}").statusCode());
            assertError(server.json("POST", "/api/cluster/" + id + "/published-services", "{\"service\":\"nope\"}"), 404, "not_found");
            assertError(server.json("POST", "/api/cluster/" + id + "/published-services", "{\"service\":\"redis\"}"), 404, "not_found");
            assertError(server.json("POST", "/api/cluster/" + id + "/published-services", "{\"service\":\"web\",\"port\":4294967376}"),
                    400, "invalid_field");
            assertError(server.json("POST", "/api/cluster/" + id + "/published-services", "{\"service\":\"Bad_Name\"}"), 400, "invalid_field");

            // after a restart the recorded publications come back on new local listeners (the anchor restored them pointing at nothing)
            server.restart();
            waitForTailnet(id);
            until = System.currentTimeMillis() + 60_000;
            while (System.currentTimeMillis() < until && !published(id).stream().allMatch(v -> "live".equals(v.asJsonObject().getString("status")))) {
                Thread.sleep(300);
            }
            assertTrue(published(id).stream().allMatch(v -> "live".equals(v.asJsonObject().getString("status"))), published(id).toString());
            assertTrue(Files.readAllLines(dir.resolve("fake-serve-resets")).size() >= 2, "the node's serve config was reset at each join");
            String after = FakeTailscale.served(dir).get(8080);
            assertTrue(after != null && !after.equals(target), "served again, to the new listener: " + target + " -> " + after);
            assertEquals(Set.of(8080, 9090), FakeTailscale.served(dir).keySet());

            assertEquals(200, server.send("DELETE", "/api/cluster/" + id + "/published-services/web", null).statusCode());
            assertEquals(Set.of(9090), FakeTailscale.served(dir).keySet(), "tailscale serve --tcp=8080 off");
            assertEquals(1, published(id).size());
            assertError(server.send("DELETE", "/api/cluster/" + id + "/published-services/web", null), 404, "not_published");

            // a cluster without a tailnet connector cannot publish
            String plain = Json.obj(server.json("POST", "/api/deploy/clusters", "{\"name\":\"plain\"}").body()).getString("id");
            assertEquals(200, server.json("POST", "/api/deploy/clusters/" + plain + "?action=attach-kubeconfig",
                    ClusterApiIT.attachBody(m.kubeconfig("plain"))).statusCode());
            assertError(server.json("POST", "/api/cluster/" + plain + "/published-services", "{\"service\":\"web\"}"), 409, "tailnet_unavailable");
            assertEquals(0, published(plain).size());
        }
    }

    @Test
    void headscaleActionsUseTheRestApiAndNeverShowKeys() throws Exception {
        try (io.guildnet.tailnet.FakeHeadscale fake = new io.guildnet.tailnet.FakeHeadscale("it-api-key-4f3e2d")) {
            String id = Json.obj(server.json("POST", "/api/deploy/headscale", "{\"name\":\"hs-it\"}").body()).getString("id");
            String base = "/api/deploy/headscale/" + id;
            assertEquals(409, server.json("POST", base + "?action=preauth-key", "{\"user\":\"cluster-x\"}").statusCode());
            assertEquals(200, server.json("POST", base + "?action=endpoint", "{\"endpoint\":\"" + fake.url() + "\"}").statusCode());
            assertEquals(200, server.json("POST", base + "?action=api-key", "{\"value\":\"it-api-key-4f3e2d\"}").statusCode());
            HttpResponse<String> mint = server.json("POST", base + "?action=preauth-key", "{\"user\":\"cluster-x\",\"expiration_hours\":2}");
            assertEquals(200, mint.statusCode(), mint.body());
            assertTrue(Json.obj(mint.body()).getBoolean("minted"));
            String key = fake.keys.get(0).key();
            assertFalse(mint.body().contains(key), "the minted key is not returned");
            JsonObject rec = Json.obj(server.get(base).body());
            assertTrue(rec.getBoolean("preauth_key_set") && rec.getBoolean("api_key_set"), rec.toString());
            assertFalse(rec.toString().contains("it-api-key-4f3e2d"));
            assertEquals("ok", Json.obj(server.send("POST", base + "?action=health", null).body()).getString("status"));
            HttpResponse<String> start = server.send("POST", base + "?action=start", null);
            assertEquals(409, start.statusCode(), start.body());
            assertEquals("headscale_not_managed_here", Json.obj(start.body()).getString("code"));
            assertFalse(server.messagesLog().contains(key) || server.messagesLog().contains("it-api-key-4f3e2d"));
        }
    }

    @Test
    void aManagedHeadscaleIsStartedStoppedAndDestroyedInItsCluster() throws Exception {
        try (MockCluster m = new MockCluster()) {
            String cid = Json.obj(server.json("POST", "/api/deploy/clusters", "{\"name\":\"hs-home\"}").body()).getString("id");
            assertEquals(200, server.json("POST", "/api/deploy/clusters/" + cid + "?action=attach-kubeconfig",
                    ClusterApiIT.attachBody(m.kubeconfig("hs-home"))).statusCode());
            String id = Json.obj(server.json("POST", "/api/deploy/headscale", "{\"name\":\"hs-managed\"}").body()).getString("id");
            String base = "/api/deploy/headscale/" + id;
            HttpResponse<String> manage = server.json("POST", base + "?action=manage", "{\"cluster\":\"" + cid + "\",\"namespace\":\"hs-it\"}");
            assertEquals(200, manage.statusCode(), manage.body());
            assertTrue(Json.obj(manage.body()).getBoolean("managed"));
            HttpResponse<String> start = server.send("POST", base + "?action=start", null);
            assertEquals(200, start.statusCode(), start.body());
            assertEquals("running", Json.obj(start.body()).getString("state"));
            assertEquals(1, m.client.apps().deployments().inNamespace("hs-it").withName("headscale").get().getSpec().getReplicas());
            assertEquals(200, server.send("POST", base + "?action=stop", null).statusCode());
            assertEquals(0, m.client.apps().deployments().inNamespace("hs-it").withName("headscale").get().getSpec().getReplicas());
            assertEquals("stopped", Json.obj(server.get(base).body()).getString("state"));
            HttpResponse<String> destroy = server.json("POST", base + "?action=destroy", "{}");
            assertEquals(200, destroy.statusCode(), destroy.body());
            assertEquals(null, m.client.apps().deployments().inNamespace("hs-it").withName("headscale").get());
            assertTrue(m.client.persistentVolumeClaims().inNamespace("hs-it").withName("headscale-data").get() != null, "data kept");
            assertTrue(server.get("/api/audit?entity_id=" + id).body().contains("headscale.action"), "audited");
        }
    }

    @Test
    void theAnchorsHeadscaleJobProvisionsAClustersTailnetEndToEnd() throws Exception {
        try (MockCluster g = new MockCluster(); io.guildnet.tailnet.FakeHeadscale fake = new io.guildnet.tailnet.FakeHeadscale("job-api-key-77aa")) {
            g.server.expect().get().withPath("/readyz").andReturn(200, "ok").always();
            String hsId = Json.obj(server.json("POST", "/api/deploy/headscale", "{\"name\":\"hs-job\"}").body()).getString("id");
            server.json("POST", "/api/deploy/headscale/" + hsId + "?action=endpoint", "{\"endpoint\":\"" + fake.url() + "\"}");
            server.json("POST", "/api/deploy/headscale/" + hsId + "?action=api-key", "{\"value\":\"job-api-key-77aa\"}");
            String cid = Json.obj(server.json("POST", "/api/deploy/clusters", "{\"name\":\"gamma\"}").body()).getString("id");
            assertEquals(200, server.json("POST", "/api/deploy/clusters/" + cid + "?action=attach-kubeconfig",
                    ClusterApiIT.attachBody(g.kubeconfig("gamma"))).statusCode());
            // the cluster and its router: the DaemonSet's pod gets ready and its node advertises the routes
            var router = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            try {
                router.scheduleWithFixedDelay(() -> {
                    var ds = g.client.apps().daemonSets().inNamespace("kube-system").withName("tailscale-subnet-router").get();
                    if (ds != null && ds.getStatus() == null) {
                        ds.setStatus(new io.fabric8.kubernetes.api.model.apps.DaemonSetStatusBuilder().withDesiredNumberScheduled(1)
                                .withCurrentNumberScheduled(1).withNumberReady(1).withUpdatedNumberScheduled(1).build());
                        g.client.apps().daemonSets().inNamespace("kube-system").resource(ds).updateStatus();
                        fake.join("guildnet-" + cid + "-router-node-1", "cluster-" + cid, "10.244.0.0/16");
                    }
                }, 100, 200, java.util.concurrent.TimeUnit.MILLISECONDS);
                HttpResponse<String> r = server.json("POST", "/api/jobs", "{\"kind\":\"headscale.provision\",\"spec\":{\"id\":\"" + cid
                        + "\",\"headscale\":\"" + hsId + "\",\"routes\":\"10.244.0.0/16\",\"rolloutTimeoutSeconds\":60}}");
                assertEquals(202, r.statusCode(), r.body());
                String jobId = Json.obj(r.body()).getString("jobId");
                long until = System.currentTimeMillis() + 120_000;
                JsonObject rec;
                do {
                    Thread.sleep(300);
                    rec = Json.obj(server.get("/api/jobs/" + jobId).body());
                } while (!List.of("succeeded", "failed", "canceled").contains(rec.getString("status")) && System.currentTimeMillis() < until);
                String logs = server.get("/api/jobs-logs/" + jobId).body();
                assertEquals("succeeded", rec.getString("status"), rec + "\n" + logs);
                assertEquals("tailnet-provision", Json.obj(server.get("/api/batch/executions/" + jobId).body()).getString("job"));
                JsonObject st = Json.obj(server.get("/api/cluster/" + cid + "/status").body());
                assertTrue(st.getBoolean("tsnetAvailable"), st.toString());
                assertTrue(fake.routes.stream().allMatch(io.guildnet.tailnet.FakeHeadscale.Route::enabled));
                String report = server.get("/api/batch/executions/" + jobId + "/report").body();
                for (var k : fake.keys) {
                    assertFalse(logs.contains(k.key()) || report.contains(k.key()) || server.messagesLog().contains(k.key()), "a minted key leaked");
                }
            } finally {
                router.shutdownNow();
            }
        }
    }
}
