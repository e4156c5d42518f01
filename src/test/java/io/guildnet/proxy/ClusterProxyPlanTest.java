package io.guildnet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The order in which the proxy tries the ways to a workspace, and the API server paths it builds. */
class ClusterProxyPlanTest {

    final KubernetesClient client = new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:6443/k8s/clusters/c-1").withOauthToken("tok").build()).build();

    @AfterEach
    void close() {
        client.close();
    }

    static Pod pod(String name, String phase, boolean ready) {
        return new PodBuilder().withNewMetadata().withName(name).endMetadata()
                .withNewSpec().addNewContainer().withName("ide").addNewPort().withName("http").withContainerPort(8443).endPort().endContainer().endSpec()
                .withNewStatus().withPhase(phase).addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition().endStatus()
                .build();
    }

    static ClusterProxy.Target target(boolean endpoints, List<Pod> pods) {
        return new ClusterProxy.Target("team", "ws1", Map.of(), "http", 8080, "10.96.0.10", endpoints, pods, new IntOrString("http"), List.of(), true);
    }

    ClusterProxy proxy(String direct) {
        return new ClusterProxy("c1", client, ProxyConfig.from(k -> k.equals("guildnet.proxy.direct") ? Optional.of(direct) : Optional.empty()), false);
    }

    static List<ProxyPath> paths(List<Hop> hops) {
        return hops.stream().map(Hop::path).toList();
    }

    @Test
    void servicProxyFirstThenAPortForwardWhenThePodIsKnown() {
        List<Hop> hops = proxy("auto").plan(target(true, List.of(pod("ws1-a", "Running", true))), new ClusterProxy.Options(false, false));
        assertEquals(List.of(ProxyPath.SERVICE, ProxyPath.PORT_FORWARD), paths(hops));
        assertEquals("/k8s/clusters/c-1/api/v1/namespaces/team/services/http:ws1:8080/proxy", hops.get(0).prefix(),
                "the API server's base path is kept");
        assertTrue(hops.get(0).apiServer());
        assertEquals("Bearer tok", hops.get(0).extra().first("Authorization"));
    }

    @Test
    void podProxyFirstWhenTheServiceHasNoReadyEndpointsOrItIsPreferred() {
        var t = target(false, List.of(pod("ws1-a", "Running", true)));
        List<Hop> hops = proxy("auto").plan(t, new ClusterProxy.Options(false, false));
        assertEquals(List.of(ProxyPath.POD, ProxyPath.PORT_FORWARD), paths(hops), "no endpoints: the service proxy would only fail");
        assertEquals("/k8s/clusters/c-1/api/v1/namespaces/team/pods/http:ws1-a:8443/proxy", hops.get(0).prefix(),
                "the named target port is resolved on the pod");
        var preferred = proxy("auto").plan(target(true, List.of(pod("ws1-a", "Running", true))), new ClusterProxy.Options(true, false));
        assertEquals(List.of(ProxyPath.POD, ProxyPath.SERVICE, ProxyPath.PORT_FORWARD), paths(preferred));
    }

    @Test
    void portForwardFirstWhenTheClusterAsksForIt() {
        var hops = proxy("auto").plan(target(true, List.of(pod("ws1-a", "Running", true))), new ClusterProxy.Options(false, true));
        assertEquals(List.of(ProxyPath.PORT_FORWARD, ProxyPath.SERVICE), paths(hops));
        assertEquals("", hops.get(0).prefix(), "a port-forward reaches the pod itself: the sub-path is sent as is");
    }

    @Test
    void directClusterIpOnlyWhenEnabledAndWithoutPodsOnlyTheServiceProxy() {
        assertEquals(List.of(ProxyPath.SERVICE), paths(proxy("auto").plan(target(true, List.of()), new ClusterProxy.Options(false, true))));
        assertEquals(List.of(ProxyPath.SERVICE, ProxyPath.DIRECT), paths(proxy("on").plan(target(true, List.of()), new ClusterProxy.Options(false, false))));
    }

    @Test
    void readyRunningPodsAreChosenFirst() {
        List<Pod> pods = new java.util.ArrayList<>(List.of(pod("pending", "Pending", false), pod("running", "Running", false), pod("ready", "Running", true)));
        pods.sort(java.util.Comparator.comparingInt(ClusterProxy::podRank));
        assertEquals(List.of("ready", "running", "pending"), pods.stream().map(p -> p.getMetadata().getName()).toList());
    }
}
