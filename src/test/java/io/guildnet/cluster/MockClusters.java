package io.guildnet.cluster;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;

/**
 * Test helpers for the cluster layer: fabric8 mock API servers (several at once), kubeconfigs
 * pointing at them, and closed loopback ports for unreachable clusters. Everything started
 * here is stopped by {@link #close()}.
 */
final class MockClusters implements AutoCloseable {

    static final String TOKEN = "tok-6f1c2d9e";

    private final List<KubernetesMockServer> servers = new ArrayList<>();
    private final List<KubernetesClient> clients = new ArrayList<>();

    /**
     * A mock API server in CRUD mode that also answers expectations (like the JUnit
     * extension's {@code crud = true}): GET /version answers from the expectation the
     * server registers at start-up, everything else is stored and served as resources.
     */
    KubernetesMockServer crud() {
        return crud(false);
    }

    /** As {@link #crud()}, over TLS (a self-signed certificate; the kubeconfig skips verification) when {@code https}. */
    KubernetesMockServer crud(boolean https) {
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer s = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(),
                responses, new KubernetesMixedDispatcher(responses), https);
        s.init(InetAddress.getLoopbackAddress(), 0);
        servers.add(s);
        return s;
    }

    /** A mock API server answering only expectations (GET / and /version are pre-registered by the mock). */
    KubernetesMockServer expectations() {
        KubernetesMockServer s = new KubernetesMockServer(false);
        s.init(InetAddress.getLoopbackAddress(), 0);
        servers.add(s);
        return s;
    }

    /** A separate client to {@code s}, built the way the Host App builds them (from a kubeconfig). */
    KubernetesClient clientFor(KubernetesMockServer s) {
        KubernetesClient c = new ClientFactory(2000, 5000).build(kubeconfig(s), ClusterSettings.empty());
        clients.add(c);
        return c;
    }

    static String url(KubernetesMockServer s) {
        String u = s.url("/");
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    static String kubeconfig(KubernetesMockServer s) {
        return kubeconfig(url(s));
    }

    static String kubeconfig(String server) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: mock
                  cluster:
                    server: %s
                    insecure-skip-tls-verify: true
                contexts:
                - name: mock-ctx
                  context:
                    cluster: mock
                    user: tester
                    namespace: default
                current-context: mock-ctx
                users:
                - name: tester
                  user:
                    token: %s
                """.formatted(server, TOKEN);
    }

    /** A loopback port nothing listens on (bound, read, closed). */
    static int closedPort() throws IOException {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return ss.getLocalPort();
        }
    }

    static String unreachableKubeconfig() throws IOException {
        return kubeconfig("http://127.0.0.1:" + closedPort());
    }

    @Override
    public void close() {
        for (KubernetesClient c : clients) c.close();
        for (KubernetesMockServer s : servers) s.destroy();
        clients.clear();
        servers.clear();
    }
}
