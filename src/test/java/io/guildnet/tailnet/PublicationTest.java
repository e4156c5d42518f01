package io.guildnet.tailnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.NamespacedKubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.guildnet.proxy.ClusterProxy;
import io.guildnet.proxy.FakeApiServer;
import io.guildnet.proxy.ProxyConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A published service end to end without a server: a connection to the publication's loopback
 * port reaches the workspace's pod through the real {@link ClusterProxy#connect} (workspace
 * lookup on the Kubernetes double, a fabric8 port-forward through the API server double) and a
 * real upstream, with half-closes passed on; a workspace without a pod, and closing.
 */
@Timeout(60)
class PublicationTest {

    KubernetesMockServer k8s;
    KubernetesClient direct;
    FakeApiServer api;
    KubernetesClient viaApi;
    ClusterProxy proxy;
    ServerSocket upstream;
    ExecutorService exec;

    @BeforeEach
    void start() throws Exception {
        java.util.Map<io.fabric8.mockwebserver.ServerRequest, java.util.Queue<io.fabric8.mockwebserver.ServerResponse>> responses =
                new java.util.HashMap<>();
        k8s = new KubernetesMockServer(new io.fabric8.mockwebserver.Context(), new io.fabric8.mockwebserver.MockWebServer(), responses,
                new io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher(responses), false);
        k8s.init(InetAddress.getLoopbackAddress(), 0);
        try (NamespacedKubernetesClient base = k8s.createClient()) {
            direct = new KubernetesClientBuilder().withConfig(new ConfigBuilder(base.getConfiguration()).withRequestRetryBackoffLimit(0).build()).build();
        }
        exec = Executors.newCachedThreadPool();
        // the "pod": upper-cases what it reads until EOF, then closes
        upstream = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
        exec.execute(() -> {
            while (!upstream.isClosed()) {
                try {
                    Socket s = upstream.accept();
                    exec.execute(() -> {
                        try (s; InputStream in = s.getInputStream(); OutputStream out = s.getOutputStream()) {
                            byte[] b = new byte[1024];
                            int n;
                            while ((n = in.read(b)) > 0) out.write(new String(b, 0, n, StandardCharsets.UTF_8).toUpperCase(Locale.ROOT).getBytes(StandardCharsets.UTF_8));
                        } catch (IOException ignored) {
                            // the test closed it
                        }
                    });
                } catch (IOException e) {
                    return;
                }
            }
        });
        direct.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("web").withNamespace("default").endMetadata()
                .withNewSpec().addToSelector("app", "web").addNewPort().withPort(80).withNewTargetPort(8080).endPort().endSpec().build()).create();
        direct.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("web-1").withNamespace("default")
                .addToLabels("app", "web").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("x").endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()).create();
        io.guildnet.workspace.model.Workspace ws = new io.guildnet.workspace.model.Workspace();
        ws.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("web").withNamespace("default").build());
        ws.setSpec(new io.guildnet.workspace.model.WorkspaceSpec());
        ws.getSpec().setImage("nginx:1.27");
        direct.resource(ws).create();
        // a Service with a running pod that is not a workspace
        direct.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("plain").withNamespace("default").endMetadata()
                .withNewSpec().addToSelector("app", "plain").addNewPort().withPort(6379).endPort().endSpec().build()).create();
        direct.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName("plain-1").withNamespace("default")
                .addToLabels("app", "plain").endMetadata().withNewSpec().addNewContainer().withName("c").withImage("redis").endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build()).create();
        api = FakeApiServer.plain(direct.getMasterUrl().toString(), "pub-token");
        api.route("default", "pods", "web-1", 8080, upstream.getLocalPort());
        viaApi = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(api.url()).withOauthToken("pub-token").withHttp2Disable(true)
                .withRequestRetryBackoffLimit(0).build()).build();
        proxy = new ClusterProxy("c1", viaApi, ProxyConfig.defaults(), false);
    }

    @AfterEach
    void stop() throws Exception {
        if (proxy != null) proxy.close();
        if (viaApi != null) viaApi.close();
        if (api != null) api.close();
        if (upstream != null) upstream.close();
        if (direct != null) direct.close();
        if (k8s != null) k8s.destroy();
        if (exec != null) exec.shutdownNow();
    }

    /** Sends {@code send} and reads as many bytes back (the pod answers each read at once). */
    static String exchange(int port, String send) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(send.getBytes(StandardCharsets.UTF_8));
            return new String(s.getInputStream().readNBytes(send.length()), StandardCharsets.UTF_8);
        }
    }

    /** Sends {@code send}, half-closes, and reads until the other side closes. */
    static String halfClosed(int port, String send) throws IOException {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            s.setSoTimeout(10_000);
            s.getOutputStream().write(send.getBytes(StandardCharsets.UTF_8));
            s.shutdownOutput();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void connectionsReachTheWorkspacesPodThroughAPortForward() throws Exception {
        try (Publication p = Publication.open(() -> proxy.connect("default", "web", 5000), exec, 16)) {
            assertEquals("HELLO TAILNET", exchange(p.localPort(), "hello tailnet"));
            assertEquals("AGAIN", exchange(p.localPort(), "again"));
            assertEquals(2, p.accepted());
            assertEquals(0, p.failed());
            assertTrue(api.portForwards.get() >= 1, "through the API server's pods/portforward");
        }
    }

    @Test
    void aClientThatClosesEndsItsConnectionThroughThePortForwardToo() throws Exception {
        // a port-forward does not carry half-closes: waiting for the pod to answer an EOF it never sees would hold the threads forever
        try (Publication p = Publication.open(() -> proxy.connect("default", "web", 5000), exec, 16)) {
            assertEquals("", halfClosed(p.localPort(), "bye"), "the client's EOF ends the connection");
            long until = System.currentTimeMillis() + 5000;
            while (p.openConnections() > 0 && System.currentTimeMillis() < until) Thread.sleep(20);
            assertEquals(0, p.openConnections(), "nothing left open on our side");
        }
    }

    @Test
    void connectionsBeyondTheLimitAreRefused() throws Exception {
        try (Publication p = Publication.open(() -> new Socket(InetAddress.getLoopbackAddress(), upstream.getLocalPort()), exec, 1);
             Socket first = new Socket(InetAddress.getLoopbackAddress(), p.localPort())) {
            first.setSoTimeout(10_000);
            first.getOutputStream().write("a".getBytes(StandardCharsets.UTF_8));
            assertEquals('A', first.getInputStream().read(), "the first is piped");
            try (Socket second = new Socket(InetAddress.getLoopbackAddress(), p.localPort())) {
                second.setSoTimeout(10_000);
                assertEquals(-1, second.getInputStream().read(), "the second is closed at once");
            }
            assertEquals(1, p.failed());
            assertTrue(p.lastError().contains("too many connections"), p.lastError());
        }
    }

    @Test
    void aCapabilityAddedLaterStopsNewConnections() throws Exception {
        try (Publication p = Publication.open(() -> proxy.connect("default", "web", 5000), exec, 16)) {
            assertEquals("OK", exchange(p.localPort(), "ok"));
            io.guildnet.workspace.model.Capability cap = new io.guildnet.workspace.model.Capability();
            cap.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("launch-only").withNamespace("default").build());
            cap.setSpec(new io.guildnet.workspace.model.CapabilitySpec());
            cap.getSpec().setActions(java.util.List.of("launch"));
            direct.resource(cap).create();
            Thread.sleep(3_500); // past the proxy's 3 s lookup cache
            assertEquals("", halfClosed(p.localPort(), "again"), "refused: no Capability allows proxy");
            long until = System.currentTimeMillis() + 5000;
            while (p.failed() == 0 && System.currentTimeMillis() < until) Thread.sleep(20);
            assertEquals(1, p.failed());
            assertTrue(p.lastError().contains("proxy"), p.lastError());
        }
    }

    @Test
    void onlyWorkspacesAreReachedNotAnyService() throws Exception {
        // "plain" is a Service with a running pod but no Workspace: no connection may reach it
        try (Publication p = Publication.open(() -> proxy.connect("default", "plain", 5000), exec, 16)) {
            assertEquals("", halfClosed(p.localPort(), "PING"));
            long until = System.currentTimeMillis() + 5000;
            while (p.failed() == 0 && System.currentTimeMillis() < until) Thread.sleep(20);
            assertEquals(1, p.failed());
            assertTrue(p.lastError().contains("no workspace 'plain'"), p.lastError());
            assertEquals(0, api.portForwards.get(), "no port-forward was opened");
        }
    }

    @Test
    void aWorkspaceWithoutAPodClosesTheConnectionAndSaysWhy() throws Exception {
        io.guildnet.workspace.model.Workspace ws = new io.guildnet.workspace.model.Workspace();
        ws.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("empty").withNamespace("default").build());
        ws.setSpec(new io.guildnet.workspace.model.WorkspaceSpec());
        ws.getSpec().setImage("nginx:1.27");
        direct.resource(ws).create();
        direct.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("empty").withNamespace("default").endMetadata()
                .withNewSpec().addToSelector("app", "empty").addNewPort().withPort(80).endPort().endSpec().build()).create();
        try (Publication p = Publication.open(() -> proxy.connect("default", "empty", 5000), exec, 16)) {
            assertEquals("", halfClosed(p.localPort(), "anyone?"));
            long until = System.currentTimeMillis() + 5000;
            while (p.failed() == 0 && System.currentTimeMillis() < until) Thread.sleep(20);
            assertEquals(1, p.failed());
            assertTrue(p.lastError().contains("has no pod"), p.lastError());
        }
    }

    @Test
    void closingStopsListeningAndCutsOpenConnections() throws Exception {
        Publication p = Publication.open(() -> proxy.connect("default", "web", 5000), exec, 16);
        int port = p.localPort();
        Socket open = new Socket(InetAddress.getLoopbackAddress(), port);
        open.getOutputStream().write("x".getBytes(StandardCharsets.UTF_8));
        open.setSoTimeout(10_000);
        assertEquals('X', open.getInputStream().read(), "piped while open");
        p.close();
        assertEquals(-1, open.getInputStream().read(), "the open connection was cut");
        open.close();
        // (not a connect to the port: the OS may already have handed it to another listener in this JVM)
        assertFalse(p.listening(), "the listener is closed");
        long accepted = p.accepted();
        try (Socket late = new Socket(InetAddress.getLoopbackAddress(), port)) {
            late.setSoTimeout(2_000);
            // someone else's listener got the port: whatever it is, it is not this publication
        } catch (ConnectException expected) {
            // nobody listens there any more
        }
        assertEquals(accepted, p.accepted(), "nothing more is accepted");
    }
}
