package io.guildnet.sdk;

import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.rest.client.ext.ResponseExceptionMapper;

/**
 * Maps the Host App's error answers ({@code {code, message, request_id, details?}}, status ≥ 400) to
 * the SDK's typed exceptions for the MicroProfile Rest Client interfaces in {@code io.guildnet.sdk.rest}:
 * the same {@link NotFoundException}, {@link UnauthorizedException}, … that {@link GuildNetClient} throws.
 */
public final class GuildNetErrorMapper implements ResponseExceptionMapper<GuildNetException> {

    @Override
    public GuildNetException toThrowable(Response response) {
        String text;
        try {
            response.bufferEntity();
            text = response.hasEntity() ? response.readEntity(String.class) : "";
        } catch (RuntimeException e) {
            text = "";
        }
        return GuildNetException.fromBody(response.getStatus(), text == null ? "" : text, response.getHeaderString("X-Request-Id"));
    }

    @Override
    public boolean handles(int status, MultivaluedMap<String, Object> headers) {
        return status >= 400;
    }
}
