package io.guildnet.workspace;

import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.NonDeletingOperation;
import io.guildnet.workspace.model.Workspace;
import io.guildnet.workspace.model.WorkspaceStatus;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;

/**
 * One reconcile pass for one Workspace, in plain fabric8 calls: apply the desired
 * objects (create or update; the Ingress is removed when no longer wanted), then read
 * what the cluster shows and compute the status. No sleeping, no polling: the caller
 * re-runs it on events or after the returned delay.
 */
public final class WorkspaceApplier {

    /** The computed status and when to look again. */
    public record Outcome(WorkspaceStatus status, Duration recheckAfter) {}

    private final Clock clock;
    private final Duration startTimeout;

    public WorkspaceApplier(Clock clock, Duration startTimeout) {
        this.clock = clock;
        this.startTimeout = startTimeout;
    }

    public static final String HASH_ANNOTATION = "guildnet.io/desired-hash";

    /**
     * One serializer for all hashes: its ObjectMapper is thread-safe and builds its (reflective)
     * serializers once. A new one per call rebuilt them on every pass, which was two thirds of a
     * reconcile's CPU (docs/benchmarks.md, "Workspaces"). Same configuration, so the same hashes.
     */
    private static final io.fabric8.kubernetes.client.utils.KubernetesSerialization SERIALIZATION =
            new io.fabric8.kubernetes.client.utils.KubernetesSerialization();

    /**
     * Writes {@code desired} only when it differs from what was last written (a hash of the
     * desired object, kept in an annotation): no write, no watch event, no reconcile loop,
     * and server-side defaults and status are left alone.
     */
    static <T extends io.fabric8.kubernetes.api.model.HasMetadata> T applyIfChanged(T current, T desired, java.util.function.UnaryOperator<T> write) {
        String hash = hash(desired);
        if (current != null && current.getMetadata().getAnnotations() != null
                && hash.equals(current.getMetadata().getAnnotations().get(HASH_ANNOTATION))) {
            return current;
        }
        if (desired.getMetadata().getAnnotations() == null) desired.getMetadata().setAnnotations(new java.util.LinkedHashMap<>());
        desired.getMetadata().getAnnotations().put(HASH_ANNOTATION, hash);
        return write.apply(desired);
    }

    static String hash(io.fabric8.kubernetes.api.model.HasMetadata desired) {
        try {
            byte[] json = SERIALIZATION.asJson(desired).getBytes(StandardCharsets.UTF_8);
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(json)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    public Outcome apply(KubernetesClient c, Workspace ws, WorkspaceDefaults defaults) {
        String ns = ws.getMetadata().getNamespace();
        String name = ws.getMetadata().getName();

        Optional<String> existingPassword = Optional.ofNullable(c.secrets().inNamespace(ns).withName(DesiredState.passwordSecretName(ws)).get())
                .map(s -> s.getData() == null ? null : s.getData().get(DesiredState.PASSWORD_KEY))
                .map(b64 -> new String(Base64.getDecoder().decode(b64), StandardCharsets.UTF_8));
        Optional<Secret> secret = DesiredState.passwordSecret(ws, existingPassword);
        if (secret.isPresent() && existingPassword.isEmpty()) c.secrets().inNamespace(ns).resource(secret.get()).createOr(NonDeletingOperation::update);

        Deployment dep = applyIfChanged(c.apps().deployments().inNamespace(ns).withName(name).get(), DesiredState.deployment(ws, defaults),
                d -> c.apps().deployments().inNamespace(ns).resource(d).createOr(NonDeletingOperation::update));
        Service desiredSvc = DesiredState.service(ws, defaults);
        Service currentSvc = c.services().inNamespace(ns).withName(name).get();
        if (currentSvc != null && currentSvc.getSpec() != null) {
            // cluster IPs are assigned by the API server and immutable: keep them on update
            desiredSvc.getSpec().setClusterIP(currentSvc.getSpec().getClusterIP());
            desiredSvc.getSpec().setClusterIPs(currentSvc.getSpec().getClusterIPs());
        }
        Service svc = applyIfChanged(currentSvc, desiredSvc, x -> c.services().inNamespace(ns).resource(x).createOr(NonDeletingOperation::update));
        Optional<Ingress> ing = DesiredState.ingress(ws, defaults);
        if (ing.isPresent()) {
            Ingress want = ing.get();
            ing = Optional.of(applyIfChanged(c.network().v1().ingresses().inNamespace(ns).withName(name).get(), want,
                    x -> c.network().v1().ingresses().inNamespace(ns).resource(x).createOr(NonDeletingOperation::update)));
        } else {
            c.network().v1().ingresses().inNamespace(ns).withName(name).delete();
        }

        List<Pod> pods = c.pods().inNamespace(ns).withLabels(DesiredState.selector(ws)).list().getItems();
        List<Event> events = new ArrayList<>();
        for (Pod p : pods) {
            events.addAll(c.v1().events().inNamespace(ns).withField("involvedObject.name", p.getMetadata().getName()).list().getItems());
        }
        WorkspaceStatus st = StatusCalculator.compute(ws, dep, svc, pods, events, ing, clock.instant(), startTimeout);
        Duration again = switch (st.getPhase()) {
            case "Running" -> Duration.ofMinutes(5);
            case "Failed" -> Duration.ofMinutes(1);
            default -> Duration.ofSeconds(10);
        };
        return new Outcome(st, again);
    }
}
