package io.guildnet.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.guildnet.workspace.model.Workspace;
import jakarta.json.JsonObject;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The servers list shows where each workspace runs (anchor Server.node), from one pod list per namespace. */
class WorkspaceServersTest {

    KubernetesMockServer server;
    NamespacedKubernetesClient client;

    @BeforeEach
    void start() {
        var responses = new HashMap<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), true);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
    }

    @AfterEach
    void stop() {
        client.close();
        server.destroy();
    }

    void workspace(String name) {
        Workspace ws = WorkspaceFixture.workspace("codercom/code-server:4.90.3").name(name).namespace("team-a").build();
        ws.getMetadata().setUid(null);
        ws.getMetadata().setResourceVersion(null);
        client.resources(Workspace.class).inNamespace("team-a").resource(ws).create();
    }

    void pod(String name, String owner, String node, boolean ready) {
        client.pods().inNamespace("team-a").resource(new PodBuilder().withNewMetadata().withName(name)
                .addToLabels(DesiredState.WORKSPACE_LABEL, owner).endMetadata()
                .withNewSpec().withNodeName(node).endSpec()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus().build()).create();
    }

    @Test
    void eachServerNamesTheNodeOfItsReadyPod() {
        workspace("alpha");
        workspace("beta");
        workspace("gamma"); // no pod yet
        pod("alpha-old", "alpha", "node-a", false);
        pod("alpha-new", "alpha", "node-b", true);
        pod("beta-1", "beta", "node-c", true);
        Map<String, JsonObject> byName = new WorkspaceService().servers("c1", client, "team-a").getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(o -> o.getString("name"), o -> o));
        assertEquals(3, byName.size());
        assertEquals("node-b", byName.get("alpha").getString("node"), "a ready pod's node wins over a terminating one");
        assertEquals("node-c", byName.get("beta").getString("node"));
        assertFalse(byName.get("gamma").containsKey("node"), "no pod, no node");
        assertEquals("/api/cluster/c1/proxy/server/alpha/", byName.get("alpha").getString("url"));
    }
}
