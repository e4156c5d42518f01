package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.util.List;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class DiscoveryTest {

    KubernetesClient client;

    @Test
    void explicitAddressWinsThenLoadBalancerNodePortClusterIpAndPortForward() {
        assertEquals("db.example:28016", Discovery.candidates("db.example:28016", client, "default", "rethinkdb").get(0).addr());
        assertEquals(List.of(), Discovery.candidates(null, client, "default", "rethinkdb"), "no Service, nothing to try");
        client.services().inNamespace("db").resource(new ServiceBuilder().withNewMetadata().withName("rethinkdb").endMetadata()
                .withNewSpec().withType("LoadBalancer").withClusterIP("10.0.0.7").addToSelector("app", "rdb")
                .addNewPort().withName("cluster").withPort(29015).endPort()
                .addNewPort().withName("client").withPort(28015).withNodePort(30015).endPort().endSpec()
                .withNewStatus().withNewLoadBalancer().addNewIngress().withIp("192.0.2.10").endIngress().endLoadBalancer().endStatus().build()).create();
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("n1").endMetadata().withNewStatus()
                .addNewAddress().withType("InternalIP").withAddress("10.1.0.1").endAddress().endStatus().build()).create();
        client.pods().inNamespace("db").resource(new PodBuilder().withNewMetadata().withName("rethinkdb-0").addToLabels("app", "rdb").endMetadata()
                .withNewStatus().withPhase("Running").endStatus().build()).create();
        List<String> addrs = Discovery.candidates("", client, "db", "rethinkdb").stream().map(Discovery.Candidate::addr).toList();
        assertEquals(List.of("192.0.2.10:28015", "10.1.0.1:30015", "10.0.0.7:28015", "port-forward db/rethinkdb-0:28015"), addrs);
    }
}
