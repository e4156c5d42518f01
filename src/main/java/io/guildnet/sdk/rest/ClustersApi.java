package io.guildnet.sdk.rest;

import io.guildnet.sdk.Clusters;
import io.guildnet.sdk.GuildNetErrorMapper;
import io.guildnet.store.ClusterRecord;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** Clusters: {@code /api/deploy/clusters}, {@code /api/cluster/{id}/…}, {@code /api/settings/cluster/{id}}. */
@RegisterRestClient(configKey = "guildnet")
@RegisterProvider(GuildNetErrorMapper.class)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface ClustersApi extends AutoCloseable {

    @GET
    @Path("/api/deploy/clusters")
    JsonArray listJson();

    /** The registered clusters as the server's own records. */
    default List<ClusterRecord> list() {
        return listJson().getValuesAs(JsonObject.class).stream().map(Clusters::record).toList();
    }

    @GET
    @Path("/api/deploy/clusters/{id}")
    JsonObject getJson(@PathParam("id") String id);

    /** @throws io.guildnet.sdk.NotFoundException {@code unknown_cluster} */
    default ClusterRecord get(String id) {
        return Clusters.record(getJson(id));
    }

    /** Registers a cluster: body {@code {"name": …}} (or {@code {}} for a generated name). */
    @POST
    @Path("/api/deploy/clusters")
    JsonObject createJson(JsonObject body);

    default ClusterRecord create(String name) {
        return Clusters.record(createJson(name == null ? JsonValue.EMPTY_JSON_OBJECT : Json.createObjectBuilder().add("name", name).build()));
    }

    @DELETE
    @Path("/api/deploy/clusters/{id}")
    JsonObject delete(@PathParam("id") String id);

    /** {@code POST /api/deploy/clusters/{id}?action=…}: attach-kubeconfig, health, … */
    @POST
    @Path("/api/deploy/clusters/{id}")
    JsonObject action(@PathParam("id") String id, @QueryParam("action") String action, JsonObject body);

    /** Attaches a kubeconfig (YAML): {@code {"ok":true,"health":{…}}}. */
    default JsonObject attachKubeconfig(String id, String kubeconfigYaml) {
        return action(id, "attach-kubeconfig", Json.createObjectBuilder().add("kubeconfig", kubeconfigYaml).build());
    }

    /** Checks the cluster now: {@code {status: ok|error|unknown, code?, error?, note?}}. */
    default JsonObject health(String id) {
        return action(id, "health", JsonValue.EMPTY_JSON_OBJECT);
    }

    /** ClusterStatus of {@code /api/cluster/{id}/status}. */
    @GET
    @Path("/api/cluster/{id}/status")
    JsonObject status(@PathParam("id") String id);

    /** The Kubernetes and database link of the cluster: {@code {k8s:{ok,error?}, rdb:{ok,addr?,error?}}}. */
    @GET
    @Path("/api/cluster/{id}/health")
    JsonObject parts(@PathParam("id") String id);

    /** Workspaces published on the cluster's tailnet. */
    @GET
    @Path("/api/cluster/{id}/published-services")
    JsonArray published(@PathParam("id") String id);

    /** Body {@code {service, port?}}: publishes a workspace on the cluster's tailnet. */
    @POST
    @Path("/api/cluster/{id}/published-services")
    JsonObject publish(@PathParam("id") String id, JsonObject body);

    @DELETE
    @Path("/api/cluster/{id}/published-services/{service}")
    JsonObject unpublish(@PathParam("id") String id, @PathParam("service") String service);

    /** The cluster's settings, secrets redacted by the server. */
    @GET
    @Path("/api/settings/cluster/{id}")
    JsonObject settings(@PathParam("id") String id);

    /** Changes settings: {@code {ok, applied, client_rebuilt, configmap}}. */
    @PUT
    @Path("/api/settings/cluster/{id}")
    JsonObject updateSettings(@PathParam("id") String id, JsonObject fields);
}
