package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** k8s/rethinkdb.yaml: every document parses (the anchor's lost its Service) and discovery finds the client port. */
class RethinkManifestTest {

    @Test
    @SuppressWarnings("unchecked")
    void manifestHasTheServiceAndAStatefulSetWithStorageAndProbes() throws Exception {
        Object o = new KubernetesSerialization().unmarshal(Files.newInputStream(Path.of("k8s/rethinkdb.yaml")));
        List<HasMetadata> items = (List<HasMetadata>) o;
        assertEquals(3, items.size());
        Service svc = (Service) items.stream().filter(i -> i.getMetadata().getName().equals("rethinkdb")).findFirst().orElseThrow();
        assertEquals("ClusterIP", svc.getSpec().getType());
        assertEquals(28015, Discovery.clientPort(svc).orElseThrow().getPort());
        assertTrue(svc.getSpec().getPorts().stream().anyMatch(p -> p.getPort() == 29015));
        assertTrue(svc.getSpec().getPorts().stream().noneMatch(p -> p.getPort() == 8080), "admin UI not on the client Service");
        StatefulSet sts = (StatefulSet) items.stream().filter(i -> i instanceof StatefulSet).findFirst().orElseThrow();
        var c = sts.getSpec().getTemplate().getSpec().getContainers().get(0);
        assertNotNull(c.getReadinessProbe());
        assertNotNull(c.getResources().getRequests().get("memory"));
        assertEquals(1, sts.getSpec().getVolumeClaimTemplates().size());
        assertEquals(sts.getSpec().getSelector().getMatchLabels(), svc.getSpec().getSelector());
    }
}
