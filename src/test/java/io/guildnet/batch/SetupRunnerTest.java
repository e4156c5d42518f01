package io.guildnet.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.batch.setup.SetupContext;
import io.guildnet.batch.setup.SetupRunner;
import io.guildnet.batch.setup.SetupSteps;
import io.guildnet.batch.verify.DatabaseProbes;
import io.guildnet.batch.verify.VerifyContext;
import io.guildnet.batch.verify.Verifier;
import jakarta.json.JsonObject;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** guildnet-setup's steps from an empty cluster: ready, idempotent, and rolled back in reverse when a step fails. */
class SetupRunnerTest {

    KubeDouble k8s;
    final List<String> log = new ArrayList<>();
    final List<Duration> slept = new ArrayList<>();
    /** A stand-in for the embedded operator: records start/stop (the operator itself is tested in WorkspaceOperatorTest). */
    volatile String operatorIdentity;

    @AfterEach
    void stop() {
        if (k8s != null) k8s.close();
    }

    SetupContext ctx() {
        SetupContext.OperatorControl op = new SetupContext.OperatorControl() {
            @Override public Optional<String> embedded() { return Optional.ofNullable(operatorIdentity); }

            @Override public boolean embeddingAllowed() { return true; }

            @Override public void start() { operatorIdentity = "guildnet-test-operator"; }

            @Override public void stop() { operatorIdentity = null; }
        };
        return new SetupContext("c1", k8s.client, "default", op, () -> Map.of("workspace_lb_enabled", "false"), Optional.empty(),
                DatabaseProbes.NONE,
                () -> new Verifier(Clock.systemUTC()).verify(new VerifyContext("c1", k8s.client, "default", op::embedded,
                        () -> new VerifyContext.HostHealth(true, "ok"), DatabaseProbes.NONE, false, Duration.ofSeconds(5), () -> false), r -> { }),
                (step, msg) -> log.add(step + ": " + msg), () -> false);
    }

    SetupRunner runner() { return new SetupRunner(slept::add); }

    static final SetupRunner.Policy POLICY = new SetupRunner.Policy(2, Duration.ofMillis(100), Duration.ofSeconds(1));

    static Map<String, String> outcomes(JsonObject r) {
        return r.getJsonArray("steps").getValuesAs(JsonObject.class).stream().collect(Collectors.toMap(s -> s.getString("name"), s -> s.getString("outcome")));
    }

    @Test
    void setsUpAnEmptyClusterAndASecondRunChangesNothing() {
        k8s = new KubeDouble().accessReviews(true).readyNode();
        JsonObject r = runner().runAll(SetupSteps.all(), ctx(), POLICY);
        assertEquals("succeeded", r.getString("status"), r + "\n" + log);
        Map<String, String> o = outcomes(r);
        assertEquals("unchanged", o.get("prerequisites"));
        assertEquals("applied", o.get("crds"));
        assertEquals("applied", o.get("operator"));
        assertEquals("skipped", o.get("rethinkdb"));
        assertEquals("applied", o.get("settings"));
        assertEquals("skipped", o.get("tailnet"));
        assertEquals("unchanged", o.get("verify"));
        assertNotNull(k8s.client.apiextensions().v1().customResourceDefinitions().withName("workspaces.guildnet.io").get());
        assertEquals("false", k8s.client.configMaps().inNamespace("guildnet-system").withName("guildnet-cluster-settings").get().getData().get("workspace_lb_enabled"));
        assertTrue(log.stream().anyMatch(l -> l.startsWith("rethinkdb: skipped") && l.contains("k8s/rethinkdb.yaml")), log.toString());

        JsonObject again = runner().runAll(SetupSteps.all(), ctx(), POLICY);
        assertEquals("succeeded", again.getString("status"));
        assertTrue(outcomes(again).values().stream().allMatch(v -> v.equals("unchanged") || v.equals("skipped")), again.toString());
    }

