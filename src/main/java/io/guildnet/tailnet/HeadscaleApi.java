package io.guildnet.tailnet;

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
import jakarta.ws.rs.core.Response;

/**
 * MicroProfile Rest Client interface for the parts of Headscale's REST API the Host App uses
 * (Headscale 0.23–0.25, and 0.26+ for routes, grpc-gateway JSON). Built per Headscale record by {@link HeadscaleClient}
 * with {@code RestClientBuilder} (base URI, timeouts, a Bearer-token filter); not a CDI bean.
 * Non-2xx answers surface as {@code WebApplicationException}, transport failures as {@code ProcessingException}.
 */
@Produces(MediaType.APPLICATION_JSON)
public interface HeadscaleApi extends AutoCloseable {

    /** {@code GET /health} (no auth needed; Headscale checks its database). */
    @GET
    @Path("health")
    Response health();

    @GET
    @Path("api/v1/user")
    JsonObject listUsers();

    @POST
    @Path("api/v1/user")
    @Consumes(MediaType.APPLICATION_JSON)
    JsonObject createUser(JsonObject body);

    @DELETE
    @Path("api/v1/user/{name}")
    void deleteUser(@PathParam("name") String name);

    @POST
    @Path("api/v1/preauthkey")
    @Consumes(MediaType.APPLICATION_JSON)
    JsonObject createPreAuthKey(JsonObject body);

    @POST
    @Path("api/v1/preauthkey/expire")
    @Consumes(MediaType.APPLICATION_JSON)
    void expirePreAuthKey(JsonObject body);

    /** {@code user} null lists every node. */
    @GET
    @Path("api/v1/node")
    JsonObject listNodes(@QueryParam("user") String user);

    @GET
    @Path("api/v1/routes")
    JsonObject listRoutes();

    @POST
    @Path("api/v1/routes/{id}/enable")
    void enableRoute(@PathParam("id") String id);

    @POST
    @Path("api/v1/routes/{id}/disable")
    void disableRoute(@PathParam("id") String id);

    /**
     * Headscale 0.26+: routes live on nodes ({@code availableRoutes}, {@code approvedRoutes}) and
     * are approved by setting a node's whole approved list; {@code /api/v1/routes} answers 404.
     */
    @POST
    @Path("api/v1/node/{nodeId}/approve_routes")
    @Consumes(MediaType.APPLICATION_JSON)
    JsonObject approveRoutes(@PathParam("nodeId") String nodeId, JsonObject body);

    @Override
    void close();
}
