package io.guildnet.cluster;

import io.guildnet.api.ApiException;
import io.guildnet.api.JsonInput;
import io.guildnet.audit.Audited;
import io.guildnet.store.HeadscaleRecord;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Set;

/** {@code /api/deploy/headscale}: records, endpoint, pre-auth key (write-only), health. */
@Path("deploy/headscale")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class HeadscaleResource {

    @Inject
    HeadscaleService headscale;

    JsonObject json(HeadscaleRecord r) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("id", r.id()).add("name", r.name()).add("type", r.type())
                .add("state", r.state()).add("createdAt", r.createdAt()).add("preauth_key_set", headscale.preauthSet(r.id()))
                .add("api_key_set", headscale.apiKeySet(r.id()));
        if (r.endpoint() != null) b.add("endpoint", r.endpoint());
        if (r.updatedAt() != null) b.add("updatedAt", r.updatedAt());
        b.add("managed", r.managed());
        if (r.managed()) b.add("cluster", r.cluster()).add("namespace", r.namespace());
        return b.build();
    }

    @GET
    public JsonArray list() {
        JsonArrayBuilder a = Json.createArrayBuilder();
        headscale.list().forEach(r -> a.add(json(r)));
        return a.build();
    }

    @POST
    @Audited(action = "headscale.create", entityType = "headscale")
    public Response create(String body) {
        String name = JsonInput.optionalName(body);
        return Response.status(201).entity(json(headscale.create(name))).build();
    }

    @GET
    @Path("{id}")
    public JsonObject get(@PathParam("id") String id) {
        return json(headscale.require(id));
    }

    @DELETE
    @Path("{id}")
    @Audited(action = "headscale.delete", entityType = "headscale", idParam = "id")
    public JsonObject delete(@PathParam("id") String id) {
        headscale.delete(id);
        return Json.createObjectBuilder().add("deleted", id).build();
    }

    @POST
    @Path("{id}")
    @Audited(action = "headscale.action", entityType = "headscale", idParam = "id")
    public JsonObject actionQuery(@PathParam("id") String id, @QueryParam("action") String action, String body) {
        if (action == null || action.isBlank()) throw ApiException.badRequest("missing_action", "give ?action= (endpoint, api-key, preauth-key, health, manage, start, stop, destroy)");
        return action(id, action.trim(), body);
    }

    @POST
    @Path("{id}/{action}")
    @Audited(action = "headscale.action", entityType = "headscale", idParam = "id")
    public JsonObject actionPath(@PathParam("id") String id, @PathParam("action") String action, String body) {
        return action(id, action, body);
    }

    private static boolean bool(JsonObject o, String f, boolean dflt) {
        if (!o.containsKey(f)) return dflt;
        var v = o.get(f).getValueType();
        if (v != jakarta.json.JsonValue.ValueType.TRUE && v != jakarta.json.JsonValue.ValueType.FALSE) {
            throw ApiException.badRequest("invalid_field", f + " must be a boolean", java.util.Map.of("field", f));
        }
        return v == jakarta.json.JsonValue.ValueType.TRUE;
    }

    private JsonObject action(String id, String action, String body) {
        switch (action) {
            case "endpoint" -> {
                JsonObject o = JsonInput.object(body);
                JsonInput.onlyFields(o, Set.of("endpoint"));
                headscale.setEndpoint(id, JsonInput.string(o, "endpoint"));
                return Json.createObjectBuilder().add("ok", true).build();
            }
            case "preauth-key" -> {
                JsonObject o = JsonInput.object(body);
                if (o.containsKey("value")) {
                    JsonInput.onlyFields(o, Set.of("value"));
                    headscale.setPreauthKey(id, JsonInput.string(o, "value"));
                    return Json.createObjectBuilder().add("ok", true).build();
                }
                // mint through Headscale's REST API; the key is stored (encrypted), never returned
                JsonInput.onlyFields(o, Set.of("user", "reusable", "ephemeral", "expiration_hours"));
                if (!o.containsKey("user")) throw ApiException.badRequest("missing_field", "give {\"value\"} to store a key or {\"user\"} to mint one",
                        java.util.Map.of("field", "user"));
                if (o.containsKey("expiration_hours") && o.get("expiration_hours").getValueType() != jakarta.json.JsonValue.ValueType.NUMBER) {
                    throw ApiException.badRequest("invalid_field", "expiration_hours must be a number", java.util.Map.of("field", "expiration_hours"));
                }
                boolean reusable = bool(o, "reusable", true);
                boolean ephemeral = bool(o, "ephemeral", false);
                long hours = o.containsKey("expiration_hours") ? o.getJsonNumber("expiration_hours").longValue() : 24;
                HeadscaleService.Minted m = headscale.mintPreauthKey(id, JsonInput.string(o, "user"), reusable, ephemeral,
                        java.time.Duration.ofHours(hours));
                return Json.createObjectBuilder().add("ok", true).add("minted", true).add("user", m.user()).add("reusable", m.reusable())
                        .add("ephemeral", m.ephemeral()).add("expiration", m.expiration()).add("preauth_key_set", true).build();
            }
            case "api-key" -> {
                JsonObject o = JsonInput.object(body);
                JsonInput.onlyFields(o, Set.of("value"));
                headscale.setApiKey(id, JsonInput.string(o, "value"));
                return Json.createObjectBuilder().add("ok", true).build();
            }
            case "manage" -> {
                JsonObject o = JsonInput.object(body);
                JsonInput.onlyFields(o, Set.of("cluster", "namespace"));
                String cluster = o.containsKey("cluster") && o.get("cluster").getValueType() != jakarta.json.JsonValue.ValueType.NULL
                        ? JsonInput.string(o, "cluster") : null;
                String ns = o.containsKey("namespace") ? JsonInput.string(o, "namespace") : null;
                return json(headscale.manage(id, cluster, ns));
            }
            case "start", "stop", "destroy" -> {
                JsonObject o = body == null || body.isBlank() ? jakarta.json.JsonValue.EMPTY_JSON_OBJECT : JsonInput.object(body);
                JsonInput.onlyFields(o, "destroy".equals(action) ? Set.of("delete_data") : Set.of());
                HeadscaleDeployment.Outcome out = headscale.operate(id, action, bool(o, "delete_data", false));
                JsonArrayBuilder applied = Json.createArrayBuilder(out.applied());
                JsonArrayBuilder deleted = Json.createArrayBuilder(out.deleted());
                return Json.createObjectBuilder().add("ok", true).add("state", out.state()).add("applied", applied).add("deleted", deleted).build();
            }
            case "health" -> {
                HeadscaleService.Health h = headscale.check(id);
                JsonObjectBuilder b = Json.createObjectBuilder().add("status", h.status());
                if (h.code() != null) b.add("code", h.code());
                if (h.error() != null) b.add("error", h.error());
                return b.build();
            }
            default -> throw ApiException.badRequest("unsupported_action",
                    "unknown action '" + action + "' (supported: endpoint, api-key, preauth-key, health, manage, start, stop, destroy)");
        }
    }
}
