package io.guildnet.workspace;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.guildnet.workspace.model.Workspace;
import io.guildnet.workspace.model.WorkspaceSpec;
import java.net.InetAddress;
import java.time.Duration;
import java.util.HashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The JOSDK operator end to end against the fabric8 API double (CRUD mode). */
class WorkspaceOperatorTest {

    KubernetesMockServer server;
    NamespacedKubernetesClient client;
    ExecutorService executor;
    WorkspaceOperator operator;

    @BeforeEach
    void start() throws Exception {
        var responses = new HashMap<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), true);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        // leader election first checks that it may use Leases (the double has no RBAC: answer "allowed")
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder()
                        .withNewMetadata().endMetadata().withNewSpec().withNamespace("guildnet-system").endSpec()
                        .withNewStatus().addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
                        .withVerbs("*").endResourceRule().withIncomplete(false).endStatus().build())
                .always();
        executor = Executors.newCachedThreadPool();
        CrdInstaller.ensure(client);
        operator = new WorkspaceOperator("test", client, executor, WorkspaceDefaults::none, Duration.ofSeconds(300), true).start();
    }

    @AfterEach
    void stop() {
        if (operator != null) operator.close();
        client.close();
        server.destroy();
        executor.shutdownNow();
    }

    static <T> T await(Supplier<T> s, String what) throws InterruptedException {
        return await(s, what, 150);
    }

    static <T> T await(Supplier<T> s, String what, int tenthsOfSecond) throws InterruptedException {
        for (int i = 0; i < tenthsOfSecond; i++) {
            T v = s.get();
            if (v != null && !(v instanceof Boolean b && !b)) return v;
            Thread.sleep(100);
        }
        throw new AssertionError("timed out waiting for " + what);
    }

    static Workspace workspace(String name, String image) {
        Workspace ws = new Workspace();
        ws.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace("default").build());
        WorkspaceSpec spec = new WorkspaceSpec();
        spec.setImage(image);
        ws.setSpec(spec);
        return ws;
    }

    @Test
    void createsDeploymentServiceAndPasswordSecretThenReportsRunningWhenAReplicaIsReady() throws Exception {
        client.resource(workspace("ide", "codercom/code-server:4.90.3")).create();

        Deployment dep = await(() -> client.apps().deployments().inNamespace("default").withName("ide").get(), "deployment");
        assertEquals("ide", dep.getSpec().getTemplate().getMetadata().getLabels().get(DesiredState.WORKSPACE_LABEL));
        assertEquals("Workspace", dep.getMetadata().getOwnerReferences().get(0).getKind());
        assertNotNull(await(() -> client.services().inNamespace("default").withName("ide").get(), "service"));
        var secret = await(() -> client.secrets().inNamespace("default").withName("ide-password").get(), "password secret");
        String pw = new String(java.util.Base64.getDecoder().decode(secret.getData().get("password")));
        assertTrue(pw.length() >= 20, "a generated password, never a fixed one like 'changeme'");

        Workspace pending = await(() -> {
            Workspace w = client.resources(Workspace.class).inNamespace("default").withName("ide").get();
            return w.getStatus() != null && "Pending".equals(w.getStatus().getPhase()) ? w : null;
        }, "Pending status");
        assertEquals("ide.default.svc.cluster.local", pending.getStatus().getServiceDNS());
        assertEquals("ide-password", pending.getStatus().getPasswordSecret());

        // the cluster reports a ready replica: the Deployment event triggers a reconcile
        dep.setStatus(new DeploymentStatusBuilder().withReplicas(1).withReadyReplicas(1).withAvailableReplicas(1).build());
        client.apps().deployments().inNamespace("default").resource(dep).updateStatus();
        Workspace running = await(() -> {
            Workspace w = client.resources(Workspace.class).inNamespace("default").withName("ide").get();
            return "Running".equals(w.getStatus().getPhase()) ? w : null;
        }, "Running status");
        assertEquals(1, running.getStatus().getReadyReplicas());
        assertTrue(running.getStatus().getConditions().stream().anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus())));
    }

    @Test
    void specChangesAreRolledOutAndThePasswordIsKept() throws Exception {
        client.resource(workspace("web", "codercom/code-server:4.90.3")).create();
        await(() -> client.apps().deployments().inNamespace("default").withName("web").get(), "deployment");
        var s1 = await(() -> client.secrets().inNamespace("default").withName("web-password").get(), "secret");

        Workspace ws = client.resources(Workspace.class).inNamespace("default").withName("web").get();
        ws.getSpec().setImage("codercom/code-server:4.91.0");
        client.resource(ws).update();
        await(() -> "codercom/code-server:4.91.0".equals(client.apps().deployments().inNamespace("default").withName("web").get()
                .getSpec().getTemplate().getSpec().getContainers().get(0).getImage()), "new image rolled out");
        var s2 = client.secrets().inNamespace("default").withName("web-password").get();
        assertNotNull(s1.getData().get("password"));
        assertEquals(s1.getData(), s2.getData(), "the generated password must survive updates");
    }

    @Test
    void theWatchedSettingsConfigMapSwitchesServicesToLoadBalancer() throws Exception {
        client.resource(workspace("lb", "busybox")).create();
        var svc = await(() -> client.services().inNamespace("default").withName("lb").get(), "service");
        assertEquals("ClusterIP", svc.getSpec().getType());

        client.configMaps().inNamespace(CrdInstaller.SYSTEM_NAMESPACE).resource(new io.fabric8.kubernetes.api.model.ConfigMapBuilder()
                .withNewMetadata().withName(WorkspaceReconciler.SETTINGS_CONFIGMAP).withNamespace(CrdInstaller.SYSTEM_NAMESPACE).endMetadata()
                .addToData("workspace_lb_enabled", "true").build()).create();
        await(() -> "LoadBalancer".equals(client.services().inNamespace("default").withName("lb").get().getSpec().getType()),
                "Service switched to LoadBalancer after the ConfigMap change");

        var cm = client.configMaps().inNamespace(CrdInstaller.SYSTEM_NAMESPACE).withName(WorkspaceReconciler.SETTINGS_CONFIGMAP).get();
        cm.getData().put("workspace_lb_enabled", "false");
        client.resource(cm).update();
        await(() -> "ClusterIP".equals(client.services().inNamespace("default").withName("lb").get().getSpec().getType()),
                "and back to ClusterIP");
    }

    @Test
    void aStandbyOperatorTakesOverWhenTheLeaderStops() throws Exception {
        operator.close(); // replace the default one with two short-lease operators
        WorkspaceOperator first = new WorkspaceOperator("a", client, executor, WorkspaceDefaults::none, Duration.ofSeconds(300), true,
                Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(300)).start();
        WorkspaceOperator second = new WorkspaceOperator("b", client, executor, WorkspaceDefaults::none, Duration.ofSeconds(300), true,
                Duration.ofSeconds(3), Duration.ofSeconds(2), Duration.ofMillis(300)).start();
        operator = second;
        String holder = await(() -> {
            var lease = client.leases().inNamespace(CrdInstaller.SYSTEM_NAMESPACE).withName(WorkspaceOperator.LEASE).get();
            return lease == null ? null : lease.getSpec().getHolderIdentity();
        }, "a lease holder");
        client.resource(workspace("before", "busybox")).create();
        // the closed default operator still holds the lease until it expires (15 s): allow for that
        await(() -> client.apps().deployments().inNamespace("default").withName("before").get(), "reconciled by the leader", 400);
        holder = client.leases().inNamespace(CrdInstaller.SYSTEM_NAMESPACE).withName(WorkspaceOperator.LEASE).get().getSpec().getHolderIdentity();

        WorkspaceOperator leader = holder.equals(first.identity()) ? first : second;
        WorkspaceOperator standby = leader == first ? second : first;
        assertTrue(holder.equals(leader.identity()), "one of the two leads: " + holder);
        leader.close();
        operator = standby;
        client.resource(workspace("after", "busybox")).create();
        await(() -> client.apps().deployments().inNamespace("default").withName("after").get(), "reconciled by the new leader", 200);
        String newHolder = client.leases().inNamespace(CrdInstaller.SYSTEM_NAMESPACE).withName(WorkspaceOperator.LEASE).get()
                .getSpec().getHolderIdentity();
        assertEquals(standby.identity(), newHolder, "leadership moved to the standby");
    }

    @Test
    void orphanedObjectsOfDeletedOrReplacedWorkspacesAreSwept() throws Exception {
        client.resource(workspace("keep", "busybox")).create();
        await(() -> client.apps().deployments().inNamespace("default").withName("keep").get(), "deployment");
        operator.close(); // no reconciles while the leftovers are planted
        operator = null;
        Workspace ghost = workspace("ghost", "busybox");
        ghost.getMetadata().setUid("uid-of-a-deleted-workspace");
        client.apps().deployments().inNamespace("default").resource(DesiredState.deployment(ghost, WorkspaceDefaults.none())).create();
        client.services().inNamespace("default").resource(DesiredState.service(ghost, WorkspaceDefaults.none())).create();
        var unrelated = new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata().withName("not-ours").withNamespace("default")
                .endMetadata().withNewSpec().addNewPort().withPort(80).endPort().endSpec().build();
        client.services().inNamespace("default").resource(unrelated).create();

        assertTrue(OrphanSweeper.sweep(client).isEmpty(), "fresh objects are never swept (their Workspace may be brand new)");
        var deleted = OrphanSweeper.sweep(client, java.time.Instant.now().plusSeconds(1));
        assertEquals(2, deleted.size(), deleted.toString());
        assertTrue(client.apps().deployments().inNamespace("default").withName("ghost").get() == null);
        assertTrue(client.services().inNamespace("default").withName("ghost").get() == null);
        assertNotNull(client.apps().deployments().inNamespace("default").withName("keep").get(), "a live workspace keeps its objects");
        assertNotNull(client.services().inNamespace("default").withName("not-ours").get(), "objects GuildNet did not create are left alone");
    }
}
