package io.guildnet.batch;

import io.guildnet.api.ApiException;
import io.guildnet.batch.transfer.TransferFiles;
import io.guildnet.batch.transfer.TransferFormat;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.IOException;
import java.nio.file.Files;
import java.util.Map;
import java.util.Properties;

/**
 * {@code GET /api/batch/executions/{id}/file}: the file a finished rethink-export wrote, streamed;
 * {@code DELETE}: removes it (files are also removed after GUILDNET_BATCH_TRANSFER_RETENTION_HOURS).
 */
@Path("batch/executions/{id}/file")
@RequestScoped
public class TransferResource {

    @Inject
    BatchEnvironment env;

    @jakarta.ws.rs.core.Context
    jakarta.servlet.http.HttpServletRequest request;

    /**
     * The file holds table data read with the submitter's database permissions, so only the
     * submitter (restarts continue as that user) and host admins (the admin token, loopback
     * callers) may download it.
     */
    static boolean mayDownload(String caller, String submitter) {
        return io.guildnet.rethink.Caller.isHostAdmin(caller) || (caller != null && caller.equals(submitter));
    }

    /** The execution, 404 {@code no_file} unless it is a rethink-export's. */
    private JobExecution export(long eid) {
        JobExecution e = env.jobs().require(eid);
        if (!BatchJob.EXPORT.jobName().equals(e.getJobName())) {
            throw ApiException.notFound("no_file", "execution " + eid + " is a " + e.getJobName() + ", which writes no file");
        }
        return e;
    }

    /** The execution's parameters, 403 {@code forbidden} unless the caller may {@code verb} its file ({@link #mayDownload}). */
    private Properties ownParams(long eid, String verb) {
        Properties p = env.jobs().params(eid);
        String caller = io.guildnet.web.RequestInfo.of(request).principal();
        if (!mayDownload(caller, p.getProperty(BatchJob.SUBMITTED_BY))) {
            throw ApiException.forbidden("forbidden", caller + " may not " + verb + " the export of execution " + eid + " (only who submitted it, or an admin)");
        }
        return p;
    }

    @DELETE
    @io.guildnet.audit.Audited(action = "batch.file_delete", entityType = "batch_execution", idParam = "id")
    public jakarta.json.JsonObject delete(@PathParam("id") String id) throws IOException {
        long eid = JobService.parseId(id);
        export(eid);
        Properties p = ownParams(eid, "delete");
        TransferFormat f = TransferFormat.parse(p.getProperty("format", "ndjson"));
        java.nio.file.Path file = env.transferFiles().exportFile(env.jobs().instanceId(eid), f);
        if (!env.jobs().deleteInstanceFile(eid, file)) throw ApiException.notFound("no_file", "the file of execution " + eid + " was removed");
        return jakarta.json.Json.createObjectBuilder().add("deleted", true).add("executionId", eid).build();
    }

    @GET
    public Response file(@PathParam("id") String id) throws IOException {
        long eid = JobService.parseId(id);
        JobExecution e = export(eid);
        if (e.getBatchStatus() != BatchStatus.COMPLETED) {
            throw new ApiException(409, "not_ready", "execution " + eid + " is " + e.getBatchStatus() + ": its file is complete only when it COMPLETED",
                    Map.of("status", e.getBatchStatus().name()));
        }
        Properties p = ownParams(eid, "download");
        TransferFormat f = TransferFormat.parse(p.getProperty("format", "ndjson"));
        long instance = env.jobs().instanceId(eid);
        java.nio.file.Path file = env.transferFiles().exportFile(instance, f);
        if (!Files.isRegularFile(file)) throw ApiException.notFound("no_file", "the file of execution " + eid + " was removed");
        String name = p.getProperty("db", "db") + "-" + p.getProperty("table", "table") + "-" + instance + "." + f.extension();
        StreamingOutput body = out -> Files.copy(file, out);
        return Response.ok(body, TransferFiles.mediaType(f)).header("Content-Length", Files.size(file))
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"").build();
    }
}
