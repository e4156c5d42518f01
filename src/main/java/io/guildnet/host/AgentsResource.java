package io.guildnet.host;

import io.guildnet.api.ApiException;
import io.guildnet.api.JsonInput;
import io.guildnet.audit.Audited;
import io.guildnet.store.Agent;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import java.time.Instant;

/** {@code /api/v1/agents/register}, {@code /api/v1/resolve}, {@code /api/v1/agents} (anchor shapes). */
@Path("v1")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AgentsResource {

    @Inject
    AgentDirectory directory;

    @POST
    @Path("agents/register")
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited(action = "agent.register", entityType = "agent")
    public JsonObject register(String body) {
        directory.register(JsonInput.object(body));
        return Json.createObjectBuilder().add("status", "ok").build();
    }

    @GET
    @Path("resolve")
    public JsonObject resolve(@QueryParam("id") String id, @QueryParam("org") String org) {
        if (id == null || id.isBlank()) throw ApiException.badRequest("missing_id", "id is required");
        Agent a = directory.resolve(id.trim(), org).orElseThrow(() -> ApiException.notFound("not_found", "no agent " + id));
        JsonObjectBuilder b = Json.createObjectBuilder().add("ip", a.ip());
        if (a.ports() != null) {
            JsonObjectBuilder p = Json.createObjectBuilder();
            a.ports().forEach(p::add);
            b.add("ports", p);
        }
        return b.add("expires_at", Instant.now().plusSeconds(60).toString()).build();
    }

    @GET
    @Path("agents")
    @APIResponse(responseCode = "200", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = Object.class)))
    public JsonArray agents(@QueryParam("org") String org) {
        JsonArrayBuilder arr = Json.createArrayBuilder();
        for (Agent a : directory.list(org)) arr.add(json(a));
        return arr.build();
    }

    static JsonObject json(Agent a) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("id", a.id()).add("ip", a.ip()).add("last_seen", a.lastSeen());
        if (a.org() != null) b.add("org", a.org());
        if (a.hostname() != null) b.add("hostname", a.hostname());
        if (a.version() != null) b.add("version", a.version());
        if (a.ports() != null) {
            JsonObjectBuilder p = Json.createObjectBuilder();
            a.ports().forEach(p::add);
            b.add("ports", p);
        }
        if (a.capabilities() != null) {
            JsonArrayBuilder c = Json.createArrayBuilder();
            a.capabilities().forEach(c::add);
            b.add("capabilities", c);
        }
        return b.build();
    }
}
