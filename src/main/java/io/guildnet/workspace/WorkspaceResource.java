package io.guildnet.workspace;

import io.guildnet.api.ApiException;
import io.guildnet.api.JsonInput;
import io.guildnet.audit.Audited;
import io.guildnet.cluster.ClusterIds;
import io.guildnet.cluster.ClusterInstance;
import io.guildnet.cluster.ClusterService;
import io.guildnet.workspace.model.Workspace;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/**
 * {@code /api/cluster/{id}/workspaces}: launch (202), list, get (with pods and events),
 * delete, and logs (a tail per pod with the log's own timestamps).
 */
@Path("cluster/{id}/workspaces")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class WorkspaceResource {

    static final WorkspaceService WORKSPACES = new WorkspaceService();

    @Inject
    ClusterService clusters;

    @jakarta.annotation.Resource
    jakarta.enterprise.concurrent.ManagedScheduledExecutorService executor;

    ClusterInstance instance(String id) {
        return clusters.registry().get(ClusterIds.normalize(id));
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited(action = "workspace.create", entityType = "cluster", idParam = "id")
    public Response create(@PathParam("id") String id, String body) {
        ClusterInstance inst = instance(id);
        Workspace ws = WORKSPACES.create(inst.client(), inst.settings().namespace(), JsonInput.object(body));
        return Response.status(202).entity(Json.createObjectBuilder().add("id", ws.getMetadata().getName()).add("status", "pending").build()).build();
    }

    @GET
    public JsonArray list(@PathParam("id") String id) {
        return servers(clusters, ClusterIds.normalize(id));
    }

    public static JsonArray servers(ClusterService clusters, String id) {
        ClusterInstance inst = clusters.registry().get(id);
        return WORKSPACES.servers(id, inst.client(), inst.settings().namespace());
    }

    @GET
    @Path("{name}")
    public JsonObject get(@PathParam("id") String id, @PathParam("name") String name) {
        ClusterInstance inst = instance(id);
        return WORKSPACES.detail(inst.client(), WORKSPACES.require(inst.client(), inst.settings().namespace(), name));
    }

    @DELETE
    @Path("{name}")
    @Audited(action = "workspace.delete", entityType = "workspace", idParam = "name")
    public JsonObject delete(@PathParam("id") String id, @PathParam("name") String name) {
        ClusterInstance inst = instance(id);
        WORKSPACES.delete(inst.client(), inst.settings().namespace(), name);
        return Json.createObjectBuilder().add("deleted", name).build();
    }

    /**
     * Live logs over SSE (all pods, heartbeats every 15 s); starts with the last {@code tail}
     * lines of each pod (default 100).
     */
    @GET
    @Path("{name}/logs/stream")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void stream(@PathParam("id") String id, @PathParam("name") String name, @QueryParam("tail") String tail,
                       @jakarta.ws.rs.core.Context jakarta.ws.rs.sse.SseEventSink sink, @jakarta.ws.rs.core.Context jakarta.ws.rs.sse.Sse sse) {
        int n = JsonInput.boundedInt(tail, 100, 0, 5000, "tail");
        ClusterInstance inst = instance(id);
        Workspace ws = WORKSPACES.require(inst.client(), inst.settings().namespace(), name);
        WORKSPACES.authorize(inst.client(), inst.settings().namespace(), "readLogs", ws);
        new LogStream(inst.client(), ws, sink, sse, executor, n).start(executor);
    }

    /** Deletes every workspace of the cluster the Capabilities allow to stop: {@code {"deleted":[…],"denied":[…]}}. */
    @POST
    @Path("stop-all")
    @Audited(action = "workspace.stop_all", entityType = "cluster", idParam = "id")
    public JsonObject stopAll(@PathParam("id") String id) {
        ClusterInstance inst = instance(id);
        return WORKSPACES.stopAll(inst.client(), inst.settings().namespace());
    }

    @GET
    @Path("{name}/logs")
    public JsonArray logs(@PathParam("id") String id, @PathParam("name") String name, @QueryParam("limit") String limit) {
        int n = JsonInput.boundedInt(limit, 200, 1, 5000, "limit");
        ClusterInstance inst = instance(id);
        Workspace ws = WORKSPACES.require(inst.client(), inst.settings().namespace(), name);
        WORKSPACES.authorize(inst.client(), inst.settings().namespace(), "readLogs", ws);
        JsonArrayBuilder a = Json.createArrayBuilder();
        WORKSPACES.logs(inst.client(), ws, n).forEach(a::add);
        return a.build();
    }
}
