package io.guildnet.cluster;

import io.guildnet.store.ClusterRecord;
import io.guildnet.store.HeadscaleRecord;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;

/**
 * {@code GET /api/health}: every cluster and Headscale record with its last known health.
 * Reads only cached results (refreshed in the background), so it stays cheap with many clusters.
 */
@Path("health")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class HealthResource {

    @Inject
    ClusterService clusters;

    @Inject
    HeadscaleService headscale;

    @GET
    public JsonObject health() {
        JsonArrayBuilder hs = Json.createArrayBuilder();
        for (HeadscaleRecord r : headscale.list()) {
            HeadscaleService.Health h = headscale.cached(r.id());
            JsonObjectBuilder b = Json.createObjectBuilder().add("id", r.id()).add("name", r.name()).add("status", h.status());
            if (h.code() != null) b.add("code", h.code());
            if (h.error() != null) b.add("error", h.error());
            hs.add(b);
        }
        Set<String> withKubeconfig = clusters.store().withKubeconfig();
        JsonArrayBuilder cs = Json.createArrayBuilder();
        for (ClusterRecord r : clusters.store().list()) {
            JsonObjectBuilder b = Json.createObjectBuilder().add("id", r.id()).add("name", r.name());
            if (!withKubeconfig.contains(r.id())) {
                b.add("status", "unknown").add("code", "no_kubeconfig");
            } else {
                ClusterHealth.Result h = clusters.health().cached(r.id());
                b.add("status", h.status());
                if (h.code() != null) b.add("code", h.code());
                if (h.error() != null) b.add("error", h.error());
                if (h.note() != null) b.add("note", h.note());
                b.add("checkedAt", h.checkedAt().toString());
            }
            clusters.registry().peek(r.id()).flatMap(i -> i.part(ClusterEgress.PART, ClusterEgress.class)).ifPresent(t -> {
                JsonObject th = t.health();
                JsonObjectBuilder tb = Json.createObjectBuilder().add("status", th.getString("status")).add("ip", th.getString("ip", ""));
                if (th.containsKey("error")) tb.add("error", th.getString("error"));
                b.add("tsnet", tb);
            });
            cs.add(b);
        }
        return Json.createObjectBuilder().add("headscale", hs).add("clusters", cs).build();
    }
}
