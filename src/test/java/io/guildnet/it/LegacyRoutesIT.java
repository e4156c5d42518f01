package io.guildnet.it;

import static io.guildnet.it.RequestBasicsIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The original single-cluster routes on the host's default cluster (found via KUBECONFIG). */
class LegacyRoutesIT {

    static LibertyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
        WorkspaceApiIT.await(() -> LibertyServer.defaultCluster.client.apiextensions().v1().customResourceDefinitions()
                .withName("workspaces.guildnet.io").get(), "CRDs on the default cluster");
    }

    @Test
    void launchListInspectAndStopWorkspacesOnTheDefaultCluster() throws Exception {
        assertEquals("[]", server.get("/api/servers").body(), "an empty list is [], never null");

        HttpResponse<String> r = server.json("POST", "/api/workspace-jobs",
                "{\"image\":\"codercom/code-server:4.90.3\",\"env\":{\"A\":\"1\"},\"expose\":[{\"port\":8080,\"name\":\"http\"}]}");
        assertEquals(202, r.statusCode(), r.body());
        String id = Json.obj(r.body()).getString("id");
        var ws = LibertyServer.defaultCluster.client.resources(io.guildnet.workspace.model.Workspace.class).inNamespace("default").withName(id).get();
        assertEquals("A", ws.getSpec().getEnv().get(0).getName(), "the env object reaches the CR (the original dropped env entries)");
        assertEquals(8080, ws.getSpec().getPorts().get(0).getContainerPort());

        assertTrue(server.get("/api/servers").body().contains("\"" + id + "\""));
        var one = Json.obj(server.get("/api/servers/" + id).body());
        assertEquals("codercom/code-server:4.90.3", one.getString("image"));
        assertTrue(one.containsKey("events"));
        assertError(server.get("/api/servers/" + id + "/logs"), 404, "no_pods");
        assertError(server.get("/sse/logs"), 400, "missing_target");

        var stopped = Json.obj(server.json("POST", "/api/admin/stop-all/", "").body());
        assertTrue(stopped.getJsonArray("deleted").toString().contains(id), stopped.toString());
        assertError(server.send("DELETE", "/api/servers/" + id, null), 404, "not_found");
        assertEquals(200, server.json("POST", "/api/stop-all", "").statusCode());
    }
}
