package io.guildnet.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentStatusBuilder;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.guildnet.batch.verify.CheckResult;
import io.guildnet.batch.verify.DatabaseProbes;
import io.guildnet.batch.verify.Verifier;
import io.guildnet.batch.verify.VerifyContext;
import io.guildnet.batch.verify.WorkspaceProxy;
import io.guildnet.proxy.ClusterProxy;
import io.guildnet.proxy.FakeApiServer;
import io.guildnet.proxy.ProxyConfig;
import io.guildnet.workspace.CrdInstaller;
import io.guildnet.workspace.WorkspaceDefaults;
import io.guildnet.workspace.WorkspaceOperator;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * APP03 end to end without a server: the real operator reconciles the probe Workspace on the
 * Kubernetes double, a stand-in kubelet marks its Deployment ready and runs its pod as a real
 * local HTTP upstream serving what the probe's command would serve, and the request goes
 * through the proxy's own hops (ClusterProxy → the API server double's pod proxy → the upstream).
 */
@org.junit.jupiter.api.Timeout(60)
class VerifierProxyTest {

    enum Mode { SERVE, ERROR_500, NOT_LISTENING }

    KubeDouble k8s;
    FakeApiServer api;
    KubernetesClient viaApi;
    ClusterProxy proxy;
    ExecutorService executor;
    WorkspaceOperator operator;
    volatile boolean stop;
    volatile Mode mode = Mode.SERVE;
    final Set<String> started = ConcurrentHashMap.newKeySet();
    final List<HttpServer> upstreams = new java.util.concurrent.CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws Exception {
        k8s = new KubeDouble().accessReviews(true).readyNode();
        CrdInstaller.ensure(k8s.client);
        executor = Executors.newCachedThreadPool();
        operator = new WorkspaceOperator("c1", k8s.client, executor, WorkspaceDefaults::none, Duration.ofSeconds(300), true).start();
        api = FakeApiServer.plain(k8s.client.getMasterUrl().toString(), "probe-token");
        viaApi = new KubernetesClientBuilder().withConfig(new ConfigBuilder().withMasterUrl(api.url()).withOauthToken("probe-token").withHttp2Disable(true)
                .withRequestRetryBackoffLimit(0).build()).build();
        proxy = new ClusterProxy("c1", viaApi, ProxyConfig.defaults(), false);
        executor.execute(this::kubelet);
    }

    @AfterEach
    void close() {
        stop = true;
        if (operator != null) operator.close();
        if (proxy != null) proxy.close();
        if (viaApi != null) viaApi.close();
        if (api != null) api.close();
        upstreams.forEach(u -> u.stop(0));
        if (k8s != null) k8s.close();
        if (executor != null) executor.shutdownNow();
    }

    /** What a kubelet and the Deployment controller would do for each probe Deployment: a ready pod running its page. */
    void kubelet() {
        while (!stop) {
            try {
                for (Deployment d : k8s.client.apps().deployments().inNamespace("default").list().getItems()) {
                    String name = d.getMetadata().getName();
                    if (!name.startsWith("gn-verify-") || !started.add(name)) continue;
                    var container = d.getSpec().getTemplate().getSpec().getContainers().get(0);
                    String page = container.getEnv().stream().filter(e -> e.getName().equals("GN_PROBE_BODY")).findFirst().orElseThrow().getValue();
                    assertTrue(String.join(" ", container.getCommand()).contains("httpd -f -p 8080"), container.getCommand().toString());
                    assertEquals(65534L, container.getSecurityContext().getRunAsUser(), "busybox runs as nobody");
                    String pod = name + "-abc12";
                    if (mode != Mode.NOT_LISTENING) {
                        HttpServer up = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
                        up.createContext("/", x -> {
                            byte[] b = (mode == Mode.SERVE ? page : "httpd: internal error").getBytes(StandardCharsets.UTF_8);
                            x.sendResponseHeaders(mode == Mode.SERVE ? 200 : 500, b.length);
                            x.getResponseBody().write(b);
                            x.close();
                        });
                        up.start();
                        upstreams.add(up);
                        api.route("default", "pods", pod, 8080, up.getAddress().getPort());
                    }
                    Pod p = new PodBuilder().withNewMetadata().withName(pod).withNamespace("default")
                            .withLabels(d.getSpec().getTemplate().getMetadata().getLabels()).endMetadata()
                            .withNewSpec().withContainers(container).endSpec()
                            .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                            .build();
                    k8s.client.pods().inNamespace("default").resource(p).create();
                    d.setStatus(new DeploymentStatusBuilder().withObservedGeneration(1L).withReplicas(1).withReadyReplicas(1)
                            .withAvailableReplicas(1).build());
                    k8s.client.apps().deployments().inNamespace("default").resource(d).updateStatus();
                }
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | java.io.IOException e) {
                if (stop) return;
            }
        }
    }

