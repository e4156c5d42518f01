package io.guildnet.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.guildnet.batch.diagnose.DiagnoseContext;
import io.guildnet.batch.diagnose.Diagnoser;
import io.guildnet.workspace.CrdInstaller;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** guildnet-diagnose's rules: each kind of evidence turns into the matching suggestion. */
class DiagnoserTest {

    KubeDouble k8s;

    @AfterEach
    void stop() {
        if (k8s != null) k8s.close();
    }

    static PodBuilder pod(String name) {
        return new PodBuilder().withNewMetadata().withName(name).withNamespace("default").endMetadata();
    }

    JsonObject diagnose(List<String> errors, JsonObject connections) {
        return new Diagnoser(Clock.systemUTC()).diagnose(new DiagnoseContext("c1", k8s.client, "default", () -> errors,
                () -> Json.createObjectBuilder().add("ingress_domain", "example.test").add("ts_client_auth", "tskey-auth-abc123").build(),
                () -> connections, 50));
    }

    static Map<String, JsonObject> byRule(JsonObject report) {
        return report.getJsonArray("findings").getValuesAs(JsonObject.class).stream().collect(Collectors.toMap(f -> f.getString("rule"), f -> f, (a, b) -> a));
    }

    @Test
    void failingPodsEventsAndMissingPartsBecomeSuggestions() throws Exception {
        k8s = new KubeDouble();
        var pods = k8s.client.pods().inNamespace("default");
        pods.resource(pod("pull").withNewStatus().withPhase("Pending").addNewContainerStatus().withName("app").withNewState().withNewWaiting()
                .withReason("ImagePullBackOff").withMessage("Back-off pulling image \"ghcr.io/x/nope:1\"").endWaiting().endState().endContainerStatus().endStatus().build()).create();
        pods.resource(pod("crash").withNewStatus().withPhase("Running").addNewContainerStatus().withName("app").withNewState().withNewWaiting()
                .withReason("CrashLoopBackOff").endWaiting().endState().endContainerStatus().endStatus().build()).create();
        pods.resource(pod("oom").withNewStatus().withPhase("Running").addNewContainerStatus().withName("app").withNewState().withNewRunning().endRunning().endState()
                .withNewLastState().withNewTerminated().withReason("OOMKilled").withExitCode(137).endTerminated().endLastState().endContainerStatus().endStatus().build()).create();
        pods.resource(pod("stuck").withNewStatus().withPhase("Pending").addNewCondition().withType("PodScheduled").withStatus("False")
                .withReason("Unschedulable").withMessage("0/1 nodes are available: insufficient cpu").endCondition().endStatus().build()).create();
        pods.resource(pod("fine").withNewStatus().withPhase("Running").endStatus().build()).create();
        k8s.client.v1().events().inNamespace("default").resource(new EventBuilder().withNewMetadata().withName("e1").withNamespace("default").endMetadata()
                .withType("Warning").withReason("FailedMount").withMessage("secret \"ws-password\" not found").withLastTimestamp("2026-01-01T00:00:00Z")
                .withNewInvolvedObject().withKind("Pod").withNamespace("default").withName("pull").endInvolvedObject().build()).create();

        JsonObject report = diagnose(List.of("2026-01-01T00:00:00Z WARNING io.guildnet: cluster c1: 403 Forbidden: deployments.apps is forbidden"),
                Json.createObjectBuilder().add("operator", "absent").build());
        Map<String, JsonObject> f = byRule(report);
        assertTrue(f.get("ImagePullBackOff").getString("suggestion").contains("pull secret"), f.toString());
        assertTrue(f.get("ImagePullBackOff").getString("subject").contains("default/pull"));
        assertTrue(f.get("CrashLoopBackOff").getString("suggestion").contains("logs"));
        assertTrue(f.get("OOMKilled").getString("suggestion").contains("memory"));
        assertTrue(f.get("Unschedulable").getString("evidence").contains("insufficient cpu"));
        assertTrue(f.get("FailedMount").getString("suggestion").contains("Secret"));
        assertTrue(f.get("crds-missing").getString("suggestion").contains("guildnet-setup"));
        assertTrue(f.get("rethinkdb-missing").getString("suggestion").contains("guildnet-setup"));
        assertTrue(f.containsKey("operator-not-running"));
        assertTrue(f.containsKey("permission-errors"));
        assertEquals(4, report.getJsonArray("failing_pods").size(), report.getJsonArray("failing_pods").toString());
        assertEquals(1, report.getJsonArray("events").size());
        JsonObject summary = report.getJsonObject("summary");
        assertEquals("error", summary.getString("status"));
        assertTrue(summary.getString("text").contains("ImagePullBackOff"), summary.getString("text"));
        assertEquals("***", report.getJsonObject("settings").getString("ts_client_auth"), "settings redacted");
        assertFalse(report.toString().contains("tskey-auth-abc123"));
        assertTrue(report.getJsonNumber("duration_ms").longValue() < 5000);
    }

    @Test
    void aHealthyClusterHasNoFindings() throws Exception {
        k8s = new KubeDouble();
        CrdInstaller.ensure(k8s.client);
        k8s.client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("rethinkdb").withNamespace("default").endMetadata()
                .withNewSpec().addNewPort().withPort(28015).endPort().endSpec().build()).create();
        JsonObject report = diagnose(List.of(), Json.createObjectBuilder().add("operator", "embedded (x)").build());
        assertEquals(0, report.getJsonArray("findings").size(), report.getJsonArray("findings").toString());
        assertEquals("ok", report.getJsonObject("summary").getString("status"));
        assertTrue(report.getJsonObject("summary").getString("text").contains("nothing wrong found"));
    }

    @Test
    void anUnreachableClusterIsAFindingNotAnException() throws Exception {
        int port;
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (var c = new io.fabric8.kubernetes.client.KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + port).withRequestRetryBackoffLimit(0).withConnectionTimeout(500).build()).build()) {
            JsonObject report = new Diagnoser(Clock.systemUTC()).diagnose(new DiagnoseContext("c9", c, "default", List::of,
                    () -> Json.createObjectBuilder().build(), () -> Json.createObjectBuilder().build(), 10));
            assertTrue(byRule(report).containsKey("cluster-unreachable"), report.toString());
            assertFalse(report.getJsonArray("collection_problems").isEmpty());
        }
    }
}
