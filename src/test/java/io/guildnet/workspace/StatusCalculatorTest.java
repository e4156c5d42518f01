package io.guildnet.workspace;

import static io.guildnet.workspace.WorkspaceFixture.ingressExposure;
import static io.guildnet.workspace.WorkspaceFixture.workspace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Condition;
import io.fabric8.kubernetes.api.model.ConditionBuilder;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.MicroTime;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.DeploymentConditionBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.guildnet.workspace.model.Exposure;
import io.guildnet.workspace.model.Workspace;
import io.guildnet.workspace.model.WorkspaceStatus;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class StatusCalculatorTest {

    static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    static final Duration TIMEOUT = Duration.ofSeconds(300);
    static final String CODE_SERVER = "codercom/code-server:4.90.3";
    static final String GENERIC = "ghcr.io/acme/tool:2";

    // --- builders for what the cluster shows ------------------------------------------------

    static Workspace young(String image) {
        return workspace(image).name("dev").namespace("team-a").created(NOW.minusSeconds(60)).build();
    }

    static Deployment deployment(int readyReplicas, DeploymentCondition... conditions) {
        return new DeploymentBuilder().withNewMetadata().withName("dev").endMetadata()
                .withNewStatus().withReadyReplicas(readyReplicas == 0 ? null : readyReplicas)
                    .withReplicas(1).withConditions(conditions).endStatus().build();
    }

    static Service clusterIp(String ip) {
        return new ServiceBuilder().withNewMetadata().withName("dev").endMetadata()
                .withNewSpec().withType("ClusterIP").withClusterIP(ip).endSpec().build();
    }

    static Service loadBalancer(String clusterIp, String ingressIp, String ingressHostname) {
        return new ServiceBuilder().withNewMetadata().withName("dev").endMetadata()
                .withNewSpec().withType("LoadBalancer").withClusterIP(clusterIp).endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp(ingressIp).withHostname(ingressHostname)
                    .endIngress().endLoadBalancer().endStatus().build();
    }

    static Pod waitingPod(String reason, String message, int restarts) {
        return new PodBuilder().withNewMetadata().withName("dev-abc").endMetadata()
                .withNewStatus().withPhase("Pending").addNewContainerStatus().withName("workspace").withReady(false)
                    .withRestartCount(restarts).withNewState().withNewWaiting().withReason(reason).withMessage(message)
                    .endWaiting().endState().endContainerStatus().endStatus().build();
    }

    static Pod runningPod() {
        return new PodBuilder().withNewMetadata().withName("dev-abc").endMetadata()
                .withNewStatus().withPhase("Running").addNewContainerStatus().withName("workspace").withReady(true)
                    .withRestartCount(0).withNewState().withNewRunning().withStartedAt(NOW.minusSeconds(30).toString())
                    .endRunning().endState().endContainerStatus().endStatus().build();
    }

    static Event event(String type, String reason, String message, Instant last) {
        return new EventBuilder().withNewMetadata().withName("ev-" + reason).endMetadata()
                .withType(type).withReason(reason).withMessage(message).withLastTimestamp(last.toString()).build();
    }

    static WorkspaceStatus compute(Workspace ws, Deployment dep, Service svc, List<Pod> pods, List<Event> events) {
        return compute(ws, dep, svc, pods, events, Optional.empty());
    }

    static WorkspaceStatus compute(Workspace ws, Deployment dep, Service svc, List<Pod> pods, List<Event> events,
                                   Optional<Ingress> ingress) {
        return StatusCalculator.compute(ws, dep, svc, pods, events, ingress, NOW, TIMEOUT);
    }

    static Condition condition(WorkspaceStatus s, String type) {
        return s.getConditions().stream().filter(c -> type.equals(c.getType())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " condition in " + s.getConditions()));
    }

    static final Event OLD_WARNING = event("Warning", "FailedScheduling", "0/3 nodes are available: insufficient cpu",
            NOW.minusSeconds(50));

    // --- running --------------------------------------------------------------------------

    @Test
    void aReadyReplicaMeansRunningWithAddresses() {
        Workspace ws = workspace(CODE_SERVER).name("web").namespace("team-x").generation(7).port(9000, "ide")
                .created(NOW.minusSeconds(3600)).build();
        WorkspaceStatus s = compute(ws, deployment(1), clusterIp("10.96.12.34"), List.of(runningPod()), List.of(OLD_WARNING));

        assertEquals("Running", s.getPhase());
        assertEquals(1, s.getReadyReplicas());
        assertNull(s.getLastError(), "an old warning is not an error once running");
        assertEquals("True", condition(s, "Ready").getStatus());
        assertEquals("web.team-x.svc.cluster.local", s.getServiceDNS());
        assertEquals("10.96.12.34", s.getServiceIP());
        assertEquals("http://web.team-x.svc.cluster.local:9000", s.getProxyTarget());
        assertEquals(7L, s.getObservedGeneration());
        assertNull(s.getExternalURL(), "plain ClusterIP has no external URL");
    }

    @Test
    void observedGenerationFollowsTheWorkspace() {
        for (long gen : List.of(1L, 42L)) {
            Workspace ws = workspace(GENERIC).generation(gen).created(NOW).build();
            assertEquals(gen, compute(ws, deployment(1), clusterIp("10.0.0.1"), List.of(), List.of()).getObservedGeneration());
        }
    }

    @Test
    void passwordSecretIsReportedOnlyForCodeServer() {
        assertEquals("dev-password", compute(young(CODE_SERVER), deployment(1), null, List.of(), List.of()).getPasswordSecret());
        assertNull(compute(young(GENERIC), deployment(1), null, List.of(), List.of()).getPasswordSecret());
    }

    @Test
    void missingDeploymentAndServiceAreNotReady() {
        WorkspaceStatus s = compute(young(GENERIC), null, null, List.of(), List.of());
        assertEquals("Pending", s.getPhase());
        assertEquals(0, s.getReadyReplicas());
        assertNull(s.getServiceIP());
        assertEquals("False", condition(s, "Ready").getStatus());
    }

    // --- failures -------------------------------------------------------------------------

    @Test
    void imagePullBackOffIsFailedWithReasonAndMessage() {
        String msg = "Back-off pulling image \"ghcr.io/acme/nope:1\"";
        WorkspaceStatus s = compute(young(GENERIC), deployment(0), clusterIp("10.0.0.1"),
                List.of(waitingPod("ImagePullBackOff", msg, 0)), List.of());
        assertEquals("Failed", s.getPhase());
        assertTrue(s.getLastError().contains("ImagePullBackOff"), s.getLastError());
        assertTrue(s.getLastError().contains(msg), s.getLastError());
        assertEquals("False", condition(s, "Ready").getStatus());
    }

    @Test
    void errImagePullIsFailed() {
        WorkspaceStatus s = compute(young(GENERIC), deployment(0), null,
                List.of(waitingPod("ErrImagePull", "manifest unknown", 0)), List.of());
        assertEquals("Failed", s.getPhase());
        assertTrue(s.getLastError().contains("ErrImagePull") && s.getLastError().contains("manifest unknown"), s.getLastError());
    }

    @Test
    void crashLoopBackOffIsFailedWithTheRestartCount() {
        WorkspaceStatus s = compute(young(GENERIC), deployment(0), null,
                List.of(waitingPod("CrashLoopBackOff", "back-off 5m0s restarting failed container", 17)), List.of());
        assertEquals("Failed", s.getPhase());
        assertTrue(s.getLastError().contains("17"), s.getLastError());
        assertTrue(s.getLastError().toLowerCase().contains("crash"), s.getLastError());
    }

    @Test
    void createContainerConfigErrorIsFailed() {
        String msg = "secret \"db-credentials\" not found";
        WorkspaceStatus s = compute(young(GENERIC), deployment(0), null,
                List.of(waitingPod("CreateContainerConfigError", msg, 0)), List.of());
        assertEquals("Failed", s.getPhase());
        assertTrue(s.getLastError().contains("CreateContainerConfigError"), s.getLastError());
        assertTrue(s.getLastError().contains(msg), s.getLastError());
    }

    @Test
    void ordinaryWaitingReasonsAreNotFailures() {
        WorkspaceStatus s = compute(young(GENERIC), deployment(0), null,
                List.of(waitingPod("ContainerCreating", null, 0)), List.of());
        assertEquals("Pending", s.getPhase());
        assertNull(s.getLastError());
    }

    @Test
    void failingInitContainerIsFailed() {
        Pod p = new PodBuilder().withNewMetadata().withName("dev-abc").endMetadata().withNewStatus()
                .addNewInitContainerStatus().withName("init").withNewState().withNewWaiting().withReason("ImagePullBackOff")
                    .withMessage("pull access denied").endWaiting().endState().endInitContainerStatus().endStatus().build();
        WorkspaceStatus s = compute(young(GENERIC), deployment(0), null, List.of(p), List.of());
        assertEquals("Failed", s.getPhase());
        assertTrue(s.getLastError().contains("pull access denied"), s.getLastError());
    }

    // --- pending and warnings ---------------------------------------------------------------

    @Test
    void pendingReportsTheNewestWarningAndIgnoresNormalEvents() {
        Event newer = event("Warning", "FailedMount", "MountVolume.SetUp failed for volume \"data\"", NOW.minusSeconds(10));
        Event normal = event("Normal", "Pulling", "Pulling image \"ghcr.io/acme/tool:2\"", NOW.minusSeconds(1));
        // newest warning is deliberately neither first nor last in the list
        WorkspaceStatus s = compute(young(GENERIC), deployment(0), clusterIp("10.0.0.1"), List.of(),
                List.of(OLD_WARNING, newer, normal));
        assertEquals("Pending", s.getPhase());
        assertNotNull(s.getLastError());
        assertTrue(s.getLastError().contains("FailedMount"), s.getLastError());
        assertTrue(s.getLastError().contains(newer.getMessage()), s.getLastError());
        assertFalse(s.getLastError().contains("FailedScheduling"), s.getLastError());
        assertFalse(s.getLastError().contains("Pulling"), s.getLastError());

        WorkspaceStatus reversed = compute(young(GENERIC), deployment(0), null, List.of(), List.of(normal, newer, OLD_WARNING));
        assertEquals(s.getLastError(), reversed.getLastError(), "the list order does not matter");
    }

    @Test
    void eventTimeIsUsedWhenLastTimestampIsMissing() {
        Event modern = new EventBuilder().withNewMetadata().withName("ev-modern").endMetadata().withType("Warning")
                .withReason("FailedMount").withMessage("volume not attached")
                .withEventTime(new MicroTime("2026-03-01T11:59:55.000000Z")).build();
        WorkspaceStatus s = compute(young(GENERIC), deployment(0), null, List.of(), List.of(modern, OLD_WARNING));
        assertTrue(s.getLastError().contains("volume not attached"), s.getLastError());
    }

    @Test
    void pendingWithoutWarningsHasNoError() {
        Event normal = event("Normal", "Scheduled", "assigned team-a/dev-abc to node-1", NOW.minusSeconds(5));
        WorkspaceStatus s = compute(young(GENERIC), deployment(0), null, List.of(), List.of(normal));
        assertEquals("Pending", s.getPhase());
        assertNull(s.getLastError());
        assertEquals("False", condition(s, "Ready").getStatus());
    }

    @Test
    void notReadyWithinTheStartTimeoutIsFailedWithTheLatestWarning() {
        Workspace old = workspace(GENERIC).created(NOW.minus(TIMEOUT).minusSeconds(1)).build();
        WorkspaceStatus s = compute(old, deployment(0), null, List.of(), List.of(OLD_WARNING));
        assertEquals("Failed", s.getPhase());
        assertTrue(s.getLastError().contains("not ready within " + TIMEOUT.toSeconds() + " s"), s.getLastError());
        assertTrue(s.getLastError().contains(OLD_WARNING.getMessage()), s.getLastError());
    }

    @Test
    void justInsideTheStartTimeoutIsStillPending() {
        Workspace ws = workspace(GENERIC).created(NOW.minus(TIMEOUT).plusSeconds(1)).build();
        assertEquals("Pending", compute(ws, deployment(0), null, List.of(), List.of()).getPhase());
    }

    @Test
    void aReadyReplicaIsRunningEvenAfterTheStartTimeout() {
        Workspace old = workspace(GENERIC).created(NOW.minus(Duration.ofDays(3))).build();
        assertEquals("Running", compute(old, deployment(1), null, List.of(), List.of(OLD_WARNING)).getPhase());
    }

    // --- external URL ---------------------------------------------------------------------

    @Test
    void externalUrlFromLoadBalancerIp() {
        Workspace ws = workspace(GENERIC).port(7000, "app").build();
        URI url = URI.create(compute(ws, deployment(1), loadBalancer("10.0.0.5", "192.0.2.10", null), List.of(), List.of())
                .getExternalURL());
        assertEquals("http", url.getScheme());
        assertEquals("192.0.2.10", url.getHost());
        assertEquals(7000, url.getPort());
    }

    @Test
    void externalUrlFromLoadBalancerHostname() {
        Workspace ws = workspace(GENERIC).port(7000, "app").build();
        URI url = URI.create(compute(ws, deployment(1), loadBalancer("10.0.0.5", null, "lb-123.elb.example.test"), List.of(),
                List.of()).getExternalURL());
        assertEquals("lb-123.elb.example.test", url.getHost());
        assertEquals(7000, url.getPort());
    }

    @Test
    void externalUrlFromIpv6LoadBalancerIsBracketed() {
        URI url = URI.create(compute(young(GENERIC), deployment(1), loadBalancer("fd00::5", "2001:db8::10", null), List.of(),
                List.of()).getExternalURL());
        assertEquals("[2001:db8::10]", url.getHost());
        assertEquals(8080, url.getPort());
    }

    @Test
    void externalUrlFromIngressHostIsHttpsWithTls() {
        Exposure e = ingressExposure("apps.example.test");
        e.setTlsIssuer("letsencrypt");
        Workspace ws = workspace(CODE_SERVER).name("kim").exposure(e).build();
        Optional<Ingress> ing = DesiredState.ingress(ws, WorkspaceDefaults.none());
        URI url = URI.create(compute(ws, deployment(1), clusterIp("10.0.0.1"), List.of(), List.of(), ing).getExternalURL());
        assertEquals("https", url.getScheme());
        assertEquals("kim.apps.example.test", url.getHost());
    }

    @Test
    void externalUrlFromIngressHostWithoutTlsIsHttp() {
        Workspace ws = workspace(CODE_SERVER).name("lee").exposure(ingressExposure("apps.example.test")).build();
        Optional<Ingress> ing = DesiredState.ingress(ws, WorkspaceDefaults.none());
        URI url = URI.create(compute(ws, deployment(1), clusterIp("10.0.0.1"), List.of(), List.of(), ing).getExternalURL());
        assertEquals("http", url.getScheme());
        assertEquals("lee.apps.example.test", url.getHost());
    }

    @Test
    void noExternalUrlForPlainClusterIpOrPendingLoadBalancer() {
        assertNull(compute(young(GENERIC), deployment(1), clusterIp("10.0.0.1"), List.of(), List.of()).getExternalURL());
        Service pendingLb = new ServiceBuilder().withNewSpec().withType("LoadBalancer").withClusterIP("10.0.0.2").endSpec()
                .withNewStatus().withNewLoadBalancer().endLoadBalancer().endStatus().build();
        assertNull(compute(young(GENERIC), deployment(1), pendingLb, List.of(), List.of()).getExternalURL());
    }

    // --- conditions -----------------------------------------------------------------------

    @Test
    void deploymentConditionsAreCopied() {
        DeploymentCondition available = new DeploymentConditionBuilder().withType("Available").withStatus("False")
                .withReason("MinimumReplicasUnavailable").withMessage("Deployment does not have minimum availability.").build();
        DeploymentCondition progressing = new DeploymentConditionBuilder().withType("Progressing").withStatus("True")
                .withReason("ReplicaSetUpdated").withMessage("ReplicaSet \"dev-abc\" is progressing.").build();
        WorkspaceStatus s = compute(young(GENERIC), deployment(0, available, progressing), null, List.of(), List.of());
        for (DeploymentCondition dc : List.of(available, progressing)) {
            Condition c = condition(s, dc.getType());
            assertEquals(dc.getStatus(), c.getStatus());
            assertEquals(dc.getReason(), c.getReason());
            assertEquals(dc.getMessage(), c.getMessage());
        }
    }

    @Test
    void withoutDeploymentConditionsOnlyReadyIsReported() {
        WorkspaceStatus s = compute(young(GENERIC), deployment(1), null, List.of(), List.of());
        assertEquals(List.of("Ready"), s.getConditions().stream().map(Condition::getType).toList());
    }

    static WorkspaceStatus previous(String readyStatus, Instant since) {
        WorkspaceStatus prev = new WorkspaceStatus();
        prev.setConditions(new ArrayList<>(List.of(new ConditionBuilder().withType("Ready").withStatus(readyStatus)
                .withReason("x").withMessage("").withLastTransitionTime(since.toString()).build())));
        return prev;
    }

    @Test
    void readyTransitionTimeIsKeptWhileTheStatusDoesNotChange() {
        Instant since = NOW.minus(Duration.ofHours(5));
        Workspace ws = workspace(GENERIC).created(NOW.minus(Duration.ofDays(1))).status(previous("True", since)).build();
        WorkspaceStatus s = compute(ws, deployment(1), null, List.of(), List.of());
        assertEquals("True", condition(s, "Ready").getStatus());
        assertEquals(since, Instant.parse(condition(s, "Ready").getLastTransitionTime()));

        Workspace pending = workspace(GENERIC).created(NOW.minusSeconds(60)).status(previous("False", since)).build();
        WorkspaceStatus p = compute(pending, deployment(0), null, List.of(), List.of());
        assertEquals(since, Instant.parse(condition(p, "Ready").getLastTransitionTime()));
    }

    @Test
    void readyTransitionTimeIsResetWhenTheStatusFlips() {
        Instant since = NOW.minus(Duration.ofHours(5));
        Workspace wasReady = workspace(GENERIC).created(NOW.minusSeconds(60)).status(previous("True", since)).build();
        WorkspaceStatus s = compute(wasReady, deployment(0), null, List.of(), List.of());
        assertEquals("False", condition(s, "Ready").getStatus());
        assertEquals(NOW, Instant.parse(condition(s, "Ready").getLastTransitionTime()));

        Workspace wasNotReady = workspace(GENERIC).created(NOW.minusSeconds(60)).status(previous("False", since)).build();
        WorkspaceStatus r = compute(wasNotReady, deployment(1), null, List.of(), List.of());
        assertEquals("True", condition(r, "Ready").getStatus());
        assertEquals(NOW, Instant.parse(condition(r, "Ready").getLastTransitionTime()));
    }

    @Test
    void firstStatusStartsTheReadyClockNow() {
        WorkspaceStatus s = compute(young(GENERIC), deployment(1), null, List.of(), List.of());
        assertEquals(NOW, Instant.parse(condition(s, "Ready").getLastTransitionTime()));
    }
}
