package io.guildnet.tailnet;

import io.guildnet.api.ApiException;
import io.guildnet.api.JsonInput;
import io.guildnet.audit.Audited;
import io.guildnet.cluster.ClusterIds;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Set;

/**
 * {@code /api/cluster/{id}/published-services}: workspaces published on the cluster's tailnet
 * (anchor paths and record shape {@code {cluster_id, service, addr, added_at}}, plus {@code port},
 * {@code status} and {@code error}); {@code POST} publishes explicitly.
 */
@Path("cluster/{id}/published-services")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class PublishedServicesResource {

    @Inject
    PublishService publish;

    @GET
    public JsonArray list(@PathParam("id") String id) {
        return publish.list(ClusterIds.normalize(id));
    }

    /** Body {@code {service, port?}} → 201 with the record. */
    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited(action = "tailnet.publish", entityType = "cluster", idParam = "id")
    public Response create(@PathParam("id") String id, String body) {
        JsonObject o = JsonInput.object(body);
        JsonInput.onlyFields(o, Set.of("service", "port"));
        String service = JsonInput.requiredString(o, "service");
        Integer port = null;
        if (o.containsKey("port") && !o.isNull("port")) {
            if (!(o.get("port") instanceof JsonNumber n) || !n.isIntegral() || n.bigDecimalValue().compareTo(java.math.BigDecimal.valueOf(65535)) > 0
                    || n.bigDecimalValue().signum() <= 0) {
                throw ApiException.badRequest("invalid_field", "port must be a whole number from 1 to 65535", java.util.Map.of("field", "port"));
            }
            port = n.intValue();
        }
        return Response.status(201).entity(publish.publish(ClusterIds.normalize(id), service, port)).build();
    }

    @DELETE
    @Path("{service}")
    @Audited(action = "tailnet.unpublish", entityType = "cluster", idParam = "id")
    public JsonObject delete(@PathParam("id") String id, @PathParam("service") String service) {
        publish.revoke(ClusterIds.normalize(id), service);
        return jakarta.json.Json.createObjectBuilder().add("deleted", service).build();
    }
}
