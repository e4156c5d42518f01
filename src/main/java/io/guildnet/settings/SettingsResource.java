package io.guildnet.settings;

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
import java.util.Set;

/** {@code GET/PUT /api/settings/{tailscale|database|global}}: applied live, secrets redacted. */
@Path("settings")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class SettingsResource {

    @Inject
    SettingsService settings;

    @GET
    @Path("{kind: tailscale|database|global}")
    public JsonObject get(@PathParam("kind") String kind) {
        return settings.view(kind);
    }

    @PUT
    @Path("{kind: tailscale|database|global}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited(action = "settings.update", entityType = "settings", idParam = "kind")
    public JsonObject put(@PathParam("kind") String kind, String body) {
        Set<String> changed = settings.update(kind, JsonInput.object(body));
        JsonArrayBuilder applied = Json.createArrayBuilder();
        changed.stream().sorted().forEach(applied::add);
        return Json.createObjectBuilder().add("ok", true).add("applied", applied).build();
    }
}
