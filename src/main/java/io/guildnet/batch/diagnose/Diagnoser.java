package io.guildnet.batch.diagnose;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.guildnet.batch.Redactor;
import io.guildnet.workspace.CrdInstaller;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code guildnet-diagnose}: collects events, failing pods with their reasons, the Host App's
 * and operator's recent errors, settings (redacted) and connection states, then turns them
 * into findings with suggestions through a fixed set of rules. Collection problems are
 * recorded, never thrown: a diagnosis is most needed when things are broken.
 */
public final class Diagnoser {

    /** A failing pod and why. */
    public record FailingPod(String namespace, String name, String phase, String reason, String message, String container) {}

    /** One rule's conclusion. */
    public record Finding(String rule, String severity, String subject, String evidence, String suggestion) {
        JsonObject json() {
            return Json.createObjectBuilder().add("rule", rule).add("severity", severity).add("subject", subject)
                    .add("evidence", Redactor.text(evidence)).add("suggestion", suggestion).build();
        }
    }

    static final Set<String> WAITING_FAILURES = Set.of("ImagePullBackOff", "ErrImagePull", "InvalidImageName", "CrashLoopBackOff",
            "CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private final Clock clock;

    public Diagnoser(Clock clock) {
        this.clock = clock;
    }

    public JsonObject diagnose(DiagnoseContext ctx) {
        Instant started = clock.instant();
        List<String> problems = new ArrayList<>();
        KubernetesClient c = ctx.client();
        List<String> namespaces = List.copyOf(new LinkedHashSet<>(List.of(ctx.namespace(), CrdInstaller.SYSTEM_NAMESPACE)));

        List<Event> events = new ArrayList<>();
        List<FailingPod> failing = new ArrayList<>();
        boolean reachable = true;
        for (String ns : namespaces) {
            try {
                events.addAll(c.v1().events().inNamespace(ns).list().getItems());
                for (Pod p : c.pods().inNamespace(ns).list().getItems()) failing.addAll(failures(p));
            } catch (RuntimeException e) {
                reachable = false;
                problems.add("cannot read namespace " + ns + ": " + firstLine(e));
            }
        }
        events.sort(Comparator.comparing(Diagnoser::eventTime).reversed());
        List<Event> warnings = events.stream().filter(e -> "Warning".equals(e.getType())).limit(ctx.eventLimit()).toList();

        boolean crds = true, rethinkService = false;
        try {
            for (var crd : CrdInstaller.load()) {
                if (c.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName()).get() == null) crds = false;
            }
        } catch (Exception e) {
            problems.add("cannot read CRDs: " + firstLine(e));
        }
        try {
            rethinkService = c.services().inNamespace(ctx.namespace()).list().getItems().stream()
                    .anyMatch(s -> s.getMetadata().getName().contains("rethinkdb"));
        } catch (RuntimeException e) {
            problems.add("cannot list services: " + firstLine(e));
        }
        List<String> errors = safe(ctx.recentErrors().get());
        JsonObject settings = Redactor.object(ctx.settings().get());
        JsonObject connections = Redactor.object(ctx.connections().get());

        List<Finding> findings = rules(ctx, failing, warnings, errors, connections, reachable, crds, rethinkService);

        JsonArrayBuilder ev = Json.createArrayBuilder();
        for (Event e : warnings) {
            JsonObjectBuilder b = Json.createObjectBuilder().add("type", nz(e.getType())).add("reason", nz(e.getReason()))
                    .add("message", Redactor.text(nz(e.getMessage()))).add("count", e.getCount() == null ? 1 : e.getCount());
            if (e.getInvolvedObject() != null) b.add("object", nz(e.getInvolvedObject().getKind()) + "/" + nz(e.getInvolvedObject().getName()));
            Instant t = eventTime(e);
            if (t != Instant.EPOCH) b.add("time", t.toString());
            ev.add(b);
        }
        JsonArrayBuilder fp = Json.createArrayBuilder();
        for (FailingPod p : failing) {
            fp.add(Json.createObjectBuilder().add("namespace", p.namespace()).add("name", p.name()).add("phase", nz(p.phase()))
                    .add("reason", nz(p.reason())).add("message", Redactor.text(nz(p.message()))).add("container", nz(p.container())));
        }
        JsonArrayBuilder fs = Json.createArrayBuilder();
        findings.forEach(f -> fs.add(f.json()));
        Instant finished = clock.instant();
        return Json.createObjectBuilder().add("version", io.guildnet.host.Version.VERSION).add("cluster", ctx.clusterId())
                .add("namespaces", Json.createArrayBuilder(namespaces)).add("started", started.toString()).add("finished", finished.toString())
                .add("duration_ms", Duration.between(started, finished).toMillis())
                .add("events", ev).add("failing_pods", fp)
                .add("recent_errors", Json.createArrayBuilder(errors.stream().map(Redactor::text).toList()))
                .add("settings", settings).add("connections", connections)
                .add("collection_problems", Json.createArrayBuilder(problems))
                .add("findings", fs).add("summary", summary(ctx.clusterId(), findings, failing.size(), warnings.size()))
                .build();
    }

