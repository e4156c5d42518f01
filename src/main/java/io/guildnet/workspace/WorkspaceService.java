package io.guildnet.workspace;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.guildnet.api.ApiException;
import io.guildnet.workspace.model.Workspace;
import io.guildnet.workspace.model.WorkspacePort;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.StringReader;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Workspace operations on one cluster's client and namespace: create, list, get, delete, logs. */
public final class WorkspaceService {

    static final int MAX_LOG_PODS = 5;
    private final KubernetesSerialization serialization = new KubernetesSerialization();

    /** The Capabilities of a namespace (none when the CRD is not installed: allow-all). */
    public List<io.guildnet.workspace.model.Capability> capabilities(KubernetesClient c, String ns) {
        try {
            return c.resources(io.guildnet.workspace.model.Capability.class).inNamespace(ns).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) return List.of();
            throw new ApiException(502, "capabilities_unreadable", "cannot read Capabilities: " + statusMessage(e));
        }
    }

    /** The labels a Capability selector sees on a workspace: its own labels plus guildnet.io/workspace. */
    public static java.util.Map<String, String> labelsOf(Workspace ws) {
        return DesiredState.labels(ws);
    }

    public void authorize(KubernetesClient c, String ns, String action, Workspace ws) {
        CapabilityPolicy.check(capabilities(c, ns), CapabilityPolicy.Request.of(action, labelsOf(ws)));
    }

    public Workspace create(KubernetesClient c, String ns, JsonObject body) {
        WorkspaceRequest.Parsed p = WorkspaceRequest.parse(body);
        List<io.guildnet.workspace.model.Capability> caps = capabilities(c, ns);
        if (!caps.isEmpty()) {
            Workspace probe = new Workspace();
            probe.setMetadata(new ObjectMetaBuilder().withName(p.name()).withNamespace(ns).build());
            probe.setSpec(p.spec());
            List<java.util.Map<String, String>> existing = list(c, ns).stream().map(WorkspaceService::labelsOf).toList();
            CapabilityPolicy.check(caps, new CapabilityPolicy.Request("launch", labelsOf(probe), p.spec().getImage(),
                    DesiredState.ports(probe).stream().map(WorkspacePort::getContainerPort).toList(), existing));
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            String name = attempt == 0 ? p.name() : WorkspaceRequest.generatedName();
            Workspace ws = new Workspace();
            ws.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
            ws.setSpec(p.spec());
            try {
                return c.resources(Workspace.class).inNamespace(ns).resource(ws).create();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 409 && p.generatedName()) continue;
                if (e.getCode() == 409) throw new ApiException(409, "already_exists", "a workspace named " + name + " already exists");
                if (e.getCode() == 404) throw new ApiException(503, "crd_missing", "the Workspace CRD is not installed on this cluster");
                if (e.getCode() == 422 || e.getCode() == 400) {
                    throw ApiException.badRequest("invalid_spec", "the cluster rejected the workspace: " + statusMessage(e));
                }
                throw new ApiException(502, "create_failed", "workspace create failed: " + statusMessage(e));
            }
        }
        throw new ApiException(409, "already_exists", "could not find a free generated name");
    }

    static String statusMessage(KubernetesClientException e) {
        return e.getStatus() != null && e.getStatus().getMessage() != null ? e.getStatus().getMessage() : String.valueOf(e.getMessage());
    }

    public List<Workspace> list(KubernetesClient c, String ns) {
        try {
            return c.resources(Workspace.class).inNamespace(ns).list().getItems();
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) throw new ApiException(503, "crd_missing", "the Workspace CRD is not installed on this cluster");
            throw new ApiException(502, "list_failed", "listing workspaces failed: " + statusMessage(e));
        }
    }

    public Workspace require(KubernetesClient c, String ns, String name) {
        Workspace ws;
        try {
            ws = c.resources(Workspace.class).inNamespace(ns).withName(name).get();
        } catch (KubernetesClientException e) {
            throw new ApiException(502, "get_failed", "reading workspace failed: " + statusMessage(e));
        }
        if (ws == null) throw ApiException.notFound("not_found", "workspace " + name + " not found");
        return ws;
    }

    public void delete(KubernetesClient c, String ns, String name) {
        authorize(c, ns, "delete", require(c, ns, name));
        c.resources(Workspace.class).inNamespace(ns).withName(name).delete();
    }

    /** Deletes every workspace the caller may stop; returns {deleted, denied}. */
    public JsonObject stopAll(KubernetesClient c, String ns) {
        List<io.guildnet.workspace.model.Capability> caps = capabilities(c, ns);
        JsonArrayBuilder deleted = Json.createArrayBuilder();
        JsonArrayBuilder denied = Json.createArrayBuilder();
        for (Workspace ws : list(c, ns)) {
            try {
                CapabilityPolicy.check(caps, CapabilityPolicy.Request.of("stopAll", labelsOf(ws)));
            } catch (ApiException e) {
                denied.add(ws.getMetadata().getName());
                continue;
            }
            c.resources(Workspace.class).inNamespace(ns).withName(ws.getMetadata().getName()).delete();
            deleted.add(ws.getMetadata().getName());
        }
        return Json.createObjectBuilder().add("deleted", deleted).add("denied", denied).build();
    }

    /**
     * Every workspace of the namespace in the Server shape, with {@code node} (where its pod runs,
     * a ready pod first) from one pod list for the whole namespace, not one per workspace.
     */
    public JsonArray servers(String clusterId, KubernetesClient c, String ns) {
        List<Workspace> all = list(c, ns);
        Map<String, String> nodes = new java.util.HashMap<>();
        if (!all.isEmpty()) {
            try {
                List<Pod> pods = new ArrayList<>(c.pods().inNamespace(ns).withLabel(DesiredState.WORKSPACE_LABEL).list().getItems());
                pods.sort(Comparator.comparing((Pod p) -> !ready(p))); // a ready pod's node wins
                for (Pod p : pods) {
                    String owner = p.getMetadata().getLabels() == null ? null : p.getMetadata().getLabels().get(DesiredState.WORKSPACE_LABEL);
                    if (owner != null && p.getSpec() != null && p.getSpec().getNodeName() != null) nodes.putIfAbsent(owner, p.getSpec().getNodeName());
                }
            } catch (KubernetesClientException e) {
                // may not list pods: the list still answers, without nodes
            }
        }
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (Workspace ws : all) {
            String node = nodes.get(ws.getMetadata().getName());
            JsonObject o = server(clusterId, ws);
            a.add(node == null ? o : Json.createObjectBuilder(o).add("node", node).build());
        }
        return a.build();
    }

    /** The Server shape of the UI/SDK (anchor §1.6), from a Workspace and its status. */
    public JsonObject server(String clusterId, Workspace ws) {
        String phase = ws.getStatus() == null || ws.getStatus().getPhase() == null ? "Pending" : ws.getStatus().getPhase();
        JsonArrayBuilder ports = Json.createArrayBuilder();
        for (WorkspacePort p : DesiredState.ports(ws)) {
            JsonObjectBuilder pb = Json.createObjectBuilder().add("port", p.getContainerPort());
            if (p.getName() != null) pb.add("name", p.getName());
            ports.add(pb);
        }
        JsonObjectBuilder b = Json.createObjectBuilder().add("id", ws.getMetadata().getName()).add("name", ws.getMetadata().getName())
                .add("image", ws.getSpec().getImage()).add("status", phase.toLowerCase(Locale.ROOT)).add("ports", ports)
                .add("url", "/api/cluster/" + clusterId + "/proxy/server/" + ws.getMetadata().getName() + "/");
        if (ws.getMetadata().getCreationTimestamp() != null) b.add("created_at", ws.getMetadata().getCreationTimestamp());
        if (ws.getStatus() != null && ws.getStatus().getLastError() != null) b.add("error", ws.getStatus().getLastError());
        if (!ws.getSpec().getArgs().isEmpty()) {
            JsonArrayBuilder a = Json.createArrayBuilder();
            ws.getSpec().getArgs().forEach(a::add);
            b.add("args", a);
        }
        return b.build();
    }

    /** The raw Workspace object (apiVersion, kind, metadata, spec, status) plus its pods and recent events. */
    public JsonObject detail(KubernetesClient c, Workspace ws) {
        String ns = ws.getMetadata().getNamespace();
        JsonObject raw = Json.createReader(new StringReader(serialization.asJson(ws))).readObject();
        JsonArrayBuilder pods = Json.createArrayBuilder();
        JsonArrayBuilder events = Json.createArrayBuilder();
        for (Pod p : pods(c, ws)) {
            JsonObjectBuilder pb = Json.createObjectBuilder().add("name", p.getMetadata().getName())
                    .add("phase", p.getStatus() == null || p.getStatus().getPhase() == null ? "Unknown" : p.getStatus().getPhase())
                    .add("ready", ready(p));
            if (p.getSpec() != null && p.getSpec().getNodeName() != null) pb.add("node", p.getSpec().getNodeName());
            pods.add(pb);
            c.v1().events().inNamespace(ns).withField("involvedObject.name", p.getMetadata().getName()).list().getItems().stream()
                    .sorted(Comparator.comparing(StatusCalculator::eventTime).reversed()).limit(20)
                    .forEach(e -> events.add(Json.createObjectBuilder().add("t", StatusCalculator.eventTime(e).toString())
                            .add("type", String.valueOf(e.getType())).add("reason", String.valueOf(e.getReason()))
                            .add("message", String.valueOf(e.getMessage())).add("object", p.getMetadata().getName())));
        }
        return Json.createObjectBuilder(raw).add("pods", pods).add("events", events).build();
    }

    List<Pod> pods(KubernetesClient c, Workspace ws) {
        return c.pods().inNamespace(ws.getMetadata().getNamespace()).withLabels(DesiredState.selector(ws)).list().getItems();
    }

    static boolean ready(Pod p) {
        return p.getStatus() != null && p.getStatus().getConditions() != null
                && p.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
    }

    /** The last {@code limit} lines over up to five pods (ready first), each read with a tail — never the whole log. */
    public List<JsonObject> logs(KubernetesClient c, Workspace ws, int limit) {
        List<Pod> pods = new ArrayList<>(pods(c, ws));
        if (pods.isEmpty()) throw ApiException.notFound("no_pods", "workspace " + ws.getMetadata().getName() + " has no pods yet");
        pods.sort(Comparator.comparing((Pod p) -> !ready(p)));
        pods = pods.subList(0, Math.min(MAX_LOG_PODS, pods.size()));
        int perPod = Math.max(10, limit / pods.size());
        List<String[]> lines = new ArrayList<>();
        for (Pod p : pods) {
            String log;
            try {
                log = c.pods().inNamespace(p.getMetadata().getNamespace()).withName(p.getMetadata().getName())
                        .usingTimestamps().tailingLines(perPod).getLog();
            } catch (KubernetesClientException e) {
                continue; // a pod without logs yet (ContainerCreating) is skipped
            }
            if (log == null) continue;
            for (String line : log.split("\n")) {
                if (line.isEmpty()) continue;
                LogLine l = LogLine.parse(line);
                lines.add(new String[] {l.t(), "[" + p.getMetadata().getName() + "] " + l.msg()});
            }
        }
        lines.sort(Comparator.comparing(l -> l[0]));
        List<JsonObject> out = new ArrayList<>();
        for (String[] l : lines.subList(Math.max(0, lines.size() - limit), lines.size())) {
            out.add(Json.createObjectBuilder().add("t", l[0]).add("msg", l[1]).build());
        }
        return out;
    }
}
