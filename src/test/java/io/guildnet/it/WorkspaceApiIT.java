package io.guildnet.it;

import static io.guildnet.it.RequestBasicsIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Launch, list, inspect and delete workspaces through the API; the embedded operator does its part on the API double. */
class WorkspaceApiIT {

    static LibertyServer server;
    static MockCluster mock;
    static String cluster;

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
        mock = new MockCluster();
        cluster = ClusterApiIT.create("ws-cluster");
        HttpResponse<String> att = server.json("POST", "/api/deploy/clusters/" + cluster + "?action=attach-kubeconfig",
                ClusterApiIT.attachBody(mock.kubeconfig("ws")));
        assertEquals(200, att.statusCode(), att.body());
        // the instance installs the CRDs and starts its operator in the background
        await(() -> mock.client.apiextensions().v1().customResourceDefinitions().withName("workspaces.guildnet.io").get(), "CRD installed");
    }

    @AfterAll
    static void stop() throws Exception {
        if (cluster != null) server.send("DELETE", "/api/deploy/clusters/" + cluster, null);
        if (mock != null) mock.close();
    }

    static <T> T await(Supplier<T> s, String what) throws InterruptedException {
        for (int i = 0; i < 300; i++) {
            T v = s.get();
            if (v != null && !(v instanceof Boolean b && !b)) return v;
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    String path(String rest) {
        return "/api/cluster/" + cluster + rest;
    }

    @Test
    void launchesAWorkspaceThatTheOperatorTurnsIntoADeployment() throws Exception {
        String body = "{\"name\":\"ide\",\"image\":\"codercom/code-server:4.90.3\",\"env\":[{\"name\":\"TEAM\",\"value\":\"blue\"}],"
                + "\"labels\":[{\"name\":\"team\",\"value\":\"blue\"}],\"resources\":{\"cpu\":\"500m\",\"memory\":\"1Gi\"},"
                + "\"ports\":[{\"containerPort\":8080,\"name\":\"http\"}],\"args\":[\"--auth\",\"password\"],\"notes\":\"demo\"}";
        HttpResponse<String> r = server.json("POST", path("/workspaces"), body);
        assertEquals(202, r.statusCode(), r.body());
        assertEquals("ide", Json.obj(r.body()).getString("id"));

        Deployment dep = await(() -> mock.client.apps().deployments().inNamespace("default").withName("ide").get(), "deployment from the operator");
        var container = dep.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertTrue(container.getEnv().stream().anyMatch(e -> "TEAM".equals(e.getName()) && "blue".equals(e.getValue())), "env reaches the pod");
        assertEquals("500m", container.getResources().getRequests().get("cpu").toString());
        assertEquals("blue", dep.getSpec().getTemplate().getMetadata().getLabels().get("team"));
        assertNotNull(await(() -> mock.client.secrets().inNamespace("default").withName("ide-password").get(), "password secret"));

        JsonObject listed = Json.arr(server.get(path("/workspaces")).body()).stream().map(v -> v.asJsonObject())
                .filter(o -> "ide".equals(o.getString("id"))).findFirst().orElseThrow();
        assertEquals("codercom/code-server:4.90.3", listed.getString("image"));
        assertTrue(Json.arr(server.get(path("/servers")).body()).toString().contains("\"ide\""));

        JsonObject detail = await(() -> {
            try {
                JsonObject d = Json.obj(server.get(path("/workspaces/ide")).body());
                return d.containsKey("status") ? d : null;
            } catch (Exception e) {
                return null;
            }
        }, "status written by the operator");
        assertEquals("Pending", detail.getJsonObject("status").getString("phase"));
        assertEquals("demo", detail.getJsonObject("spec").getString("notes"));
        assertTrue(detail.containsKey("pods") && detail.containsKey("events"));

        assertError(server.get(path("/workspaces/ide/logs")), 404, "no_pods");
        assertError(server.json("POST", path("/workspaces"), body), 409, "already_exists");

        assertEquals(200, server.send("DELETE", path("/workspaces/ide"), null).statusCode());
        assertError(server.get(path("/workspaces/ide")), 404, "not_found");
        assertError(server.send("DELETE", path("/workspaces/ide"), null), 404, "not_found");
    }

    @Test
    void logsAreTailedAndStreamedWithTheirOwnTimestamps() throws Exception {
        assertEquals(202, server.json("POST", path("/workspaces"), "{\"name\":\"talker\",\"image\":\"busybox\"}").statusCode());
        var pod = new io.fabric8.kubernetes.api.model.PodBuilder().withNewMetadata().withName("talker-abc").withNamespace("default")
                .addToLabels("guildnet.io/workspace", "talker").endMetadata()
                .withNewSpec().addNewContainer().withName("workspace").withImage("busybox").endContainer().endSpec().build();
        mock.client.pods().inNamespace("default").resource(pod).create();
        String log = "2026-11-30T08:00:00.000000001Z first line\n2026-11-30T08:00:01.000000001Z second line\n";
        mock.server.expect().get().withPath("/api/v1/namespaces/default/pods/talker-abc/log?pretty=false&tailLines=100&timestamps=true")
                .andReturn(200, log).always();
        mock.server.expect().get().withPath("/api/v1/namespaces/default/pods/talker-abc/log?pretty=false&tailLines=100&timestamps=true&follow=true")
                .andReturn(200, log).always();

        var lines = Json.arr(server.get(path("/workspaces/talker/logs?limit=100")).body());
        assertEquals(2, lines.size(), lines.toString());
        assertEquals("2026-11-30T08:00:00.000000001Z", lines.getJsonObject(0).getString("t"), "the log's own timestamp, not the read time");
        assertEquals("[talker-abc] first line", lines.getJsonObject(0).getString("msg"));

        var req = java.net.http.HttpRequest.newBuilder(server.uri(path("/workspaces/talker/logs/stream")))
                .header("Accept", "text/event-stream").build();
        var resp = server.client().send(req, java.net.http.HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, resp.statusCode());
        assertTrue(resp.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        var it = resp.body().iterator();
        java.util.List<String> seen = new java.util.ArrayList<>();
        long deadline = System.currentTimeMillis() + 20_000;
        while (System.currentTimeMillis() < deadline && it.hasNext()) {
            String l = it.next();
            seen.add(l);
            if (l.contains("second line")) break;
        }
        resp.body().close();
        assertTrue(seen.stream().anyMatch(l -> l.startsWith("data:") && l.contains("[talker-abc] first line")), seen.toString());
        assertTrue(seen.stream().anyMatch(l -> l.contains("second line")), seen.toString());
        server.send("DELETE", path("/workspaces/talker"), null);
    }

    @Test
    void generatesANameWhenNoneIsGiven() throws Exception {
        HttpResponse<String> r = server.json("POST", path("/workspaces"), "{\"image\":\"nginx:1.27\"}");
        assertEquals(202, r.statusCode(), r.body());
        String id = Json.obj(r.body()).getString("id");
        assertTrue(id.matches("ws-[0-9a-f]{8}"), id);
        server.send("DELETE", path("/workspaces/" + id), null);
    }

    @Test
    void invalidLaunchRequestsAreRejectedWithTheField() throws Exception {
        assertEquals("name", assertError(server.json("POST", path("/workspaces"), "{\"name\":\"Bad_Name\",\"image\":\"x\"}"), 400, "invalid_spec")
                .getJsonObject("details").getString("field"));
        assertError(server.json("POST", path("/workspaces"), "{\"name\":\"ok\"}"), 400, "missing_field");
        assertError(server.json("POST", path("/workspaces"), "{\"image\":\"x\",\"ports\":[{\"containerPort\":70000}]}"), 400, "invalid_spec");
        assertError(server.json("POST", path("/workspaces"), "{\"image\":\"x\",\"resources\":{\"cpu\":\"lots\"}}"), 400, "invalid_spec");
        assertError(server.json("POST", path("/workspaces"), "{\"image\":\"x\",\"labels\":{\"guildnet.io/workspace\":\"y\"}}"), 400, "invalid_spec");
        assertError(server.json("POST", path("/workspaces"), "{\"image\":\"x\",\"replicas\":3}"), 400, "unknown_field");
        assertError(server.get(path("/workspaces/ide/logs?limit=0")), 400, "invalid_limit");
    }

    @Test
    void capabilitiesLimitWhatMayBeLaunchedAndStopped() throws Exception {
        var cap = new io.guildnet.workspace.model.Capability();
        cap.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("ide-only").withNamespace("default").build());
        var spec = new io.guildnet.workspace.model.CapabilitySpec();
        spec.setActions(java.util.List.of("launch", "delete"));
        spec.setAllowedImages(java.util.List.of("codercom/code-server*"));
        spec.setMaxConcurrent(5);
        cap.setSpec(spec);
        mock.client.resource(cap).create();
        try {
            JsonObject denied = assertError(server.json("POST", path("/workspaces"), "{\"name\":\"web\",\"image\":\"nginx:1.27\"}"), 403, "forbidden");
            assertEquals("ide-only", denied.getJsonObject("details").getString("capability"));
            assertTrue(denied.getJsonObject("details").getString("rule").contains("allowedImages"));
            assertEquals(202, server.json("POST", path("/workspaces"), "{\"name\":\"allowed\",\"image\":\"codercom/code-server:4.90.3\"}").statusCode());
            // stopAll is not granted: nothing is deleted, the workspace is reported as denied
            JsonObject stop = Json.obj(server.json("POST", path("/workspaces/stop-all"), "").body());
            assertTrue(stop.getJsonArray("denied").toString().contains("allowed"), stop.toString());
            assertEquals(0, stop.getJsonArray("deleted").size());
            assertEquals(200, server.send("DELETE", path("/workspaces/allowed"), null).statusCode());
        } finally {
            mock.client.resource(cap).delete();
        }
        String id = Json.obj(server.json("POST", path("/workspaces"), "{\"image\":\"nginx:1.27\"}").body()).getString("id");
        JsonObject stop = Json.obj(server.json("POST", path("/workspaces/stop-all"), "").body());
        assertTrue(stop.getJsonArray("deleted").toString().contains(id), "without Capabilities everything may be stopped: " + stop);
    }

    @Test
    void clustersWithoutClientsSaySoInsteadOfAnEmptyList() throws Exception {
        assertError(server.get("/api/cluster/no-such-cluster/workspaces"), 404, "unknown_cluster");
        String bare = ClusterApiIT.create("no-kubeconfig");
        assertError(server.get("/api/cluster/" + bare + "/workspaces"), 503, "no_k8s_clients");
        assertError(server.get("/api/cluster/" + bare + "/servers"), 503, "no_k8s_clients");
        assertError(server.json("POST", "/api/cluster/" + bare + "/workspaces", "{\"image\":\"x\"}"), 503, "no_k8s_clients");
        server.send("DELETE", "/api/deploy/clusters/" + bare, null);
    }
}
