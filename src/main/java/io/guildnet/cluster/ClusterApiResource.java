package io.guildnet.cluster;

import io.guildnet.api.ApiException;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** Per-cluster {@code /api/cluster/{id}/status} (ClusterStatus) and {@code /health} ({@code {k8s, rdb}}). */
@Path("cluster/{id}")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class ClusterApiResource {

    @Inject
    ClusterService clusters;

    @GET
    @Path("status")
    public JsonObject status(@PathParam("id") String id) {
        id = ClusterIds.normalize(id);
        clusters.require(id);
        boolean present = clusters.store().hasKubeconfig(id);
        ClusterHealth.Result h = present ? clusters.health().cached(id) : null;
        boolean valid = present && !"bad_kubeconfig".equals(h.code());
        boolean reachable = h != null && h.ok();
        JsonObjectBuilder b = Json.createObjectBuilder().add("clusterId", id)
                .add("kubeconfigPresent", present).add("kubeconfigValid", valid).add("k8sReachable", reachable);
        if (h != null && h.error() != null) b.add("k8sError", h.error());
        if (h != null && h.code() != null) b.add("k8sCode", h.code());
        // port-forwards go through the API server, so they are available when it is reachable
        JsonObject ts = tailnet(id);
        b.add("pfAvailable", reachable).add("tsnetAvailable", ts != null && ts.getBoolean("ok", false));
        if (ts != null) b.add("tsnet", ts);
        if (!present || !valid) b.add("recommendedAction", "attach_kubeconfig");
        else if (ts != null && !ts.getBoolean("ok", false) && !"starting".equals(ts.getString("status", ""))) b.add("recommendedAction", "check_tailnet");
        else if (!reachable && h != null && !"checking".equals(h.code())) b.add("recommendedAction", "check_cluster_network");
        return b.add("lastChecked", (h == null ? java.time.Instant.now() : h.checkedAt()).toString()).build();
    }

    /**
     * The cluster's tailnet connector health, null when the cluster has no tailnet settings; a
     * configured cluster without a running connector says why ({@code stopped}).
     */
    JsonObject tailnet(String id) {
        var live = clusters.registry().peek(id).flatMap(i -> i.part(ClusterEgress.PART, ClusterEgress.class));
        if (live.isPresent()) return live.get().health();
        ClusterSettings s = clusters.store().settings(id);
        if (s.string("ts_login_server").isEmpty()) return null;
        String why = !clusters.store().secretSet(id) ? "no client auth key set (ts_client_auth)"
                : "the cluster's instance is not running (attach a kubeconfig or check its health)";
        return Json.createObjectBuilder().add("ok", false).add("status", "stopped").add("clusterId", id)
                .add("loginServer", s.string("ts_login_server")).add("error", why).build();
    }

    /** The per-cluster Server list (anchor shape, extended with url, created_at, error). */
    @GET
    @Path("servers")
    public jakarta.json.JsonArray servers(@PathParam("id") String id) {
        id = ClusterIds.normalize(id);
        return io.guildnet.workspace.WorkspaceResource.servers(clusters, id);
    }

    @GET
    @Path("health")
    public JsonObject health(@PathParam("id") String id) {
        id = ClusterIds.normalize(id);
        clusters.require(id);
        if (!clusters.store().hasKubeconfig(id)) {
            throw new ApiException(503, "no_k8s_clients", "kubernetes clients not available for cluster " + id + "; attach a kubeconfig");
        }
        ClusterHealth.Result h = clusters.health().check(id);
        JsonObjectBuilder k8s = Json.createObjectBuilder().add("ok", h.ok());
        if (!h.ok()) k8s.add("error", h.error() != null ? h.error() : h.code());
        // The RethinkDB link is the "rethink" part the database layer attaches to the instance.
        JsonObject rdb = clusters.registry().peek(id).flatMap(i -> i.part("rethink", PartHealth.class)).map(PartHealth::health)
                .orElse(Json.createObjectBuilder().add("ok", false).add("error", "no RethinkDB connection for this cluster").build());
        JsonObjectBuilder out = Json.createObjectBuilder().add("k8s", k8s).add("rdb", rdb);
        JsonObject ts = tailnet(id);
        if (ts != null) out.add("tsnet", ts);
        return out.build();
    }
}
