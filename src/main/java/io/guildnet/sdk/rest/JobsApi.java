package io.guildnet.sdk.rest;

import io.guildnet.sdk.GuildNetErrorMapper;
import jakarta.json.Json;
import jakarta.json.JsonArray;
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
import java.util.Map;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** Jakarta Batch jobs: {@code /api/batch/…}. Following a running job live is in {@link io.guildnet.sdk.Jobs#follow}. */
@RegisterRestClient(configKey = "guildnet")
@RegisterProvider(GuildNetErrorMapper.class)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface JobsApi extends AutoCloseable {

    /** {@code {jobs:[{job, steps, params}]}}. */
    @GET
    @Path("/api/batch/jobs")
    JsonObject available();

    /** Body {@code {job, params:{…}}}: {@code {executionId, job, status}}. */
    @POST
    @Path("/api/batch/jobs")
    JsonObject submit(JsonObject body);

    default long submit(String job, Map<String, String> params) {
        var p = Json.createObjectBuilder();
        params.forEach(p::add);
        return submit(Json.createObjectBuilder().add("job", job).add("params", p).build()).getJsonNumber("executionId").longValue();
    }

    @GET
    @Path("/api/batch/executions")
    JsonArray executions(@QueryParam("cluster") String cluster, @QueryParam("job") String job, @QueryParam("limit") Integer limit);

    @GET
    @Path("/api/batch/executions/{id}")
    JsonObject status(@PathParam("id") long id);

    /** The execution's log as NDJSON text, one {@code {t, level, msg, …}} per line. */
    @GET
    @Path("/api/batch/executions/{id}/logs")
    @Produces("application/x-ndjson")
    String logs(@PathParam("id") long id);

    @GET
    @Path("/api/batch/executions/{id}/report")
    JsonObject report(@PathParam("id") long id);

    @POST
    @Path("/api/batch/executions/{id}/stop")
    JsonObject stop(@PathParam("id") long id);

    /** The file of a completed rethink-export as text (large files: {@link io.guildnet.sdk.Jobs#downloadFile}). */
    @GET
    @Path("/api/batch/executions/{id}/file")
    @Produces({"application/x-ndjson", MediaType.APPLICATION_JSON, "text/csv"})
    String file(@PathParam("id") long id);

    /** Deletes the file of a rethink-export: {@code {deleted, executionId}}. */
    @DELETE
    @Path("/api/batch/executions/{id}/file")
    JsonObject deleteFile(@PathParam("id") long id);

    /** Restarts a failed or stopped execution: {@code {executionId, restartOf}}. */
    @POST
    @Path("/api/batch/executions/{id}/restart")
    JsonObject restart(@PathParam("id") long id);
}
