package io.guildnet.batch;

import io.guildnet.api.ApiException;
import io.guildnet.api.JsonInput;
import io.guildnet.audit.Audited;
import io.guildnet.web.RequestInfo;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
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
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * {@code /api/batch}: submit jobs (guildnet-setup, guildnet-verify, guildnet-diagnose), list and
 * inspect executions, read their logs (NDJSON) and reports, follow them live (SSE), stop and
 * restart them.
 */
@Path("batch")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class BatchResource {

    static final Duration HEARTBEAT = Duration.ofSeconds(15);

    @Inject
    BatchEnvironment env;

    @Context
    HttpServletRequest request;

    @Resource
    ManagedExecutorService executor;

    String actor() { return RequestInfo.of(request).principal(); }

    /** {@code {job, params?}} → 202 {@code {executionId}}. */
    @POST
    @Path("jobs")
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited(action = "batch.submit", entityType = "batch_job")
    public Response submit(String body) {
        JsonObject o = JsonInput.object(body);
        JsonInput.onlyFields(o, Set.of("job", "params"));
        JsonValue params = o.get("params");
        if (params != null && params.getValueType() != JsonValue.ValueType.OBJECT && params.getValueType() != JsonValue.ValueType.NULL) {
            throw ApiException.badRequest("invalid_field", "params must be an object", java.util.Map.of("field", "params"));
        }
        long id = env.jobs().submit(JsonInput.string(o, "job"),
                params instanceof JsonObject po ? po : JsonValue.EMPTY_JSON_OBJECT, actor(), null);
        return Response.status(202).entity(Json.createObjectBuilder().add("executionId", id).build()).build();
    }

    @GET
    @Path("jobs")
    public JsonObject jobs() {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (BatchJob j : BatchJob.values()) {
            var params = Json.createObjectBuilder().add(BatchJob.CLUSTER, "string (cluster id; default host-default)");
            j.params().forEach((k, p) -> params.add(k, p.describe()));
            a.add(Json.createObjectBuilder().add("job", j.jobName()).add("steps", Json.createArrayBuilder(j.steps())).add("params", params));
        }
        return Json.createObjectBuilder().add("jobs", a).build();
    }

    @GET
    @Path("executions")
    public JsonValue executions(@QueryParam("cluster") String cluster, @QueryParam("job") String job, @QueryParam("limit") String limit) {
        int n = JsonInput.boundedInt(limit, 100, 1, 1000, "limit");
        JsonArrayBuilder a = Json.createArrayBuilder();
        env.jobs().executions(blank(cluster) == null ? null : clusterId(cluster.trim()), blank(job), n).forEach(a::add);
        return a.build();
    }

    @GET
    @Path("executions/{id}")
    public JsonObject execution(@PathParam("id") String id) {
        return env.jobs().execution(JobService.parseId(id));
    }

    @GET
    @Path("executions/{id}/logs")
    @Produces("application/x-ndjson")
    public Response logs(@PathParam("id") String id) {
        long eid = JobService.parseId(id);
        env.jobs().require(eid);
        return Response.ok(env.logs().raw(eid), "application/x-ndjson").build();
    }

    /** The report; {@code ?download=1} adds a Content-Disposition so browsers save it. */
    @GET
    @Path("executions/{id}/report")
    public Response report(@PathParam("id") String id, @QueryParam("download") String download) {
        long eid = JobService.parseId(id);
        Response.ResponseBuilder r = Response.ok(env.jobs().report(eid), MediaType.APPLICATION_JSON);
        if (download != null && !download.equals("0") && !download.equalsIgnoreCase("false")) {
            r.header("Content-Disposition", "attachment; filename=\"report-" + eid + ".json\"");
        }
        return r.build();
    }

    @POST
    @Path("executions/{id}/stop")
    @Audited(action = "batch.stop", entityType = "batch_execution", idParam = "id")
    public JsonObject stop(@PathParam("id") String id) {
        long eid = JobService.parseId(id);
        env.jobs().stop(eid, actor());
        return Json.createObjectBuilder().add("ok", true).add("executionId", eid).build();
    }

    @POST
    @Path("executions/{id}/restart")
    @Audited(action = "batch.restart", entityType = "batch_execution", idParam = "id")
    public Response restart(@PathParam("id") String id) {
        long next = env.jobs().restart(JobService.parseId(id), actor());
        return Response.status(202).entity(Json.createObjectBuilder().add("executionId", next).add("restartOf", Long.parseLong(id.trim())).build()).build();
    }

    /**
     * SSE: the log so far, then live {@code log} and {@code progress} events, then {@code end}
     * ({@code {status, exitStatus}}) when the execution finishes; {@code : ping} when idle.
     */
    @GET
    @Path("executions/{id}/events")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    public void events(@PathParam("id") String id, @Context SseEventSink sink, @Context Sse sse) {
        long eid = JobService.parseId(id);
        env.jobs().require(eid);
        EventPump pump = new EventPump(env.logs(), eid, () -> env.jobs().terminal(eid), () -> endInfo(eid), new EventPump.Sender() {
            @Override public boolean send(ExecutionLogs.Event e) {
                return deliver(sink, sse.newEventBuilder().name(e.type()).mediaType(MediaType.APPLICATION_JSON_TYPE).data(e.data().toString()).build());
            }

            @Override public boolean ping() { return deliver(sink, sse.newEventBuilder().comment("ping").build()); }

            @Override public void close() {
                try {
                    sink.close();
                } catch (RuntimeException ignored) {
                    // already closed by the client
                }
            }
        }, HEARTBEAT);
        pump.start(executor);
    }

    JsonObject endInfo(long id) {
        JsonObject e = env.jobs().execution(id);
        return Json.createObjectBuilder().add("status", e.getString("status")).add("exitStatus", e.getString("exitStatus", e.getString("status"))).build();
    }

    static boolean deliver(SseEventSink sink, jakarta.ws.rs.sse.OutboundSseEvent e) {
        if (sink.isClosed()) return false;
        try {
            sink.send(e).toCompletableFuture().get(10, TimeUnit.SECONDS);
            return true;
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception ex) {
            return false;
        }
    }

    private static String clusterId(String raw) {
        return io.guildnet.cluster.DefaultCluster.ID.equals(raw) ? raw : io.guildnet.cluster.ClusterIds.normalize(raw);
    }

    private static String blank(String s) { return s == null || s.isBlank() ? null : s.trim(); }
}
