package io.guildnet.security;

import io.guildnet.api.ApiException;
import io.guildnet.api.JsonInput;
import io.guildnet.audit.Audited;
import io.guildnet.web.RequestInfo;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Optional;
import java.util.Set;

/**
 * Browser sessions: exchange an API token for an {@code HttpOnly; Secure;
 * SameSite=Strict} session cookie that authenticates the UI, SSE, WebSockets and
 * proxied iframes; log out; ask who you are.
 */
@Path("auth")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {

    @Inject
    Authenticator authenticator;

    @Inject
    Keyring keyring;

    @Context
    HttpServletRequest request;

    @POST
    @Path("login")
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited(action = "auth.login", entityType = "session")
    public Response login(String body) {
        Optional<String> header = Authenticator.presentedToken(request.getHeader("Authorization"), request.getHeader("X-API-Token"));
        String token;
        if (header.isPresent()) {
            token = header.get();
        } else {
            JsonObject o = JsonInput.object(body);
            JsonInput.onlyFields(o, Set.of("token"));
            token = JsonInput.requiredString(o, "token");
        }
        String principal = authenticator.principalForToken(token)
                .orElseThrow(() -> new ApiException(401, "unauthorized", "invalid API token"));
        request.setAttribute(RequestInfo.ACTOR_ATTR, principal);
        SessionCookies sessions = keyring.sessions();
        String cookie = SessionCookies.NAME + "=" + sessions.issue(principal) + "; Path=/; Max-Age=" + sessions.ttlSeconds()
                + "; HttpOnly; Secure; SameSite=Strict";
        return Response.ok(Json.createObjectBuilder().add("principal", principal)
                        .add("expires_in", sessions.ttlSeconds()).build())
                .header("Set-Cookie", cookie).header("Cache-Control", "no-store").build();
    }

    @POST
    @Path("logout")
    @Audited(action = "auth.logout", entityType = "session")
    public Response logout() {
        return Response.ok(Json.createObjectBuilder().add("ok", true).build())
                .header("Set-Cookie", SessionCookies.NAME + "=; Path=/; Max-Age=0; HttpOnly; Secure; SameSite=Strict").build();
    }

    @GET
    @Path("session")
    public JsonObject session() {
        RequestInfo ri = RequestInfo.of(request);
        return Json.createObjectBuilder().add("principal", ri.principal()).add("via", ri.via())
                .add("authenticated", !"none".equals(ri.via())).build();
    }
}