    /** Why a pod is failing (one entry per failing container, or the pod itself), none if healthy. */
    static List<FailingPod> failures(Pod p) {
        List<FailingPod> out = new ArrayList<>();
        String ns = p.getMetadata().getNamespace(), name = p.getMetadata().getName();
        var st = p.getStatus();
        if (st == null) return out;
        List<ContainerStatus> cs = new ArrayList<>();
        if (st.getInitContainerStatuses() != null) cs.addAll(st.getInitContainerStatuses());
        if (st.getContainerStatuses() != null) cs.addAll(st.getContainerStatuses());
        for (ContainerStatus s : cs) {
            if (s.getState() != null && s.getState().getWaiting() != null && WAITING_FAILURES.contains(s.getState().getWaiting().getReason())) {
                out.add(new FailingPod(ns, name, st.getPhase(), s.getState().getWaiting().getReason(), s.getState().getWaiting().getMessage(), s.getName()));
            } else if (s.getLastState() != null && s.getLastState().getTerminated() != null
                    && "OOMKilled".equals(s.getLastState().getTerminated().getReason())) {
                out.add(new FailingPod(ns, name, st.getPhase(), "OOMKilled", "container was killed for using too much memory", s.getName()));
            }
        }
        if (out.isEmpty()) {
            if ("Failed".equals(st.getPhase())) {
                out.add(new FailingPod(ns, name, "Failed", nz(st.getReason()).isEmpty() ? "Failed" : st.getReason(), st.getMessage(), null));
            } else if ("Pending".equals(st.getPhase()) && st.getConditions() != null) {
                for (PodCondition pc : st.getConditions()) {
                    if ("PodScheduled".equals(pc.getType()) && "False".equals(pc.getStatus()) && "Unschedulable".equals(pc.getReason())) {
                        out.add(new FailingPod(ns, name, "Pending", "Unschedulable", pc.getMessage(), null));
                    }
                }
            }
        }
        return out;
    }

