package io.guildnet.batch;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;

/**
 * A Kubernetes API double for the batch tests: fabric8's mock server in CRUD mode on a loopback
 * port (plain HTTP), with optional answers for access reviews and a Ready node.
 */
final class KubeDouble implements AutoCloseable {

    final KubernetesMockServer server;
    final KubernetesClient client;

    KubeDouble() {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        server = new KubernetesMockServer(new Context(), new MockWebServer(), responses, new KubernetesMixedDispatcher(responses), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        // no client-side retries: a test double's 500 is meant to be seen at once
        try (NamespacedKubernetesClient base = server.createClient()) {
            client = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration()).withRequestRetryBackoffLimit(0).build()).build();
        }
        // the operator's leader election asks whether it may use Leases
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new SelfSubjectRulesReviewBuilder().withNewMetadata().endMetadata().withNewSpec().withNamespace("guildnet-system").endSpec()
                        .withNewStatus().addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
                        .withVerbs("*").endResourceRule().withIncomplete(false).endStatus().build())
                .always();
    }

    /** Every SelfSubjectAccessReview is answered {@code allowed}. */
    KubeDouble accessReviews(boolean allowed) {
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectaccessreviews")
                .andReturn(201, new SelfSubjectAccessReviewBuilder().withNewSpec().endSpec().withNewStatus().withAllowed(allowed).endStatus().build())
                .always();
        return this;
    }

    KubeDouble readyNode() {
        client.nodes().resource(new NodeBuilder().withNewMetadata().withName("node-1").endMetadata()
                .withNewStatus().addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()).create();
        return this;
    }

    @Override
    public void close() {
        client.close();
        server.destroy();
    }
}