    @Test
    void aFailingStepIsRetriedWithBackoffThenEverythingAppliedIsRolledBackInReverse() {
        k8s = new KubeDouble().accessReviews(true).readyNode();
        // the settings ConfigMap cannot be written: the API server answers 500
        k8s.server.expect().post().withPath("/api/v1/namespaces/guildnet-system/configmaps")
                .andReturn(500, "{\"kind\":\"Status\",\"status\":\"Failure\",\"message\":\"etcd is down\",\"code\":500}").always();
        JsonObject r = runner().runAll(SetupSteps.all(), ctx(), POLICY);
        assertEquals("rolled_back", r.getString("status"), r.toString());
        assertEquals("settings", r.getString("failed_step"));
        assertTrue(r.getString("error").contains("etcd is down"), r.getString("error"));
        assertEquals(List.of("operator", "crds"), r.getJsonArray("rolled_back").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList(), "newest first");
        assertEquals(List.of(Duration.ofMillis(100), Duration.ofMillis(200)), slept, "two retries with doubling backoff");
        assertNull(k8s.client.apiextensions().v1().customResourceDefinitions().withName("workspaces.guildnet.io").get(), "CRDs removed");
        assertNull(k8s.client.namespaces().withName("guildnet-system").get(), "namespace removed");
        assertNull(operatorIdentity, "operator stopped");
        assertTrue(log.contains("crds: rollback: deleted CRD workspaces.guildnet.io"), log.toString());
    }

    @Test
    void rollbackKeepsWhatWasThereBefore() {
        k8s = new KubeDouble().accessReviews(true).readyNode();
        assertEquals("succeeded", runner().runAll(SetupSteps.all(), ctx(), POLICY).getString("status"));
        // now the verification fails (the operator is gone): nothing applied this time, so nothing is removed
        operatorIdentity = null;
        SetupContext.OperatorControl never = null;
        JsonObject r = runner().runAll(List.of(SetupSteps.byName("crds"), SetupSteps.byName("verify")), ctx(), POLICY);
        assertEquals("rolled_back", r.getString("status"));
        assertEquals("verify", r.getString("failed_step"));
        assertTrue(r.getString("error").contains("K8S04"), r.getString("error"));
        assertEquals(0, r.getJsonArray("rolled_back").size());
        assertNotNull(k8s.client.apiextensions().v1().customResourceDefinitions().withName("workspaces.guildnet.io").get(), "pre-existing CRDs kept");
        assertTrue(slept.isEmpty(), "a failed verification is not retried");
    }

    @Test
    void missingPermissionFailsAtOnceWithoutRetries() {
        k8s = new KubeDouble().accessReviews(false);
        JsonObject r = runner().runAll(SetupSteps.all(), ctx(), POLICY);
        assertEquals("prerequisites", r.getString("failed_step"));
        assertTrue(r.getString("error").contains("missing permission(s): create customresourcedefinitions"), r.getString("error"));
        assertTrue(slept.isEmpty());
    }

    @Test
    void dryRunPlanNamesEveryStep() {
        k8s = new KubeDouble();
        List<String> plan = runner().plan(SetupSteps.all(), ctx());
        assertEquals(7, plan.size());
        assertTrue(plan.get(0).startsWith("1. prerequisites: "));
        assertTrue(plan.get(3).contains("skip RethinkDB"), plan.get(3));
        assertTrue(k8s.client.namespaces().list().getItems().stream().noneMatch(n -> n.getMetadata().getName().equals("guildnet-system")), "nothing applied");
    }

    @Test
    void backoffDoublesUpToItsCap() {
        var p = new SetupRunner.Policy(5, Duration.ofMillis(300), Duration.ofSeconds(1));
        assertEquals(List.of(300L, 600L, 1000L, 1000L), List.of(p.delay(1), p.delay(2), p.delay(3), p.delay(4)).stream().map(Duration::toMillis).toList());
    }
}
