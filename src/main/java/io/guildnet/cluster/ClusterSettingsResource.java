package io.guildnet.cluster;

import io.guildnet.api.JsonInput;
import io.guildnet.audit.Audited;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** {@code GET/PUT /api/settings/cluster/{id}}: applied live; client settings rebuild the instance. */
@Path("settings/cluster/{id}")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ClusterSettingsResource {

    @Inject
    ClusterService clusters;

    @GET
    public JsonObject get(@PathParam("id") String id) {
        id = ClusterIds.normalize(id);
        return clusters.settingsView(id);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited(action = "cluster.settings.update", entityType = "cluster", idParam = "id")
    public JsonObject put(@PathParam("id") String id, String body) {
        id = ClusterIds.normalize(id);
        ClusterService.SettingsChange c = clusters.updateSettings(id, JsonInput.object(body));
        JsonArrayBuilder applied = Json.createArrayBuilder();
        c.changed().stream().sorted().forEach(applied::add);
        return Json.createObjectBuilder().add("ok", true).add("applied", applied).add("client_rebuilt", c.rebuilt())
                .add("configmap", c.configMap()).build();
    }
}
