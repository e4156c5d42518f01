package io.guildnet.workspace;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.guildnet.workspace.model.Workspace;
import io.guildnet.workspace.model.WorkspaceStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Turns what the cluster shows (Deployment, Service, pods, events, Ingress) into a truthful
 * Workspace status: {@code Running} when a replica is ready; {@code Failed} with the reason
 * on image-pull errors, crash loops, bad container config, or when nothing became ready
 * within the start timeout; otherwise {@code Pending} with the latest warning as lastError.
 */
public final class StatusCalculator {

    static final Set<String> PULL_ERRORS = Set.of("ErrImagePull", "ImagePullBackOff", "InvalidImageName", "ErrImageNeverPull");
    static final Set<String> CONFIG_ERRORS = Set.of("CreateContainerConfigError", "CreateContainerError", "RunContainerError");

    private StatusCalculator() {}

    public static WorkspaceStatus compute(Workspace ws, Deployment dep, Service svc, List<Pod> pods, List<Event> events,
                                          Optional<Ingress> ingress, Instant now, Duration startTimeout) {
        WorkspaceStatus prev = ws.getStatus() == null ? new WorkspaceStatus() : ws.getStatus();
        WorkspaceStatus s = new WorkspaceStatus();
        String name = ws.getMetadata().getName();
        String ns = ws.getMetadata().getNamespace();
        s.setObservedGeneration(ws.getMetadata().getGeneration());
        s.setPasswordSecret(ImageProfile.of(ws.getSpec().getImage()).needsPassword() ? DesiredState.passwordSecretName(ws) : null);
        int ready = dep != null && dep.getStatus() != null && dep.getStatus().getReadyReplicas() != null ? dep.getStatus().getReadyReplicas() : 0;
        s.setReadyReplicas(ready);
        int port = DesiredState.ports(ws).get(0).getContainerPort();
        s.setServiceDNS(name + "." + ns + ".svc.cluster.local");
        if (svc != null && svc.getSpec() != null) s.setServiceIP(svc.getSpec().getClusterIP());
        s.setProxyTarget("http://" + s.getServiceDNS() + ":" + port);
        s.setExternalURL(externalUrl(svc, ingress, port));

        String failure = podFailure(pods);
        String warning = latestWarning(events);
        Instant created = parse(ws.getMetadata().getCreationTimestamp()).orElse(now);
        if (ready >= 1) {
            s.setPhase("Running");
        } else if (failure != null) {
            s.setPhase("Failed");
            s.setLastError(failure);
        } else if (Duration.between(created, now).compareTo(startTimeout) > 0) {
            s.setPhase("Failed");
            s.setLastError("not ready within " + startTimeout.toSeconds() + " s" + (warning == null ? "" : ": " + warning));
        } else {
            s.setPhase("Pending");
            s.setLastError(warning);
        }

        List<Condition> conds = new ArrayList<>();
        conds.add(condition(prev, "Ready", ready >= 1, ready >= 1 ? "ReplicaReady" : s.getPhase(),
                ready >= 1 ? "workspace is serving" : s.getLastError() == null ? "waiting for a ready replica" : s.getLastError(), now));
        deploymentCondition(dep, "Available").ifPresent(c -> conds.add(condition(prev, "Available", "True".equals(c.getStatus()),
                c.getReason(), c.getMessage(), now)));
        deploymentCondition(dep, "Progressing").ifPresent(c -> conds.add(condition(prev, "Progressing", "True".equals(c.getStatus()),
                c.getReason(), c.getMessage(), now)));
        s.setConditions(conds);
        return s;
    }

    static String externalUrl(Service svc, Optional<Ingress> ingress, int port) {
        if (ingress.isPresent() && ingress.get().getSpec() != null && !ingress.get().getSpec().getRules().isEmpty()) {
            var ing = ingress.get().getSpec();
            boolean tls = ing.getTls() != null && !ing.getTls().isEmpty();
            return (tls ? "https://" : "http://") + ing.getRules().get(0).getHost() + "/";
        }
        if (svc != null && svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null
                && svc.getStatus().getLoadBalancer().getIngress() != null && !svc.getStatus().getLoadBalancer().getIngress().isEmpty()) {
            LoadBalancerIngress lb = svc.getStatus().getLoadBalancer().getIngress().get(0);
            String addr = lb.getIp() != null ? lb.getIp() : lb.getHostname();
            if (addr != null) return "http://" + (addr.contains(":") ? "[" + addr + "]" : addr) + ":" + port + "/";
        }
        return null;
    }

    /** The first hard failure among the pods' containers, as "reason: message". */
    static String podFailure(List<Pod> pods) {
        for (Pod p : pods) {
            if (p.getStatus() == null) continue;
            List<ContainerStatus> all = new ArrayList<>();
            if (p.getStatus().getInitContainerStatuses() != null) all.addAll(p.getStatus().getInitContainerStatuses());
            if (p.getStatus().getContainerStatuses() != null) all.addAll(p.getStatus().getContainerStatuses());
            for (ContainerStatus cs : all) {
                if (cs.getState() == null || cs.getState().getWaiting() == null) continue;
                String reason = cs.getState().getWaiting().getReason();
                String msg = cs.getState().getWaiting().getMessage();
                if (reason == null) continue;
                if (PULL_ERRORS.contains(reason)) return "image pull failed (" + reason + ")" + (msg == null ? "" : ": " + msg);
                if (CONFIG_ERRORS.contains(reason)) return reason + (msg == null ? "" : ": " + msg);
                if ("CrashLoopBackOff".equals(reason)) {
                    return "crash loop (" + cs.getRestartCount() + " restarts)" + (msg == null ? "" : ": " + msg);
                }
            }
        }
        return null;
    }

    /** The newest Warning event as "Reason: message" (FailedScheduling, FailedMount, BackOff…). */
    static String latestWarning(List<Event> events) {
        return events.stream().filter(e -> "Warning".equals(e.getType()))
                .max(Comparator.comparing(StatusCalculator::eventTime))
                .map(e -> e.getReason() + ": " + e.getMessage()).orElse(null);
    }

    static Instant eventTime(Event e) {
        return parse(e.getLastTimestamp()).or(() -> parse(e.getEventTime() == null ? null : e.getEventTime().getTime()))
                .or(() -> parse(e.getMetadata() == null ? null : e.getMetadata().getCreationTimestamp())).orElse(Instant.EPOCH);
    }

    static Optional<Instant> parse(String ts) {
        if (ts == null || ts.isBlank()) return Optional.empty();
        try {
            return Optional.of(Instant.parse(ts));
        } catch (RuntimeException e) {
            try {
                return Optional.of(java.time.OffsetDateTime.parse(ts).toInstant());
            } catch (RuntimeException e2) {
                return Optional.empty();
            }
        }
    }

    static Optional<DeploymentCondition> deploymentCondition(Deployment dep, String type) {
        if (dep == null || dep.getStatus() == null || dep.getStatus().getConditions() == null) return Optional.empty();
        return dep.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst();
    }

    /** A condition that keeps its lastTransitionTime while its status does not change. */
    static Condition condition(WorkspaceStatus prev, String type, boolean ok, String reason, String message, Instant now) {
        String status = ok ? "True" : "False";
        String since = prev.getConditions().stream().filter(c -> type.equals(c.getType()) && status.equals(c.getStatus()))
                .map(Condition::getLastTransitionTime).findFirst().orElse(now.toString());
        return new ConditionBuilder().withType(type).withStatus(status).withReason(reason == null || reason.isBlank() ? type : reason)
                .withMessage(message == null ? "" : message).withLastTransitionTime(since).build();
    }
}
