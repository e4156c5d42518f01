package io.guildnet.sdk.rest;

import io.guildnet.sdk.GuildNetErrorMapper;
import jakarta.json.JsonObject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** The Host App itself: health of every cluster, UI configuration, who the caller is. */
@RegisterRestClient(configKey = "guildnet")
@RegisterProvider(GuildNetErrorMapper.class)
@Produces(MediaType.APPLICATION_JSON)
public interface HostApi extends AutoCloseable {

    /** {@code {headscale:[{id, name, status, code?, error?}], clusters:[{id, name, status, code?, error?, note?, checkedAt?, tsnet?}]}} (cached). */
    @GET
    @Path("/api/health")
    JsonObject health();

    @GET
    @Path("/api/ui-config")
    JsonObject info();

    /** {@code {principal, role, …}}: {@code local} for a loopback caller without a token. */
    @GET
    @Path("/api/auth/session")
    JsonObject session();
}
