package io.guildnet.workspace;

import io.guildnet.api.JsonInput;
import io.guildnet.audit.Audited;
import io.guildnet.cluster.ClusterInstance;
import io.guildnet.cluster.DefaultCluster;
import io.guildnet.workspace.model.Workspace;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
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
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;

/**
 * The original single-cluster routes, on the host's default cluster ({@link DefaultCluster})
 * and its {@code global.default_namespace}: {@code /api/servers…}, {@code /api/workspace-jobs},
 * {@code /api/admin/stop-all} (and aliases) and {@code /sse/logs} (now with live follow).
 */
public final class LegacyResources {

    private LegacyResources() {}

    static final WorkspaceService WORKSPACES = WorkspaceResource.WORKSPACES;

    /** {@code /api/servers}: list, get, delete, logs. */
    @Path("servers")
    @RequestScoped
    @Produces(MediaType.APPLICATION_JSON)
    public static class Servers {

        @Inject
        DefaultCluster cluster;

        @GET
        public JsonArray list() {
            ClusterInstance inst = cluster.get();
            return WORKSPACES.servers(DefaultCluster.ID, inst.client(), inst.settings().namespace());
        }

        @GET
        @Path("{id}")
        public JsonObject get(@PathParam("id") String id) {
            ClusterInstance inst = cluster.get();
            Workspace ws = WORKSPACES.require(inst.client(), inst.settings().namespace(), id);
            JsonObject detail = WORKSPACES.detail(inst.client(), ws);
            return Json.createObjectBuilder(WORKSPACES.server(DefaultCluster.ID, ws))
                    .add("events", detail.getJsonArray("events")).build();
        }

        @DELETE
        @Path("{id}")
        @Audited(action = "workspace.delete", entityType = "workspace", idParam = "id")
        public JsonObject delete(@PathParam("id") String id) {
            ClusterInstance inst = cluster.get();
            WORKSPACES.delete(inst.client(), inst.settings().namespace(), id);
            return Json.createObjectBuilder().add("deleted", id).build();
        }

        @GET
        @Path("{id}/logs")
        public JsonArray logs(@PathParam("id") String id, @QueryParam("level") String level, @QueryParam("limit") String limit) {
            int n = JsonInput.boundedInt(limit, 200, 1, 5000, "limit");
            ClusterInstance inst = cluster.get();
            Workspace ws = WORKSPACES.require(inst.client(), inst.settings().namespace(), id);
            WORKSPACES.authorize(inst.client(), inst.settings().namespace(), "readLogs", ws);
            String lvl = level == null || level.isBlank() ? "info" : level;
            JsonArrayBuilder a = Json.createArrayBuilder();
            WORKSPACES.logs(inst.client(), ws, n).forEach(l -> a.add(Json.createObjectBuilder(l).add("lvl", lvl)));
            return a.build();
        }
    }

    /** {@code POST /api/workspace-jobs}: the anchor's JobSpec launch on the default cluster. */
    @Path("workspace-jobs")
    @RequestScoped
    @Produces(MediaType.APPLICATION_JSON)
    public static class WorkspaceJobs {

        @Inject
        DefaultCluster cluster;

        @POST
        @Consumes(MediaType.APPLICATION_JSON)
        @Audited(action = "workspace.create", entityType = "workspace")
        public Response launch(String body) {
            ClusterInstance inst = cluster.get();
            Workspace ws = WORKSPACES.create(inst.client(), inst.settings().namespace(), JsonInput.object(body));
            return Response.status(202).entity(Json.createObjectBuilder().add("id", ws.getMetadata().getName()).add("status", "pending").build()).build();
        }
    }

    /** {@code POST /api/admin/stop-all}, {@code /api/stop-all} (with or without a trailing slash). */
    @Path("{route: admin/stop-all/?|stop-all/?}")
    @RequestScoped
    @Produces(MediaType.APPLICATION_JSON)
    public static class StopAll {

        @Inject
        DefaultCluster cluster;

        @POST
        @Audited(action = "workspace.stop_all", entityType = "cluster")
        public JsonObject stopAll(@PathParam("route") String route) {
            // route: which of the two legacy paths was used; declared so the OpenAPI document is valid
            ClusterInstance inst = cluster.get();
            return WORKSPACES.stopAll(inst.client(), inst.settings().namespace());
        }
    }

    /** Served at {@code /sse/logs?target=&tail=} (forwarded by {@link SseLogsServlet}): live logs of a default-cluster workspace. */
    @Path("legacy/sse-logs")
    @RequestScoped
    public static class SseLogs {

        @Inject
        DefaultCluster cluster;

        @Resource
        ManagedScheduledExecutorService executor;

        @GET
        @Produces(MediaType.SERVER_SENT_EVENTS)
        public void stream(@QueryParam("target") String target, @QueryParam("tail") String tail,
                           @Context SseEventSink sink, @Context Sse sse) {
            if (target == null || target.isBlank()) throw io.guildnet.api.ApiException.badRequest("missing_target", "target is required");
            int n = JsonInput.boundedInt(tail, 200, 0, 5000, "tail");
            ClusterInstance inst = cluster.get();
            Workspace ws = WORKSPACES.require(inst.client(), inst.settings().namespace(), target.trim());
            WORKSPACES.authorize(inst.client(), inst.settings().namespace(), "readLogs", ws);
            new LogStream(inst.client(), ws, sink, sse, executor, n).start(executor);
        }
    }
}
