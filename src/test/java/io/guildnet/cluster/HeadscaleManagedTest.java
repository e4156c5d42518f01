package io.guildnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.guildnet.api.ApiException;
import io.guildnet.security.MasterKey;
import io.guildnet.security.SecretBox;
import io.guildnet.store.Database;
import io.guildnet.store.HeadscaleRecord;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** start/stop/destroy of a managed Headscale against a CRUD Kubernetes mock; external records are refused. */
@EnableKubernetesMockClient(crud = true)
class HeadscaleManagedTest {

    KubernetesClient client;

    @TempDir
    Path tmp;

    private Database db;
    private ExecutorService exec;
    private HeadscaleService hs;

    @BeforeEach
    void setUp() throws Exception {
        db = Database.open(tmp.resolve("state/guildnet.sqlite"));
        SecretBox box = new SecretBox(MasterKey.fromPassphrase("test-key", "test"));
        exec = Executors.newFixedThreadPool(2);
        hs = new HeadscaleService(db, () -> box, exec, Clock.systemUTC(), Duration.ofSeconds(15));
        hs.clusters(id -> {
            if (!"alpha".equals(id)) throw ApiException.notFound("unknown_cluster", "no cluster with id " + id);
            return client;
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        exec.shutdownNow();
        exec.awaitTermination(5, TimeUnit.SECONDS);
        db.close();
    }

    @Test
    void externalRecordsAreRefusedWithAReason() {
        HeadscaleRecord r = hs.create("ext");
        assertFalse(r.managed());
        for (String a : new String[] {"start", "stop", "destroy"}) {
            ApiException e = assertThrows(ApiException.class, () -> hs.operate(r.id(), a, false));
            assertEquals(409, e.status());
            assertEquals("headscale_not_managed_here", e.code());
            assertTrue(e.getMessage().contains("external") && e.getMessage().contains("action=manage"), e.getMessage());
        }
        assertNull(client.apps().deployments().inNamespace("headscale").withName("headscale").get(), "nothing was deployed");
    }

    @Test
    void manageValidatesClusterAndNamespace() {
        HeadscaleRecord r = hs.create("m");
        assertEquals("unknown_cluster", assertThrows(ApiException.class, () -> hs.manage(r.id(), "nope", "headscale")).code());
        assertEquals("invalid_field", assertThrows(ApiException.class, () -> hs.manage(r.id(), "alpha", "Bad_NS")).code());
        HeadscaleRecord m = hs.manage(r.id(), "alpha", null);
        assertTrue(m.managed());
        assertEquals("headscale", m.namespace());
        assertEquals("alpha", hs.require(r.id()).cluster(), "stored");
        hs.setEndpoint(r.id(), "http://127.0.0.1:8080");
        assertEquals("alpha", hs.require(r.id()).cluster(), "setting the endpoint keeps the placement");
        assertFalse(hs.manage(r.id(), null, null).managed(), "cluster null makes it external again");
    }

    @Test
    void startStopDestroyOperateTheDeployment() {
        HeadscaleRecord r = hs.create("managed");
        hs.manage(r.id(), "alpha", "hs-alpha");
        hs.setEndpoint(r.id(), "https://hs.alpha.example.test");

        ApiException notYet = assertThrows(ApiException.class, () -> hs.operate(r.id(), "stop", false));
        assertEquals("headscale_not_deployed", notYet.code());

        var started = hs.operate(r.id(), "start", false);
        assertEquals("running", started.state());
        assertTrue(started.applied().contains("Deployment/headscale"), started.applied().toString());
        assertEquals("running", hs.require(r.id()).state());
        assertNotNull(client.namespaces().withName("hs-alpha").get(), "namespace created");
        var d = client.apps().deployments().inNamespace("hs-alpha").withName("headscale").get();
        assertEquals(1, d.getSpec().getReplicas());
        assertTrue(d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage().startsWith("headscale/headscale:"));
        var svc = client.services().inNamespace("hs-alpha").withName("headscale").get();
        assertEquals(java.util.List.of(8080, 9090), svc.getSpec().getPorts().stream().map(p -> p.getPort()).toList());
        String config = client.configMaps().inNamespace("hs-alpha").withName("headscale-config").get().getData().get("config.yaml");
        assertTrue(config.contains("server_url: https://hs.alpha.example.test\n"), "server_url from the record's endpoint");
        assertNotNull(client.persistentVolumeClaims().inNamespace("hs-alpha").withName("headscale-data").get());

        assertEquals("stopped", hs.operate(r.id(), "stop", false).state());
        assertEquals(0, client.apps().deployments().inNamespace("hs-alpha").withName("headscale").get().getSpec().getReplicas());
        assertEquals("stopped", hs.require(r.id()).state());

        // start again is idempotent and scales back to 1
        hs.operate(r.id(), "start", false);
        assertEquals(1, client.apps().deployments().inNamespace("hs-alpha").withName("headscale").get().getSpec().getReplicas());

        var destroyed = hs.operate(r.id(), "destroy", false);
        assertEquals("destroyed", destroyed.state());
        assertNull(client.apps().deployments().inNamespace("hs-alpha").withName("headscale").get());
        assertNull(client.services().inNamespace("hs-alpha").withName("headscale").get());
        assertNull(client.configMaps().inNamespace("hs-alpha").withName("headscale-config").get());
        assertNotNull(client.persistentVolumeClaims().inNamespace("hs-alpha").withName("headscale-data").get(), "data kept by default");

        hs.operate(r.id(), "destroy", true);
        assertNull(client.persistentVolumeClaims().inNamespace("hs-alpha").withName("headscale-data").get(), "delete_data removes the PVC");
        assertEquals("destroyed", hs.require(r.id()).state());
    }
}
