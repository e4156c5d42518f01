package io.guildnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.api.ApiException;
import io.guildnet.batch.BatchEnvironment;
import io.guildnet.cluster.ClusterInstance;
import io.guildnet.cluster.ClusterService;
import io.guildnet.proxy.ClusterProxy;
import io.guildnet.proxy.ProxyService;
import io.guildnet.rethink.ClusterDatabase;
import io.guildnet.rethink.RethinkModule;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.BatchStatus;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.shrinkwrap.api.ShrinkWrap;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * In-container tests (Arquillian, Liberty managed): the packaged war plus this class run in a Liberty
 * server of their own (prepared by {@link ArquillianServer}); the test methods run inside it with the
 * application's CDI beans injected, except {@link RunAsClient} ones, which run in the test JVM.
 */
@ExtendWith(ArquillianExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class InContainerIT {

    @Deployment
    static WebArchive deployment() {
        // the product as packaged (target/guildnet.war), plus this test class
        File war = new File(System.getProperty("it.war", "target/guildnet.war"));
        return ShrinkWrap.create(WebArchive.class, "guildnet-arq.war")
                .merge(ShrinkWrap.createFromZipFile(WebArchive.class, war))
                .addClass(InContainerIT.class);
    }

    @Inject
    ClusterService clusters;

    @Inject
    RethinkModule rethink;

    @Inject
    ProxyService proxy;

    @Inject
    BatchEnvironment batch;

    private static String mockKubeconfig() throws Exception {
        return Files.readString(Path.of(System.getenv("ARQ_MOCK_KUBECONFIG")));
    }

    @Test
    @Order(1)
    void addingAClusterStartsItsInstanceWithPartsAndDeletingItClosesThem() throws Exception {
        assertNotNull(clusters, "ClusterService injected");
        String id = clusters.create("arq-mock").id();
        var health = clusters.attach(id, mockKubeconfig());
        assertEquals("ok", health.status(), "health of the cluster behind the kubeconfig: " + health);

        ClusterInstance inst = clusters.registry().get(id);
        assertFalse(inst.closed());
        assertEquals(inst, clusters.registry().peek(id).orElseThrow(), "one instance per cluster");
        // the RethinkDB part is attached by the instance start hook (GUILDNET_RDB_BACKEND=memory here)
        ClusterDatabase db = inst.part(ClusterDatabase.PART, ClusterDatabase.class).orElseThrow(() -> new AssertionError("no rethink part"));
        assertEquals(db, rethink.forCluster(id), "the part is reused, not rebuilt");
        JsonObject dbHealth = db.health();
        assertTrue(dbHealth.getBoolean("ok"), dbHealth.toString());
        // the proxy part (port-forwards of the cluster) is attached on first use
        proxy.forwards(inst);
        assertTrue(inst.part(ClusterProxy.PART, ClusterProxy.class).isPresent(), "proxy part attached");
        Path state = clusters.registry().stateDir(id);
        assertTrue(Files.isDirectory(state), state.toString());

        clusters.delete(id);
        assertTrue(inst.closed(), "instance closed on delete");
        assertTrue(clusters.registry().peek(id).isEmpty(), "instance forgotten");
        assertTrue(inst.part(ClusterDatabase.PART, ClusterDatabase.class).isEmpty(), "parts detached");
        ApiException closed = assertThrows(ApiException.class, () -> db.link().backend(), "database link closed with the instance");
        assertEquals("db_unavailable", closed.code());
        assertFalse(db.health().getBoolean("ok"));
        assertFalse(Files.exists(state), "state directory removed");
        ApiException gone = assertThrows(ApiException.class, () -> clusters.registry().get(id));
        assertEquals("unknown_cluster", gone.code());
    }

    @Test
    @Order(2)
    @RunAsClient
    void theServerTalkedToTheMockClusterInTheTestJvm() {
        // runs in the test JVM: the in-container test above reached the Kubernetes API double over loopback
        assertTrue(ArquillianServer.mock.server.getRequestCount() > 0, "requests seen by the mock");
    }

    @Test
    @Order(3)
    void diagnoseJobRunsToCompletedOnThePersistentJobRepository() throws Exception {
        String id = clusters.create("arq-diagnose").id();
        clusters.attach(id, mockKubeconfig());
        try {
            long exec = batch.jobs().submit("guildnet-diagnose", Json.createObjectBuilder().add("cluster", id).build(), "arquillian", null);
            JobOperator ops = BatchRuntime.getJobOperator();
            long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
            BatchStatus s = ops.getJobExecution(exec).getBatchStatus();
            while (!io.guildnet.batch.JobService.terminal(s) && System.nanoTime() < deadline) {
                Thread.sleep(200);
                s = ops.getJobExecution(exec).getBatchStatus();
            }
            assertEquals(BatchStatus.COMPLETED, s, "exit status " + ops.getJobExecution(exec).getExitStatus());
            assertEquals("guildnet-diagnose", ops.getJobExecution(exec).getJobName());
            assertTrue(ops.getJobInstanceCount("guildnet-diagnose") >= 1, "instance kept in the job repository");
            JsonObject report = batch.jobs().report(exec);
            assertTrue(report.containsKey("findings") && report.containsKey("summary"), report.toString());
            assertTrue(report.getJsonObject("summary").getString("text").startsWith("Cluster " + id), report.toString());
        } finally {
            clusters.delete(id);
        }
    }

}
