package io.guildnet.it;

import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/** A Kubernetes API double (fabric8 mock, CRUD + expectations) on a loopback port, and kubeconfigs for it. */
public final class MockCluster implements AutoCloseable {

    public final KubernetesMockServer server;
    public final NamespacedKubernetesClient client;

    public MockCluster() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), true);
        server.init(InetAddress.getLoopbackAddress(), 0);
        client = server.createClient();
        // the embedded operator's leader election asks whether it may use Leases; the double has no RBAC
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder()
                        .withNewMetadata().endMetadata().withNewSpec().withNamespace("guildnet-system").endSpec()
                        .withNewStatus().addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
                        .withVerbs("*").endResourceRule().withIncomplete(false).endStatus().build())
                .always();
        // guildnet-setup/verify ask SelfSubjectAccessReviews: this identity may do everything
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
                .andReturn(201, new io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder()
                        .withNewSpec().endSpec().withNewStatus().withAllowed(true).endStatus().build())
                .always();
        // one Ready node, as on a healthy cluster
        client.nodes().resource(new io.fabric8.kubernetes.api.model.NodeBuilder().withNewMetadata().withName("node-1").endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()).create();
    }

    public String url() {
        return client.getMasterUrl().toString().replaceAll("/$", "");
    }

    public String kubeconfig(String name) {
        return kubeconfigFor(url(), name);
    }

    static String kubeconfigFor(String server, String name) {
        return "apiVersion: v1\nkind: Config\ncurrent-context: " + name + "\n"
                + "clusters:\n- name: " + name + "\n  cluster:\n    server: " + server + "\n    insecure-skip-tls-verify: true\n"
                + "contexts:\n- name: " + name + "\n  context:\n    cluster: " + name + "\n    user: " + name + "-user\n"
                + "users:\n- name: " + name + "-user\n  user:\n    token: secret-token-of-" + name + "\n";
    }

    /** A kubeconfig whose server is a closed loopback port: connections are refused at once. */
    static String unreachableKubeconfig(String name) throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        return kubeconfigFor("https://127.0.0.1:" + port, name);
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
