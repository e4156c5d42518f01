package io.guildnet.cluster;

import io.guildnet.api.ApiException;
import io.guildnet.api.JsonInput;
import io.guildnet.audit.Audited;
import io.guildnet.settings.SettingsService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.EntityPart;
import jakarta.ws.rs.core.MediaType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * {@code POST /api/bootstrap} (also {@code /bootstrap}): join a cluster from a JSON body
 * ({@code {tailscale?, cluster?}} or a whole {@code guildnet.config}) or from a multipart
 * upload of the file (field {@code file}). Success: {@code {"clusterId"}}; pre-warm
 * failure: 422 with everything rolled back.
 */
@Path("bootstrap")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class BootstrapResource {

    @Inject
    ClusterService clusters;

    @Inject
    SettingsService settings;

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited(action = "cluster.bootstrap", entityType = "cluster")
    public JsonObject bootstrapJson(String body) {
        return run(JsonInput.object(body));
    }

    @POST
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Audited(action = "cluster.bootstrap", entityType = "cluster")
    public JsonObject bootstrapUpload(List<EntityPart> parts) throws IOException {
        for (EntityPart p : parts) {
            if ("file".equals(p.getName())) {
                try (InputStream in = p.getContent()) {
                    return run(JsonInput.object(new String(in.readAllBytes(), StandardCharsets.UTF_8)));
                }
            }
        }
        throw ApiException.badRequest("missing_file", "upload the join file as multipart field 'file'");
    }

    private JsonObject run(JsonObject body) {
        ClusterService.Bootstrap b = clusters.bootstrap(body, ts -> settings.update("tailscale", ts));
        return b.clusterId().map(id -> Json.createObjectBuilder().add("clusterId", id).build())
                .orElse(Json.createObjectBuilder().add("ok", true).build());
    }
}