    Map<String, CheckResult> application() {
        WorkspaceProxy route = (name, sub, timeout) -> {
            var r = proxy.fetch("default", name, sub, new ClusterProxy.Options(false, false), (int) timeout.toMillis(), 64 * 1024);
            return new WorkspaceProxy.Response(r.status(), r.path(), r.body());
        };
        VerifyContext ctx = new VerifyContext("c1", k8s.client, "default", () -> Optional.of(operator.identity()),
                () -> new VerifyContext.HostHealth(true, "ok"), DatabaseProbes.NONE, true, Duration.ofSeconds(8), () -> false,
                Optional::empty, route, new VerifyContext.Probe(VerifyContext.Probe.DEFAULT_IMAGE, Duration.ofSeconds(20), Duration.ofSeconds(3)));
        return new Verifier(Clock.systemUTC()).layer("application", ctx, r -> { }).stream()
                .collect(Collectors.toMap(r -> r.check().code(), r -> r));
    }

    @Test
    void aRunningProbeAnswersThroughTheProxyRoute() {
        var c = application();
        assertEquals("pass", c.get("APP02").status().wire(), c.get("APP02").message());
        CheckResult app03 = c.get("APP03");
        assertEquals("pass", app03.status().wire(), app03.message());
        assertTrue(app03.message().matches("GET /api/cluster/c1/proxy/server/gn-verify-[0-9a-f]{8}/ answered 200 with the probe's page through pod-proxy in \\d+ ms"),
                app03.message());
        assertTrue(app03.json().containsKey("latency_ms") && app03.json().containsKey("threshold_ms"), app03.json().toString());
        assertEquals(1, api.podProxy.get(), "one request, through the API server's pod proxy");
        assertTrue(api.proxiedPaths.contains("pods:/"), api.proxiedPaths.toString());
        // cleaned up
        assertTrue(k8s.client.resources(io.guildnet.workspace.model.Workspace.class).inNamespace("default").list().getItems().isEmpty());
        assertTrue(k8s.client.pods().inNamespace("default").list().getItems().isEmpty());
    }

    @Test
    void anErrorFromTheProbeFailsWithTheStatusAndASuggestion() {
        mode = Mode.ERROR_500;
        CheckResult app03 = application().get("APP03");
        assertEquals("fail", app03.status().wire(), app03.message());
        assertTrue(app03.message().contains("answered 500 through pod-proxy: httpd: internal error"), app03.message());
        assertTrue(app03.json().getString("suggestion").contains("X-Guild-Proxy-Path"), app03.json().toString());
    }

    @Test
    void aProbeNothingListensOnFailsWithEveryPathTried() {
        mode = Mode.NOT_LISTENING;
        CheckResult app03 = application().get("APP03");
        assertEquals("fail", app03.status().wire(), app03.message());
        assertTrue(app03.message().contains("workspace unreachable") && app03.message().contains("pod-proxy")
                && app03.message().contains("port-forward"), app03.message());
        assertTrue(app03.json().containsKey("suggestion"));
    }
}
