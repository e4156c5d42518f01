package io.guildnet.batch;

import io.guildnet.audit.Audited;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/**
 * {@code POST /api/batch/uploads?format=json|ndjson|csv}: the body (any content type) is
 * streamed to {@code $GUILDNET_HOME/state/exports/import-<uuid>.<ext>} up to
 * {@code guildnet.batch.transfer.upload.max.bytes}; 201 {@code {file, bytes, format}}, where
 * {@code file} is the rethink-import job's {@code file} parameter.
 */
@jakarta.ws.rs.Path("batch/uploads")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class UploadResource {

    @Inject
    BatchEnvironment env;

    /** The request filter's general body limit does not apply here: this resource enforces its own while streaming. */
    public static boolean handles(String path) {
        return "/api/batch/uploads".equals(path) || "/api/batch/uploads/".equals(path);
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Audited(action = "batch.upload", entityType = "batch_upload")
    public Response upload(InputStream body, @QueryParam("format") String format, @HeaderParam("Content-Length") String length) throws IOException {
        long declared = -1;
        try {
            if (length != null) declared = Long.parseLong(length.trim());
        } catch (NumberFormatException ignored) {
            // the stream is counted anyway
        }
        String name = env.transferFiles().upload(body, format, declared);
        java.nio.file.Path f = env.transferFiles().importFile(name);
        return Response.status(201).entity(Json.createObjectBuilder().add("file", name).add("bytes", java.nio.file.Files.size(f))
                .add("format", io.guildnet.batch.transfer.TransferFiles.formatOf(name).extension()).build()).build();
    }
}
