package io.guildnet.rethink;

import io.guildnet.api.ApiException;
import io.guildnet.api.JsonInput;
import io.guildnet.web.RequestInfo;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.io.StringReader;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * {@code /api/cluster/{cid}/db}: the per-cluster database API (docs/api.md#databases). Thin: it
 * resolves the caller and the cluster's {@link ClusterDatabase} and calls one service method.
 */
@Path("cluster/{cid}/db")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class DbResource {

    @Inject
    RethinkModule module;

    @Context
    HttpServletRequest request;

    @PathParam("cid")
    String cid;

    @HeaderParam("X-Debug-Principal")
    String debugPrincipal;

    ClusterDatabase cluster() { return module.forCluster(cid); }

    DatabaseService svc() { return cluster().service(); }

    Caller caller() {
        RequestInfo ri = RequestInfo.of(request);
        if (module.config().debugPrincipal() && debugPrincipal != null && !debugPrincipal.isBlank()) {
            String p = debugPrincipal.trim();
            return new Caller(p, Caller.isHostAdmin(p), ri.requestId());
        }
        return new Caller(ri.principal(), Caller.isHostAdmin(ri.principal()), ri.requestId());
    }

    static JsonValue body(String body) {
        if (body == null || body.isBlank()) throw ApiException.badRequest("empty_body", "request body is empty");
        try (var r = Json.createReader(new StringReader(body))) {
            return r.readValue();
        } catch (RuntimeException e) {
            throw ApiException.badRequest("bad_json", "request body is not valid JSON");
        }
    }

    // ---- cluster level ----------------------------------------------------------------------------

    @GET
    public JsonArray list() { return svc().listDatabases(caller()); }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    public Response create(String body) {
        return Response.status(201).entity(svc().createDatabase(caller(), JsonInput.object(body))).build();
    }

    /** This cluster's database link: {@code {"status":"ok"|"unavailable","addr","via",...}} (always 200). */
    @GET
    @Path("health")
    public JsonObject health() {
        ClusterDatabase cd = cluster();
        return Json.createObjectBuilder(cd.link().health()).add("backend", cd.backendKind())
                .add("changefeeds", cd.hub().feedCount()).add("subscribers", cd.hub().subscriberCount()).build();
    }

    // ---- databases ----------------------------------------------------------------------------------

    @GET
    @Path("{db}")
    public JsonObject get(@PathParam("db") String db) { return svc().getDatabase(caller(), db); }

    @PATCH
    @Path("{db}")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject update(@PathParam("db") String db, String body) { return svc().updateDatabase(caller(), db, JsonInput.object(body)); }

    @DELETE
    @Path("{db}")
    public JsonObject delete(@PathParam("db") String db) { return svc().deleteDatabase(caller(), db); }

    // ---- tables ---------------------------------------------------------------------------------------

    @GET
    @Path("{db}/tables")
    public JsonArray tables(@PathParam("db") String db) { return svc().listTables(caller(), db); }

    @POST
    @Path("{db}/tables")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createTable(@PathParam("db") String db, String body) {
        return Response.status(201).entity(svc().createTable(caller(), db, JsonInput.object(body))).build();
    }

    @GET
    @Path("{db}/tables/{t}")
    public JsonObject table(@PathParam("db") String db, @PathParam("t") String t) { return svc().getTable(caller(), db, t); }

    @PATCH
    @Path("{db}/tables/{t}")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject updateSchema(@PathParam("db") String db, @PathParam("t") String t, String body) {
        return svc().updateSchema(caller(), db, t, JsonInput.object(body));
    }

    @DELETE
    @Path("{db}/tables/{t}")
    public JsonObject deleteTable(@PathParam("db") String db, @PathParam("t") String t) { return svc().deleteTable(caller(), db, t); }

    // ---- rows -------------------------------------------------------------------------------------------

    @GET
    @Path("{db}/tables/{t}/rows")
    public JsonObject rows(@PathParam("db") String db, @PathParam("t") String t, @QueryParam("limit") String limit,
                           @QueryParam("cursor") String cursor) {
        return svc().rows(caller(), db, t, JsonInput.boundedInt(limit, DatabaseService.DEFAULT_PAGE, 1, DatabaseService.MAX_PAGE, "limit"), cursor);
    }

    @POST
    @Path("{db}/tables/{t}/rows")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response insert(@PathParam("db") String db, @PathParam("t") String t, String body) {
        return Response.status(201).entity(svc().insert(caller(), db, t, body(body))).build();
    }

    @GET
    @Path("{db}/tables/{t}/rows/{rowId}")
    public JsonObject row(@PathParam("db") String db, @PathParam("t") String t, @PathParam("rowId") String rowId) {
        return svc().getRow(caller(), db, t, rowId);
    }

    @PATCH
    @Path("{db}/tables/{t}/rows/{rowId}")
    @Consumes(MediaType.APPLICATION_JSON)
    public JsonObject patchRow(@PathParam("db") String db, @PathParam("t") String t, @PathParam("rowId") String rowId, String body) {
        return svc().patchRow(caller(), db, t, rowId, JsonInput.object(body));
    }

    @DELETE
    @Path("{db}/tables/{t}/rows/{rowId}")
    public JsonObject deleteRow(@PathParam("db") String db, @PathParam("t") String t, @PathParam("rowId") String rowId) {
        return svc().deleteRow(caller(), db, t, rowId);
    }

    // ---- views -------------------------------------------------------------------------------------------

    @GET
    @Path("{db}/tables/{t}/views")
    public JsonArray views(@PathParam("db") String db, @PathParam("t") String t) { return svc().listViews(caller(), db, t); }

    @POST
    @Path("{db}/tables/{t}/views")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response createView(@PathParam("db") String db, @PathParam("t") String t, String body) {
        return Response.status(201).entity(svc().createView(caller(), db, t, JsonInput.object(body))).build();
    }

    @GET
    @Path("{db}/tables/{t}/views/{name}/rows")
    public JsonObject runView(@PathParam("db") String db, @PathParam("t") String t, @PathParam("name") String name,
                              @QueryParam("limit") String limit, @QueryParam("cursor") String cursor) {
        return svc().runView(caller(), db, t, name, JsonInput.boundedInt(limit, DatabaseService.DEFAULT_PAGE, 1, DatabaseService.MAX_PAGE, "limit"), cursor);
    }

    @DELETE
    @Path("{db}/tables/{t}/views/{name}")
    public JsonObject deleteView(@PathParam("db") String db, @PathParam("t") String t, @PathParam("name") String name) {
        return svc().deleteView(caller(), db, t, name);
    }

    // ---- import / export -------------------------------------------------------------------------------------

    @POST
    @Path("{db}/tables/{t}/import")
    @Consumes(MediaType.WILDCARD)
    public JsonObject importRows(@PathParam("db") String db, @PathParam("t") String t, @QueryParam("dry_run") String dryRun,
                                 @QueryParam("format") String format, @HeaderParam("Content-Type") String contentType, String body) {
        boolean dry = dryRun != null && (dryRun.equals("1") || dryRun.equalsIgnoreCase("true"));
        return cluster().transfer().importRows(caller(), db, t, contentType, format, body, dry);
    }

    @GET
    @Path("{db}/tables/{t}/export")
    @Produces({MediaType.APPLICATION_JSON, "text/csv", "application/x-ndjson"})
    public Response export(@PathParam("db") String db, @PathParam("t") String t, @QueryParam("format") String format,
                           @QueryParam("limit") String limit) {
        long n = limit == null ? Long.MAX_VALUE : JsonInput.boundedInt(limit, 1, 1, Integer.MAX_VALUE, "limit");
        DataTransfer.Export ex = cluster().transfer().export(caller(), db, t, format, n);
        StreamingOutput out = ex::write;
        return Response.ok(out, DataTransfer.mediaType(ex.format()))
                .header("Content-Disposition", "attachment; filename=\"" + t + "." + ex.format() + "\"").build();
    }

    // ---- audit and permissions -------------------------------------------------------------------------------

    @GET
    @Path("{db}/audit")
    public JsonArray audit(@PathParam("db") String db, @QueryParam("table") String table, @QueryParam("limit") String limit,
                           @QueryParam("since") String since) {
        return svc().audit(caller(), db, table, JsonInput.boundedInt(limit, 200, 1, DatabaseService.MAX_PAGE, "limit"), since);
    }

    @GET
    @Path("{db}/permissions")
    public JsonArray permissions(@PathParam("db") String db) { return svc().permissions(caller(), db); }

    @POST
    @Path("{db}/permissions")
    @Consumes(MediaType.APPLICATION_JSON)
    public Response grant(@PathParam("db") String db, String body) {
        return Response.status(201).entity(svc().grant(caller(), db, JsonInput.object(body))).build();
    }

    @DELETE
    @Path("{db}/permissions")
    public JsonObject revoke(@PathParam("db") String db, @QueryParam("scope") String scope, @QueryParam("principal") String principal) {
        return svc().revoke(caller(), db, scope, principal);
    }

    // ---- live changes -----------------------------------------------------------------------------------------

    /**
     * Server-sent events of a table (also at {@code /sse/cluster/{cid}/db/{db}/tables/{t}/changes}):
     * {@code init}, the current rows, then {@code insert}/{@code update}/{@code delete}; see docs/api.md.
     */
    @GET
    @Path("{db}/tables/{t}/changes")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void changes(@PathParam("db") String db, @PathParam("t") String t, @QueryParam("pause") String pause,
                        @HeaderParam("Last-Event-ID") String lastEventId, @QueryParam("last_event_id") String lastEventParam,
                        @Context SseEventSink sink, @Context Sse sse) {
        ClusterDatabase cd = cluster();
        Caller c = caller();
        DatabaseService s = cd.service();
        s.getTable(c, db, t);
        Role role = s.require(c, db, t, "row.read");
        Set<String> masked = role.masked() ? DatabaseService.maskedColumns(s.columns(s.be(), db, t)) : Set.of();
        boolean paused = pause != null && (pause.equals("1") || pause.equalsIgnoreCase("true"));
        cd.hub().subscribe(s.phys(db), t, new SseFrames(sink, sse), masked, paused, lastEventId != null ? lastEventId : lastEventParam);
    }

    /** Frames onto a JAX-RS SSE sink. */
    record SseFrames(SseEventSink sink, Sse sse) implements ChangefeedHub.FrameSink {
        @Override
        public CompletionStage<?> send(ChangefeedHub.Frame f) {
            if (sink.isClosed()) return CompletableFuture.failedFuture(new IllegalStateException("closed"));
            var b = sse.newEventBuilder();
            if (f.comment()) return sink.send(b.comment(f.data()).build());
            if (f.id() != null) b.id(f.id());
            return sink.send(b.data(f.data()).build());
        }

        @Override
        public boolean isClosed() { return sink.isClosed(); }

        @Override
        public void close() {
            try {
                sink.close();
            } catch (RuntimeException ignored) {
                // already closed
            }
        }
    }
}
