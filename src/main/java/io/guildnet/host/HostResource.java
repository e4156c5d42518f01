package io.guildnet.host;

import io.guildnet.config.GuildNetConfig;
import io.guildnet.metrics.HttpStats;
import io.guildnet.metrics.OpsCounters;
import io.guildnet.settings.SettingsService;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import java.time.Instant;

/** Host-level read endpoints: UI config, image presets and defaults, metrics snapshot. */
@Path("/")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class HostResource {

    @Inject
    GuildNetConfig config;

    @Inject
    SettingsService settings;

    @Inject
    OpsCounters ops;

    @Inject
    HttpStats http;

    @GET
    @Path("ui-config")
    public JsonObject uiConfig() {
        return Json.createObjectBuilder()
                .add("name", config.name())
                .add("version", Version.VERSION)
                .add("auth_mode", settings.authMode().wire())
                .add("listen_local", config.listen().authority())
                .build();
    }

    @GET
    @Path("images")
    @APIResponse(responseCode = "200", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = Object.class)))
    public JsonArray images() {
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (ImageCatalog.Preset p : ImageCatalog.PRESETS) {
            a.add(Json.createObjectBuilder().add("label", p.label()).add("image", p.image()).add("description", p.description()));
        }
        return a.build();
    }

    @GET
    @Path("image-defaults")
    public JsonObject imageDefaults(@QueryParam("image") String image) {
        JsonObjectBuilder b = Json.createObjectBuilder();
        ImageCatalog.defaultsFor(image).ifPresent(d -> {
            JsonArrayBuilder ports = Json.createArrayBuilder();
            d.ports().forEach(p -> ports.add(Json.createObjectBuilder().add("port", p.port()).add("name", p.name())));
            JsonObjectBuilder env = Json.createObjectBuilder();
            d.env().forEach(env::add);
            b.add("ports", ports).add("env", env);
        });
        return b.build();
    }

    @GET
    @Path("metrics")
    public JsonObject metrics() {
        JsonObjectBuilder o = Json.createObjectBuilder();
        ops.ops().forEach(o::add);
        JsonObjectBuilder h = Json.createObjectBuilder();
        http.snapshot().forEach(h::add);
        return Json.createObjectBuilder().add("snapshot", Json.createObjectBuilder()
                .add("ts", Instant.now().toString())
                .add("ops", o)
                .add("changefeeds", ops.changefeeds())
                .add("http", h)).build();
    }
}