    /** The rules: each turns evidence into a suggestion. */
    static List<Finding> rules(DiagnoseContext ctx, List<FailingPod> failing, List<Event> warnings, List<String> errors,
                               JsonObject connections, boolean reachable, boolean crds, boolean rethinkService) {
        List<Finding> out = new ArrayList<>();
        if (!reachable) {
            out.add(new Finding("cluster-unreachable", "error", "cluster " + ctx.clusterId(),
                    "the Kubernetes API did not answer", "Check the kubeconfig's server address and credentials, and that the API server is up; then run guildnet-verify for the layer that fails."));
        }
        for (FailingPod p : failing) {
            String subject = "pod " + p.namespace() + "/" + p.name() + (p.container() == null ? "" : " container " + p.container());
            String evidence = p.reason() + (nz(p.message()).isEmpty() ? "" : ": " + p.message());
            String suggestion = switch (p.reason()) {
                case "ImagePullBackOff", "ErrImagePull", "InvalidImageName" ->
                        "Check the image name and tag, that the registry is reachable from the nodes, and the pull secret (cluster setting image_pull_secret).";
                case "CrashLoopBackOff" -> "The container keeps exiting: read its logs (GET /api/cluster/{id}/workspaces/{name}/logs) and check its command, env and probes.";
                case "CreateContainerConfigError", "CreateContainerError", "RunContainerError" ->
                        "A Secret or ConfigMap the pod references is missing or invalid: check the pod's env/volume references.";
                case "OOMKilled" -> "Raise the workspace's memory limit (resources.memory) or reduce its use.";
                case "Unschedulable" -> "No node can take the pod: check node capacity, taints and the requested resources.";
                default -> "Inspect the pod (kubectl describe pod) for the failure reason.";
            };
            out.add(new Finding(p.reason(), "error", subject, evidence, suggestion));
        }
        for (Event e : warnings) {
            String r = nz(e.getReason());
            if (r.equals("FailedMount") || r.equals("FailedAttachVolume")) {
                out.add(new Finding(r, "warning", object(e), nz(e.getMessage()), "A volume, Secret or ConfigMap could not be mounted: check that it exists in the namespace and the storage class works."));
            } else if (r.equals("FailedScheduling")) {
                out.add(new Finding(r, "warning", object(e), nz(e.getMessage()), "No node can take the pod: check node capacity, taints and the requested resources."));
            }
        }
        if (reachable && !crds) {
            out.add(new Finding("crds-missing", "error", "cluster " + ctx.clusterId(), "the Workspace/Capability CRDs are not installed",
                    "Run the guildnet-setup job (or kubectl apply -f crds/)."));
        }
        if (reachable && !rethinkService) {
            out.add(new Finding("rethinkdb-missing", "warning", "namespace " + ctx.namespace(), "no RethinkDB Service in the namespace",
                    "Run the guildnet-setup job to deploy RethinkDB (k8s/rethinkdb.yaml), or point the cluster's database settings at an existing one."));
        }
        if (connections.containsKey("operator") && "absent".equals(connections.getString("operator", ""))) {
            out.add(new Finding("operator-not-running", "error", "cluster " + ctx.clusterId(), "no embedded Workspace operator is attached",
                    "Run guildnet-setup, or check GN_EMBED_OPERATOR and the embed_operator setting; see the Host App log for why it did not start."));
        }
        String health = connections.containsKey("health") ? connections.getJsonObject("health").getString("status", "") : "";
        if ("error".equals(health)) {
            out.add(new Finding("cluster-health-error", "error", "cluster " + ctx.clusterId(),
                    connections.getJsonObject("health").toString(), "The Host App's health check cannot reach the cluster: check the network path (NET01-NET03 in guildnet-verify)."));
        }
        long forbidden = errors.stream().filter(l -> l.contains("Forbidden") || l.contains("403")).count();
        if (forbidden > 0) {
            out.add(new Finding("permission-errors", "warning", "Host App log", forbidden + " recent error(s) mention Forbidden/403",
                    "The Host App's identity lacks permissions: grant the ClusterRole in k8s/operator.yaml (check K8S06 in guildnet-verify)."));
        }
        return out;
    }

    static JsonObject summary(String cluster, List<Finding> findings, int failingPods, int warnings) {
        long errors = findings.stream().filter(f -> f.severity().equals("error")).count();
        String status = errors > 0 ? "error" : findings.isEmpty() ? "ok" : "warning";
        StringBuilder text = new StringBuilder("Cluster ").append(cluster).append(": ");
        if (findings.isEmpty()) text.append("nothing wrong found (").append(warnings).append(" warning event(s), no failing pod).");
        else {
            text.append(findings.size()).append(" finding(s), ").append(failingPods).append(" failing pod(s), ").append(warnings).append(" warning event(s).");
            for (Finding f : findings) text.append("\n- ").append(f.subject()).append(": ").append(Redactor.text(f.evidence())).append(" → ").append(f.suggestion());
        }
        return Json.createObjectBuilder().add("status", status).add("findings", findings.size()).add("failing_pods", failingPods)
                .add("warning_events", warnings).add("text", text.toString()).build();
    }

    static Instant eventTime(Event e) {
        try {
            if (e.getLastTimestamp() != null) return Instant.parse(e.getLastTimestamp());
            if (e.getEventTime() != null && e.getEventTime().getTime() != null) return Instant.parse(e.getEventTime().getTime());
            if (e.getMetadata() != null && e.getMetadata().getCreationTimestamp() != null) return Instant.parse(e.getMetadata().getCreationTimestamp());
        } catch (RuntimeException ignored) {
            // an odd timestamp sorts last
        }
        return Instant.EPOCH;
    }

    private static String object(Event e) {
        return e.getInvolvedObject() == null ? "event" : nz(e.getInvolvedObject().getKind()).toLowerCase() + " " + nz(e.getInvolvedObject().getNamespace()) + "/" + nz(e.getInvolvedObject().getName());
    }

    private static List<String> safe(List<String> l) { return l == null ? List.of() : l; }

    private static String nz(String s) { return s == null ? "" : s; }

    private static String firstLine(Throwable e) {
        String m = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return m.lines().findFirst().orElse(m);
    }

    public static JsonArray findingsOf(JsonObject report) { return report.getJsonArray("findings"); }
}
