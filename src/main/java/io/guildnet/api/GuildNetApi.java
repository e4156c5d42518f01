package io.guildnet.api;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;
import org.eclipse.microprofile.openapi.annotations.OpenAPIDefinition;
import org.eclipse.microprofile.openapi.annotations.info.Info;

/** The JSON API under {@code /api}; its OpenAPI document is served at {@code /openapi}. */
@ApplicationPath("/api")
@OpenAPIDefinition(info = @Info(title = "GuildNet Host App API", version = "v1",
        description = "Clusters, workspaces, proxy, databases, jobs and settings of a GuildNet Host App."))
public class GuildNetApi extends Application {
}
