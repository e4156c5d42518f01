package io.guildnet.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.sdk.Workspaces;
import jakarta.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the SDK sends to launch a workspace is accepted field by field by the server's own parser. */
class WorkspaceSpecSdkTest {
    @Test
    void everySdkFieldReachesTheWorkspaceSpec() {
        JsonObject json = new Workspaces.Spec("nginx:1.27").name("web").args(List.of("-g", "daemon off;")).command(List.of("nginx"))
                .env("MODE", "demo").label("team", "blue").port(80, "http").resources(Map.of("cpu", "250m")).notes("n")
                .exposure("LoadBalancer", null).toJson();
        assertTrue(WorkspaceRequest.FIELDS.containsAll(json.keySet()), "unknown to the server: " + json.keySet());
        WorkspaceRequest.Parsed p = WorkspaceRequest.parse(json);
        assertEquals("web", p.name());
        assertEquals("nginx:1.27", p.spec().getImage());
        assertEquals("MODE", p.spec().getEnv().get(0).getName());
        assertEquals(80, p.spec().getPorts().get(0).getContainerPort());
        assertEquals("LoadBalancer", p.spec().getExposure().getType());
    }
}
