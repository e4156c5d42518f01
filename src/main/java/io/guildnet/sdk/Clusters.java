package io.guildnet.sdk;

import static io.guildnet.sdk.Transport.enc;

import io.guildnet.store.ClusterRecord;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * Clusters: {@code /api/deploy/clusters}, {@code /api/cluster/{id}/…}, {@code /api/settings/cluster/{id}}.
 * Records are the server's own {@link ClusterRecord}; the other answers are JSON objects exactly as sent.
 */
public final class Clusters {
    private final Transport t;

    Clusters(Transport t) {
        this.t = t;
    }

    /** The inverse of the server's {@code ClusterDeployResource.json(ClusterRecord)}. */
    public static ClusterRecord record(JsonObject o) {
        return new ClusterRecord(o.getString("id"), o.getString("name", null), o.getString("state", null),
                o.getString("createdAt", null), o.getString("updatedAt", null));
    }

    public List<ClusterRecord> list() {
        return t.json("GET", "/api/deploy/clusters", null).asJsonArray().stream().map(v -> record(v.asJsonObject())).toList();
    }

    /** @throws NotFoundException {@code unknown_cluster} */
    public ClusterRecord get(String id) {
        return record(t.object("GET", "/api/deploy/clusters/" + enc(id), null));
    }

    /** Registers a cluster (name null: generated). */
    public ClusterRecord create(String name) {
        JsonObject body = name == null ? JsonValue.EMPTY_JSON_OBJECT : Json.createObjectBuilder().add("name", name).build();
        return record(t.object("POST", "/api/deploy/clusters", body));
    }

    /** Attaches a kubeconfig: {@code {"ok":true,"health":{…}}}. */
    public JsonObject attachKubeconfig(String id, String kubeconfigYaml) {
        return t.object("POST", "/api/deploy/clusters/" + enc(id) + "?action=attach-kubeconfig",
                Json.createObjectBuilder().add("kubeconfig", kubeconfigYaml).build());
    }

    /** Registers a cluster and attaches its kubeconfig; the record is removed again when the kubeconfig is refused. */
    public ClusterRecord add(String name, String kubeconfigYaml) {
        ClusterRecord r = create(name);
        try {
            attachKubeconfig(r.id(), kubeconfigYaml);
        } catch (GuildNetException e) {
            try {
                delete(r.id());
            } catch (GuildNetException ignored) {
                // the original error is what matters
            }
            throw e;
        }
        return get(r.id());
    }

    public void delete(String id) {
        t.object("DELETE", "/api/deploy/clusters/" + enc(id), null);
    }

    /** Checks the cluster now: {@code {status: ok|error|unknown, code?, error?, note?}}. */
    public JsonObject health(String id) {
        return t.object("POST", "/api/deploy/clusters/" + enc(id) + "?action=health", JsonValue.EMPTY_JSON_OBJECT);
    }

    /** The Kubernetes and database link of the cluster: {@code {k8s:{ok,error?}, rdb:{ok,addr?,error?}}}. */
    public JsonObject parts(String id) {
        return t.object("GET", "/api/cluster/" + enc(id) + "/health", null);
    }

    /** ClusterStatus of {@code /api/cluster/{id}/status}. */
    public JsonObject status(String id) {
        return t.object("GET", "/api/cluster/" + enc(id) + "/status", null);
    }

    /** The cluster's settings, secrets redacted by the server. */
    public JsonObject settings(String id) {
        return t.object("GET", "/api/settings/cluster/" + enc(id), null);
    }

    /** Changes settings: {@code {ok, applied, client_rebuilt, configmap}}. */
    public JsonObject updateSettings(String id, Map<String, ?> fields) {
        return t.object("PUT", "/api/settings/cluster/" + enc(id), Json.createObjectBuilder(Jsons.plain(fields)).build());
    }

    /** Workspaces published on the cluster's tailnet: {@code [{cluster_id, service, addr, added_at, port, status, error?}]}. */
    public jakarta.json.JsonArray published(String id) {
        return t.json("GET", "/api/cluster/" + enc(id) + "/published-services", null).asJsonArray();
    }

    /** Publishes the workspace {@code service} on the cluster's tailnet ({@code port} null: its Service's port). */
    public JsonObject publish(String id, String service, Integer port) {
        var b = Json.createObjectBuilder().add("service", service);
        if (port != null) b.add("port", port);
        return t.object("POST", "/api/cluster/" + enc(id) + "/published-services", b.build());
    }

    /** Stops publishing {@code service}: {@code {"deleted": service}}. */
    public JsonObject unpublish(String id, String service) {
        return t.object("DELETE", "/api/cluster/" + enc(id) + "/published-services/" + enc(service), null);
    }

    /** The kubeconfig (YAML) stored for the cluster; token callers only. */
    public String kubeconfig(String id) {
        return t.send("POST", "/api/deploy/clusters/" + enc(id) + "?action=kubeconfig", "application/json",
                "{}".getBytes(StandardCharsets.UTF_8), "application/x-yaml").body();
    }
}
