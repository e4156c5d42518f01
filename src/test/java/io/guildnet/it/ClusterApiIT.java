package io.guildnet.it;

import static io.guildnet.it.RequestBasicsIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The cluster API over HTTPS against a Kubernetes API double. */
class ClusterApiIT {

    static LibertyServer server;
    static MockCluster mock;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
        token = server.adminToken();
        mock = new MockCluster();
    }

    @AfterAll
    static void stop() {
        if (mock != null) mock.close();
    }

    static String create(String name) throws Exception {
        HttpResponse<String> r = LibertyServer.shared().json("POST", "/api/deploy/clusters", name == null ? "" : "{\"name\":\"" + name + "\"}");
        assertEquals(201, r.statusCode(), r.body());
        return Json.obj(r.body()).getString("id");
    }

    static String attachBody(String kubeconfig) {
        return jakarta.json.Json.createObjectBuilder().add("kubeconfig", kubeconfig).build().toString();
    }

    @Test
    void createAttachCheckAndDeleteACluster() throws Exception {
        String unnamed = create(null);
        String unnamedName = Json.obj(server.get("/api/deploy/clusters/" + unnamed).body()).getString("name");
        assertFalse(unnamedName.contains("nil"), unnamedName);
        assertTrue(unnamedName.startsWith("cluster-"), unnamedName);

        String id = create("alpha");
        assertError(server.json("POST", "/api/deploy/clusters/" + id + "?action=attach-kubeconfig", "{}"), 400, "missing_kubeconfig");
        assertError(server.json("POST", "/api/deploy/clusters/" + id + "?action=attach-kubeconfig", attachBody("apiVersion: v1\nkind: Config\n")),
                400, "bad_kubeconfig");

        HttpResponse<String> att = server.json("POST", "/api/deploy/clusters/" + id + "?action=attach-kubeconfig", attachBody(mock.kubeconfig("alpha")));
        assertEquals(200, att.statusCode(), att.body());
        assertEquals("ok", Json.obj(att.body()).getJsonObject("health").getString("status"), att.body());

        // both action forms
        assertEquals("ok", Json.obj(server.json("POST", "/api/deploy/clusters/" + id + "/health", "").body()).getString("status"));
        assertEquals("ok", Json.obj(server.send("POST", "/api/deploy/clusters/" + id + "?action=health", null).body()).getString("status"));
        assertEquals("ready", Json.obj(server.get("/api/deploy/clusters/" + id).body()).getString("state"));
        // ids are normalised (anchor rules): upper case and '_' reach the same cluster
        assertEquals(id, Json.obj(server.get("/api/deploy/clusters/" + id.toUpperCase().replace('-', '_')).body()).getString("id"));

        JsonObject status = Json.obj(server.get("/api/cluster/" + id + "/status").body());
        assertTrue(status.getBoolean("kubeconfigPresent") && status.getBoolean("kubeconfigValid") && status.getBoolean("k8sReachable"), status.toString());
        JsonObject h = Json.obj(server.get("/api/cluster/" + id + "/health").body());
        assertTrue(h.getJsonObject("k8s").getBoolean("ok"), h.toString());
        // the shared server runs the in-memory RethinkDB stand-in: this cluster's link is up
        assertTrue(h.getJsonObject("rdb").getBoolean("ok"), h.toString());

        boolean listed = false;
        for (int i = 0; i < 50 && !listed; i++) {
            JsonObject all = Json.obj(server.get("/api/health").body());
            listed = all.getJsonArray("clusters").stream().map(v -> v.asJsonObject())
                    .anyMatch(c -> id.equals(c.getString("id")) && "ok".equals(c.getString("status")));
            if (!listed) Thread.sleep(100);
        }
        assertTrue(listed, "the cluster must show as ok in /api/health");

        // the kubeconfig is a secret: never to a bare loopback caller, and audited when exported
        assertError(server.send("POST", "/api/deploy/clusters/" + id + "?action=kubeconfig", null), 403, "secrets_need_token");
        HttpResponse<String> kc = server.send("POST", "/api/deploy/clusters/" + id + "?action=kubeconfig", null, "Authorization", "Bearer " + token);
        assertEquals(200, kc.statusCode());
        assertTrue(kc.body().contains("secret-token-of-alpha"));
        assertTrue(kc.headers().firstValue("Content-Type").orElse("").startsWith("application/x-yaml"));

        JsonObject plain = Json.obj(server.send("POST", "/api/deploy/clusters/" + id + "?action=join-config", null).body());
        assertEquals(2, plain.getInt("version"));
        assertFalse(plain.getJsonObject("cluster").containsKey("kubeconfig"), "no secrets without include_secrets");
        assertError(server.send("POST", "/api/deploy/clusters/" + id + "?action=join-config&include_secrets=true", null), 403, "secrets_need_token");
        JsonObject full = Json.obj(server.send("POST", "/api/deploy/clusters/" + id + "?action=join-config&include_secrets=true", null,
                "Authorization", "Bearer " + token).body());
        assertTrue(full.getJsonObject("cluster").getString("kubeconfig").contains(mock.url()));
        assertTrue(full.getJsonObject("hostapp").getString("ca_pem").contains("BEGIN CERTIFICATE"));
        assertTrue(server.get("/api/audit?action=cluster.join_config.secrets_exported&entity_id=" + id, "Authorization", "Bearer " + token)
                .body().contains("user:admin"));

        assertEquals(200, server.send("DELETE", "/api/deploy/clusters/" + id, null).statusCode());
        assertError(server.get("/api/deploy/clusters/" + id), 404, "unknown_cluster");
        assertError(server.get("/api/cluster/" + id + "/status"), 404, "unknown_cluster");
        assertError(server.send("DELETE", "/api/deploy/clusters/" + id, null), 404, "unknown_cluster");
        assertFalse(Files.exists(server.home().resolve("state/clusters/" + id)), "state directory left behind");
        assertFalse(Json.obj(server.get("/api/health").body()).toString().contains(id));
        server.send("DELETE", "/api/deploy/clusters/" + unnamed, null);
    }

    @Test
    void unknownAndUnattachedClustersSaySo() throws Exception {
        assertError(server.get("/api/cluster/no-such-cluster/status"), 404, "unknown_cluster");
        assertError(server.get("/api/settings/cluster/no-such-cluster"), 404, "unknown_cluster");
        assertError(server.send("POST", "/api/deploy/clusters/no-such-cluster?action=health", null), 404, "unknown_cluster");
        String id = create("bare");
        JsonObject h = Json.obj(server.send("POST", "/api/deploy/clusters/" + id + "?action=health", null).body());
        assertEquals("unknown", h.getString("status"));
        assertEquals("no_kubeconfig", h.getString("code"));
        assertError(server.get("/api/cluster/" + id + "/health"), 503, "no_k8s_clients");
        assertEquals("attach_kubeconfig", Json.obj(server.get("/api/cluster/" + id + "/status").body()).getString("recommendedAction"));
        assertError(server.send("POST", "/api/deploy/clusters/" + id + "?action=scale", null), 400, "unsupported_action");
        server.send("DELETE", "/api/deploy/clusters/" + id, null);
    }

    @Test
    void unreachableClustersAreReportedWithTheirCode() throws Exception {
        String id = create("far-away");
        HttpResponse<String> att = server.json("POST", "/api/deploy/clusters/" + id + "?action=attach-kubeconfig",
                attachBody(MockCluster.unreachableKubeconfig("far")));
        assertEquals(200, att.statusCode(), att.body());
        JsonObject h = Json.obj(att.body()).getJsonObject("health");
        assertEquals("error", h.getString("status"));
        assertEquals("cluster_unreachable", h.getString("code"));
        assertEquals("check_cluster_network", Json.obj(server.get("/api/cluster/" + id + "/status").body()).getString("recommendedAction"));
        server.send("DELETE", "/api/deploy/clusters/" + id, null);
    }

    @Test
    void bootstrapFromAnUploadedJoinFileOrJsonAndRollBackOnFailure() throws Exception {
        String bundle = jakarta.json.Json.createObjectBuilder().add("version", 2)
                .add("cluster", jakarta.json.Json.createObjectBuilder().add("name", "joined").add("namespace", "team-a")
                        .add("kubeconfig", mock.kubeconfig("joined")))
                .build().toString();
        String boundary = "gn" + UUID.randomUUID();
        String multipart = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"guildnet.config\"\r\n"
                + "Content-Type: application/json\r\n\r\n" + bundle + "\r\n--" + boundary + "--\r\n";
        HttpResponse<String> up = server.send("POST", "/bootstrap", multipart, "Content-Type", "multipart/form-data; boundary=" + boundary);
        assertEquals(200, up.statusCode(), up.body());
        String id = Json.obj(up.body()).getString("clusterId");
        assertNotNull(id);
        assertEquals("team-a", Json.obj(server.get("/api/settings/cluster/" + id).body()).getString("namespace"));
        assertEquals("ready", Json.obj(server.get("/api/deploy/clusters/" + id).body()).getString("state"));
        // ids are normalised (anchor rules): upper case and '_' reach the same cluster
        assertEquals(id, Json.obj(server.get("/api/deploy/clusters/" + id.toUpperCase().replace('-', '_')).body()).getString("id"));

        String bad = jakarta.json.Json.createObjectBuilder()
                .add("cluster", jakarta.json.Json.createObjectBuilder().add("name", "doomed").add("kubeconfig", MockCluster.unreachableKubeconfig("doomed")))
                .build().toString();
        int before = Json.arr(server.get("/api/deploy/clusters").body()).size();
        JsonObject e = assertError(server.json("POST", "/api/bootstrap", bad), 422, "cluster_connect");
        assertTrue(e.containsKey("details"));
        assertEquals(before, Json.arr(server.get("/api/deploy/clusters").body()).size(), "a failed bootstrap must leave no cluster behind");
        assertError(server.json("POST", "/api/bootstrap", "{\"version\":1,\"cluster\":{}}"), 400, "unsupported_version");
        assertError(server.json("POST", "/api/bootstrap", "{\"cluster\":{\"kubeconfig\":\"not: [yaml\"}}"), 400, "bad_kubeconfig");
        server.send("DELETE", "/api/deploy/clusters/" + id, null);
    }

    @Test
    void clusterSettingsApplyLiveAndWriteTheConfigMap() throws Exception {
        String id = create("lb");
        assertEquals(200, server.json("POST", "/api/deploy/clusters/" + id + "?action=attach-kubeconfig", attachBody(mock.kubeconfig("lb"))).statusCode());
        HttpResponse<String> put = server.json("PUT", "/api/settings/cluster/" + id, "{\"workspace_lb_enabled\":true,\"ts_client_auth\":\"tskey-client-123\"}");
        assertEquals(200, put.statusCode(), put.body());
        JsonObject r = Json.obj(put.body());
        assertEquals("written", r.getString("configmap"));
        assertTrue(r.getBoolean("client_rebuilt"), "a tailnet key change rebuilds the client");
        var cm = mock.client.configMaps().inNamespace("guildnet-system").withName("guildnet-cluster-settings").get();
        assertEquals("true", cm.getData().get("workspace_lb_enabled"));
        JsonObject view = Json.obj(server.get("/api/settings/cluster/" + id).body());
        assertEquals("***", view.getString("ts_client_auth"));
        assertTrue(view.getBoolean("ts_client_auth_set"));
        assertFalse(server.get("/api/settings/cluster/" + id).body().contains("tskey-client-123"));
        assertError(server.json("PUT", "/api/settings/cluster/" + id, "{\"namespace\":\"Not Valid\"}"), 400, "invalid_field");
        assertError(server.json("PUT", "/api/settings/cluster/" + id, "{\"bogus\":1}"), 400, "unknown_field");
        server.send("DELETE", "/api/deploy/clusters/" + id, null);
    }

    @Test
    void headscaleRecordsReportUnreachableEndpoints() throws Exception {
        HttpResponse<String> c = server.json("POST", "/api/deploy/headscale", "{}");
        assertEquals(201, c.statusCode(), c.body());
        String id = Json.obj(c.body()).getString("id");
        assertFalse(Json.obj(c.body()).getString("name").contains("nil"));
        JsonObject none = Json.obj(server.send("POST", "/api/deploy/headscale/" + id + "?action=health", null).body());
        assertEquals("unknown", none.getString("status"));
        assertEquals("no_endpoint", none.getString("code"));
        int closed;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        assertEquals(200, server.json("POST", "/api/deploy/headscale/" + id + "?action=endpoint", "{\"endpoint\":\"http://127.0.0.1:" + closed + "\"}").statusCode());
        assertEquals(200, server.json("POST", "/api/deploy/headscale/" + id + "/preauth-key", "{\"value\":\"hskey-secret\"}").statusCode());
        JsonObject err = Json.obj(server.send("POST", "/api/deploy/headscale/" + id + "?action=health", null).body());
        assertEquals("error", err.getString("status"));
        assertTrue(err.getString("error").contains(String.valueOf(closed)), err.toString());
        JsonObject rec = Json.obj(server.get("/api/deploy/headscale/" + id).body());
        assertTrue(rec.getBoolean("preauth_key_set"));
        assertFalse(rec.toString().contains("hskey-secret"));
        assertEquals(200, server.send("DELETE", "/api/deploy/headscale/" + id, null).statusCode());
        assertError(server.send("DELETE", "/api/deploy/headscale/" + id, null), 404, "unknown_headscale");
    }

    @Test
    void joinScriptsAgreeWithEachOtherAndTheApi() throws Exception {
        var dir = Files.createTempDirectory(server.home().getParent(), "join");
        var kc = dir.resolve("team.kubeconfig");
        Files.writeString(kc, mock.kubeconfig("scripted"));
        var bundle = dir.resolve("guildnet.config");
        var ca = server.home().resolve("state/certs/server.crt");
        run(dir, "scripts/generate_join_config.sh", "--kubeconfig", kc.toString(), "--name", "scripted", "--namespace", "team-s",
                "--hostapp-url", "https://127.0.0.1:" + server.port(), "--ca", ca.toString(), "-o", bundle.toString());
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(bundle)));
        String out = run(dir, "scripts/join.sh", bundle.toString(), "--non-interactive");
        assertTrue(out.contains("joined cluster 'scripted' as "), out);
        String id = out.substring(out.indexOf(" as ") + 4).trim();
        assertEquals("team-s", Json.obj(server.get("/api/settings/cluster/" + id).body()).getString("namespace"));
        server.send("DELETE", "/api/deploy/clusters/" + id, null);
    }

    static String run(java.nio.file.Path dir, String script, String... args) throws Exception {
        var cmd = new java.util.ArrayList<String>();
        cmd.add(java.nio.file.Path.of(script).toAbsolutePath().toString());
        cmd.addAll(java.util.List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("GUILDNET_HOME", dir.resolve("client-home").toString());
        pb.environment().put("GUILDNET_API_TOKEN", token);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), script + " failed:\n" + out);
        return out;
    }

}
