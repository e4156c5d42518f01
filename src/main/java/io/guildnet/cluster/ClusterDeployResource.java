package io.guildnet.cluster;

import io.guildnet.api.ApiException;
import io.guildnet.api.JsonInput;
import io.guildnet.audit.AuditLog;
import io.guildnet.audit.Audited;
import io.guildnet.host.HostIdentity;
import io.guildnet.store.ClusterRecord;
import io.guildnet.web.RequestInfo;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Set;

/**
 * {@code /api/deploy/clusters}: list, create, get, delete, and the actions
 * attach-kubeconfig, join-config, health and kubeconfig — as {@code ?action=} or as
 * a path suffix ({@code /clusters/{id}/health}).
 */
@Path("deploy/clusters")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ClusterDeployResource {

    @Inject
    ClusterService clusters;

    @Inject
    HostIdentity identity;

    @Inject
    AuditLog audit;

    @Context
    HttpServletRequest request;

    static JsonObject json(ClusterRecord r) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("id", r.id()).add("name", r.name()).add("state", r.state());
        if (r.createdAt() != null) b.add("createdAt", r.createdAt());
        if (r.updatedAt() != null) b.add("updatedAt", r.updatedAt());
        return b.build();
    }

    @GET
    public JsonArray list() {
        JsonArrayBuilder a = Json.createArrayBuilder();
        clusters.store().list().forEach(r -> a.add(json(r)));
        return a.build();
    }

    @POST
    @Audited(action = "cluster.create", entityType = "cluster")
    public Response create(String body) {
        String name = JsonInput.optionalName(body);
        ClusterRecord r = clusters.create(name);
        return Response.status(201).entity(json(r)).build();
    }

    @GET
    @Path("{id}")
    public JsonObject get(@PathParam("id") String id) {
        id = ClusterIds.normalize(id);
        return json(clusters.require(id));
    }

    @DELETE
    @Path("{id}")
    @Audited(action = "cluster.delete", entityType = "cluster", idParam = "id")
    public JsonObject delete(@PathParam("id") String id) {
        id = ClusterIds.normalize(id);
        clusters.delete(id);
        return Json.createObjectBuilder().add("deleted", id).build();
    }

    @POST
    @Path("{id}")
    @Audited(action = "cluster.action", entityType = "cluster", idParam = "id")
    public Response actionQuery(@PathParam("id") String id, @QueryParam("action") String action,
                                @QueryParam("include_secrets") String includeSecrets, String body) {
        id = ClusterIds.normalize(id);
        if (action == null || action.isBlank()) throw ApiException.badRequest("missing_action", "give ?action= (attach-kubeconfig, join-config, health, kubeconfig)");
        return action(id, action.trim(), includeSecrets, body);
    }

    @POST
    @Path("{id}/{action}")
    @Audited(action = "cluster.action", entityType = "cluster", idParam = "id")
    public Response actionPath(@PathParam("id") String id, @PathParam("action") String action,
                               @QueryParam("include_secrets") String includeSecrets, String body) {
        id = ClusterIds.normalize(id);
        return action(id, action, includeSecrets, body);
    }

    private Response action(String id, String action, String includeSecrets, String body) {
        RequestInfo ri = RequestInfo.of(request);
        switch (action) {
            case "attach-kubeconfig" -> {
                JsonObject o = JsonInput.object(body);
                JsonInput.onlyFields(o, Set.of("kubeconfig"));
                String kc = JsonInput.string(o, "kubeconfig");
                if (kc == null || kc.isBlank()) throw ApiException.badRequest("missing_kubeconfig", "kubeconfig is required");
                ClusterHealth.Result h = clusters.attach(id, kc);
                return Response.ok(Json.createObjectBuilder().add("ok", true).add("health", h.json()).build()).build();
            }
            case "health" -> {
                return Response.ok(clusters.health().check(id).json().build()).build();
            }
            case "join-config" -> {
                boolean secrets = "true".equalsIgnoreCase(includeSecrets) || "1".equals(includeSecrets);
                if (secrets) requireNamedPrincipal(ri, "a join bundle with secrets");
                JsonObject bundle = clusters.joinBundle(id, secrets, identity.url(request), identity.caPem(), ri.principal());
                if (secrets) audit.record(ri.principal(), "cluster.join_config.secrets_exported", "cluster", id, null, ri.requestId(), 200);
                return Response.ok(bundle).header("Content-Disposition", "attachment; filename=\"guildnet." + id + ".config\"")
                        .header("Cache-Control", "no-store").build();
            }
            case "kubeconfig" -> {
                requireNamedPrincipal(ri, "the kubeconfig");
                String kc = clusters.kubeconfig(id);
                audit.record(ri.principal(), "cluster.kubeconfig.exported", "cluster", id, null, ri.requestId(), 200);
                return Response.ok(kc, "application/x-yaml").header("Cache-Control", "no-store").build();
            }
            default -> throw ApiException.badRequest("unsupported_action",
                    "unknown action '" + action + "' (supported: attach-kubeconfig, join-config, health, kubeconfig)");
        }
    }

    /** Secrets leave the Host App only for a caller that presented a token or a session, never for a bare loopback caller. */
    static void requireNamedPrincipal(RequestInfo ri, String what) {
        if (!"token".equals(ri.via()) && !"cookie".equals(ri.via())) {
            throw ApiException.forbidden("secrets_need_token", what + " is only given to a caller authenticated with the API token or a session");
        }
    }
}
