package io.guildnet.batch;

import io.guildnet.api.ApiException;
import io.guildnet.api.JsonInput;
import io.guildnet.audit.Audited;
import io.guildnet.web.RequestInfo;
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
import java.util.Set;

/**
 * The anchor's job API on the batch jobs: {@code GET/POST /api/jobs}, {@code GET /api/jobs/{id}},
 * {@code POST /api/jobs/{id}?action=cancel} (really stops the execution) and
 * {@code GET /api/jobs-logs/{id}} (NDJSON LogEvents).
 */
@Path("jobs")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class LegacyJobsResource {

    @Inject
    BatchEnvironment env;

    @Context
    HttpServletRequest request;

    @GET
    public JsonValue list() {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (JsonObject e : env.jobs().executions(null, null, 200)) a.add(record(e));
        return a.build();
    }

    private JsonObject record(JsonObject e) {
        long id = e.getJsonNumber("executionId").longValue();
        return LegacyJobs.record(e, env.logs().report(id).orElse(null));
    }

    /** {@code {kind, spec}} → 202 {@code {jobId}}. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited(action = "job.submit", entityType = "job")
    public Response submit(String body) {
        JsonObject o = JsonInput.object(body);
        JsonInput.onlyFields(o, Set.of("kind", "spec"));
        String kind = JsonInput.string(o, "kind");
        String job = LegacyJobs.jobFor(kind);
        JsonValue spec = o.get("spec");
        if (spec != null && spec.getValueType() != JsonValue.ValueType.OBJECT && spec.getValueType() != JsonValue.ValueType.NULL) {
            throw ApiException.badRequest("invalid_field", "spec must be an object", java.util.Map.of("field", "spec"));
        }
        long id = env.jobs().submit(job, LegacyJobs.params(spec instanceof JsonObject so ? so : null), RequestInfo.of(request).principal(), kind.trim());
        return Response.status(202).entity(Json.createObjectBuilder().add("jobId", Long.toString(id)).build()).build();
    }

    @GET
    @Path("{id}")
    public JsonObject get(@PathParam("id") String id) {
        return record(env.jobs().execution(JobService.parseId(id)));
    }

    @POST
    @Path("{id}")
    @Audited(action = "job.action", entityType = "job", idParam = "id")
    public JsonObject action(@PathParam("id") String id, @QueryParam("action") String action) {
        if (!"cancel".equals(action)) throw ApiException.badRequest("unsupported_action", "the only action is ?action=cancel");
        env.jobs().stop(JobService.parseId(id), RequestInfo.of(request).principal());
        return Json.createObjectBuilder().add("ok", true).build();
    }

    /** {@code GET /api/jobs-logs/{id}}: the execution's log as NDJSON LogEvents. */
    @Path("jobs-logs")
    @RequestScoped
    public static class JobsLogs {

        @Inject
        BatchEnvironment env;

        @GET
        @Path("{id}")
        @Produces("application/x-ndjson")
        public Response logs(@PathParam("id") String id) {
            long eid = JobService.parseId(id);
            env.jobs().require(eid);
            return Response.ok(env.logs().raw(eid), "application/x-ndjson").build();
        }
    }
}
