package io.guildnet.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.guildnet.proxy.FakeApiServer;
import io.guildnet.proxy.FakeWorkspace;
import jakarta.json.JsonObject;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The reverse proxy end to end: a browser-like client → Host App → (API server service proxy,
 * pod proxy, port-forward, or an allowlisted address) → a code-server-like upstream. The API
 * server is {@link FakeApiServer} in front of the fabric8 CRUD mock; the upstream is
 * {@link FakeWorkspace}. Timeouts are set short so the streams below outlive all of them.
 */
class ProxyIT {

    static LibertyServer server;
    static MockCluster mock;
    static FakeApiServer api;
    static FakeWorkspace workspace;
    static String cluster;
    static String base;
    static int closedPort;

    @BeforeAll
    static void start() throws Exception {
        workspace = new FakeWorkspace();
        mock = new MockCluster();
        api = FakeApiServer.plain(mock.url(), "proxy-token");
        api.route("default", "services", "ws1", 8080, workspace.port());
        api.route("default", "pods", "ws1-pod", 8080, workspace.port());
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        api.route("default", "services", "dead", 8080, closedPort);
        seedWorkspace("ws1", "ws1-pod", true);
        mock.client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName("dead").endMetadata()
                .withNewSpec().addNewPort().withName("http").withPort(8080).endPort().withSelector(java.util.Map.of("app", "dead"))
                .endSpec().build()).create();

        server = new LibertyServer("proxyIT");
        server.wipeHome();
        Files.createDirectories(server.home());
        var kc = server.home().resolveSibling("proxyIT-kubeconfig.yaml");
        Files.writeString(kc, api.kubeconfig("proxy-default", null));
        server.env().put("KUBECONFIG", kc.toString());
        server.env().put("GUILDNET_PROXY_ALLOWLIST", "127.0.0.1:" + workspace.port());
        server.env().put("GUILDNET_PROXY_MAX_BODY_BYTES", Integer.toString(2 * 1024 * 1024));
        server.env().put("GUILDNET_PROXY_IDLE_TIMEOUT_SECONDS", "3");
        server.env().put("GUILDNET_PROXY_RESPONSE_TIMEOUT_SECONDS", "2");
        server.env().put("GUILDNET_PROXY_RESOLVE_CACHE_MS", "200");
        server.start();

        HttpResponse<String> r = server.json("POST", "/api/deploy/clusters", "{\"name\":\"proxied\"}");
        assertEquals(201, r.statusCode(), r.body());
        cluster = Json.obj(r.body()).getString("id");
        HttpResponse<String> att = server.json("POST", "/api/deploy/clusters/" + cluster + "?action=attach-kubeconfig",
                ClusterApiIT.attachBody(api.kubeconfig("proxied", null)));
        assertEquals(200, att.statusCode(), att.body());
        base = "/api/cluster/" + cluster + "/proxy/server/ws1";
        // the instances start in the background (CRDs, operator): wait until both routes answer
        long deadline = System.nanoTime() + 60_000_000_000L;
        for (String p : List.of(base + "/", "/proxy/server/ws1/")) {
            int st = 0;
            while (System.nanoTime() < deadline && (st = server.get(p).statusCode()) != 200) Thread.sleep(250);
            assertEquals(200, st, "proxy route " + p + " ready");
        }
    }

    static void seedWorkspace(String name, String pod, boolean ready) {
        var labels = java.util.Map.of("guildnet.io/workspace", name);
        mock.client.services().inNamespace("default").resource(new ServiceBuilder().withNewMetadata().withName(name).withLabels(labels).endMetadata()
                .withNewSpec().withClusterIP("10.96.0.10").addNewPort().withName("http").withPort(8080)
                .withNewTargetPort().withValue("http").endTargetPort().endPort().withSelector(labels).endSpec().build()).create();
        mock.client.pods().inNamespace("default").resource(new PodBuilder().withNewMetadata().withName(pod).withLabels(labels).endMetadata()
                .withNewSpec().addNewContainer().withName("ide").withImage("codercom/code-server:4.90.3")
                .addNewPort().withName("http").withContainerPort(8080).endPort().endContainer().endSpec()
                .withNewStatus().withPhase("Running").addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus()
                .build()).create();
        mock.client.discovery().v1().endpointSlices().inNamespace("default").resource(new EndpointSliceBuilder()
                .withNewMetadata().withName(name + "-abc").withLabels(java.util.Map.of("kubernetes.io/service-name", name)).endMetadata()
                .withAddressType("IPv4").addNewEndpoint().withAddresses("10.244.0.7").withNewConditions().withReady(ready).endConditions().endEndpoint()
                .build()).create();
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.stopQuietly();
        if (api != null) api.close();
        if (workspace != null) workspace.close();
        if (mock != null) mock.close();
    }

    static HttpResponse<String> get(String path, String... headers) throws Exception {
        return server.get(path, headers);
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse(null);
    }

    @Test
    void servesTheIdePageThroughTheApiServersServiceProxyWithFramingRelaxedForTheUi() throws Exception {
        int before = api.serviceProxy.get();
        HttpResponse<String> r = get(base + "/");
        assertEquals(200, r.statusCode(), r.body());
        assertTrue(r.body().contains("code-server"), r.body());
        assertEquals("service-proxy", header(r, "X-Guild-Proxy-Path"));
        assertTrue(api.serviceProxy.get() > before, "the request went through services/proxy");
        assertNull(header(r, "X-Frame-Options"), "the IDE must be embeddable in the UI");
        String csp = header(r, "Content-Security-Policy");
        assertTrue(csp.contains("default-src 'self'") && csp.contains("frame-ancestors 'self'") && !csp.contains("'none'"), csp);
        assertEquals(base + "/", header(r, "Service-Worker-Allowed"));
        assertEquals(0, api.unauthorized.get(), "the cluster's token was sent to the API server");
    }

    @Test
    void redirectsStayUnderTheProxyBaseAndKeepTheirQuery() throws Exception {
        HttpResponse<String> root = get(base + "/redirect/root");
        assertEquals(302, root.statusCode());
        assertEquals(base + "/login?x=1", header(root, "Location"));
        HttpResponse<String> abs = get(base + "/redirect/absolute");
        assertEquals(base + "/login?next=%2Fhome&x=1", header(abs, "Location"));
        HttpResponse<String> rel = get(base + "/redirect/relative");
        assertEquals("./login?x=1", header(rel, "Location"));
        // the raw path form (no API server): the upstream's own absolute URL is mapped too
        HttpResponse<String> raw = get("/proxy/127.0.0.1:" + workspace.port() + "/redirect/absolute");
        assertEquals("/proxy/127.0.0.1:" + workspace.port() + "/login?next=%2Fhome&x=1", header(raw, "Location"));
    }

    @Test
    void cookiesAreScopedToTheWorkspaceAndKeepTheirSecurityAttributes() throws Exception {
        HttpResponse<String> r = get(base + "/cookie");
        List<String> cookies = r.headers().allValues("Set-Cookie");
        String sid = cookies.stream().filter(c -> c.startsWith("sid=")).findFirst().orElseThrow();
        assertTrue(sid.contains("Path=" + base + "/"), sid);
        assertTrue(sid.contains("Secure") && sid.contains("SameSite=Lax") && sid.contains("HttpOnly") && sid.contains("Partitioned"), sid);
        String theme = cookies.stream().filter(c -> c.startsWith("theme=")).findFirst().orElseThrow();
        assertFalse(theme.toLowerCase().contains("domain="), theme);
        assertTrue(theme.contains("Path=" + base + "/prefs") && theme.contains("Secure"), theme);
    }

    @Test
    void streamsARequestBodyAndNeverForwardsTheHostAppsCredentials() throws Exception {
        byte[] body = new byte[1536 * 1024];
        new java.util.Random(7).nextBytes(body);
        HttpRequest req = HttpRequest.newBuilder(server.uri(base + "/echo?q=1&x=%2F"))
                // no length known up front: sent chunked
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(body)))
                .header("Authorization", "Bearer " + server.adminToken())
                .header("Cookie", "gn_session=not-for-the-workspace; theme=dark")
                .header("X-Forwarded-For", "6.6.6.6")
                .header("X-Forwarded-Host", "evil.example")
                .header("Origin", "https://127.0.0.1:" + server.port())
                .build();
        HttpResponse<String> r = server.client().send(req, HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode(), r.body());
        JsonObject echo = Json.obj(r.body());
        assertEquals(body.length, echo.getInt("bodyBytes"));
        assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)), echo.getString("bodySha256"));
        assertEquals("/echo?q=1&x=%2F", echo.getString("target"));
        JsonObject h = echo.getJsonObject("headers");
        assertFalse(h.containsKey("authorization"), "the Host App token must not reach the workspace: " + h);
        assertFalse(h.containsKey("x-api-token"));
        assertEquals("theme=dark", h.getString("cookie"));
        assertEquals("127.0.0.1", h.getString("x-forwarded-for"), "untrusted X-Forwarded-For dropped");
        assertEquals("127.0.0.1:" + server.port(), h.getString("x-forwarded-host"));
        assertEquals("https", h.getString("x-forwarded-proto"));
        assertEquals(base, h.getString("x-forwarded-prefix"));
        // code-server's WebSocket origin check compares Origin with X-Forwarded-Host: they must agree
        assertEquals("https://" + h.getString("x-forwarded-host"), h.getString("origin"));
    }

    @Test
    void refusesBodiesOverTheProxyLimitWith413() throws Exception {
        byte[] big = new byte[3 * 1024 * 1024];
        HttpResponse<String> declared = server.client().send(HttpRequest.newBuilder(server.uri(base + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
        RequestBasicsIT.assertError(declared, 413, "payload_too_large");
        HttpResponse<String> chunked = server.client().send(HttpRequest.newBuilder(server.uri(base + "/echo"))
                .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(big))).build(),
                HttpResponse.BodyHandlers.ofString());
        RequestBasicsIT.assertError(chunked, 413, "payload_too_large");
    }

    @Test
    void serverSentEventsArriveAsProducedAndOutliveEveryTimeout() throws Exception {
        long t0 = System.nanoTime();
        HttpResponse<Stream<String>> r = server.client().send(HttpRequest.newBuilder(server.uri(base + "/sse?events=6&intervalMs=1000")).build(),
                HttpResponse.BodyHandlers.ofLines());
        assertEquals(200, r.statusCode());
        assertEquals("text/event-stream", header(r, "Content-Type"));
        List<Long> arrivals = new ArrayList<>();
        r.body().filter(l -> l.startsWith("data:")).forEach(l -> arrivals.add((System.nanoTime() - t0) / 1_000_000));
        assertEquals(6, arrivals.size(), "all events arrived although the stream lasted longer than the 2 s response and 3 s idle timeouts");
        assertTrue(arrivals.get(0) < 1500, "the first event was flushed at once, not at the end: " + arrivals);
        assertTrue(arrivals.get(5) >= 4500, "events arrived over time: " + arrivals);
    }

    @Test
    void largeDownloadsStreamIntact() throws Exception {
        long size = 64L * 1024 * 1024 + 17;
        HttpResponse<InputStream> r = server.client().send(HttpRequest.newBuilder(server.uri(base + "/download?bytes=" + size)).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, r.statusCode());
        assertEquals(Long.toString(size), header(r, "Content-Length"));
        long pos = 0;
        byte[] buf = new byte[65536];
        try (InputStream in = r.body()) {
            int n;
            while ((n = in.read(buf)) >= 0) {
                for (int i = 0; i < n; i++) {
                    if (buf[i] != (byte) ((pos + i) % 256)) throw new AssertionError("byte " + (pos + i) + " differs");
                }
                pos += n;
            }
        }
        assertEquals(size, pos);
    }

    @Test
    void chunkedAndCloseDelimitedResponsesPassThrough() throws Exception {
        assertEquals("part-0;part-1;part-2;part-3;", get(base + "/chunked?parts=4").body());
        assertEquals("until-close-body", get(base + "/close-without-length").body());
        HttpResponse<String> ws404 = get(base + "/status/503");
        assertEquals(503, ws404.statusCode(), "the workspace's own 503 is passed on, not mistaken for the API server's");
        assertEquals("{\"from\":\"workspace\",\"status\":503}", ws404.body());
    }

    /** Collects what a WebSocket receives. */
    static final class Collector implements WebSocket.Listener {
        final LinkedBlockingQueue<Object> messages = new LinkedBlockingQueue<>();
        final CompletableFuture<int[]> closed = new CompletableFuture<>();
        final java.io.ByteArrayOutputStream binary = new java.io.ByteArrayOutputStream();
        final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                messages.add(text.toString());
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
            byte[] b = new byte[data.remaining()];
            data.get(b);
            binary.writeBytes(b);
            if (last) {
                messages.add(binary.toByteArray());
                binary.reset();
            }
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
            closed.complete(new int[] {code});
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(new int[] {-1});
        }
    }

    static WebSocket open(String path, Collector c) throws Exception {
        HttpClient client = server.newClient();
        return client.newWebSocketBuilder()
                .subprotocols("vscode-remote", "other")
                .header("Origin", "https://127.0.0.1:" + server.port())
                .connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("wss://127.0.0.1:" + server.port() + path), c).get(10, TimeUnit.SECONDS);
    }

    static void echoes(WebSocket ws, Collector c) throws Exception {
        ws.sendText("hello workspace", true).get(5, TimeUnit.SECONDS);
        assertEquals("hello workspace", c.messages.poll(5, TimeUnit.SECONDS));
        byte[] mib = new byte[1024 * 1024];
        new java.util.Random(3).nextBytes(mib);
        ws.sendBinary(ByteBuffer.wrap(mib), true).get(10, TimeUnit.SECONDS);
        Object back = c.messages.poll(10, TimeUnit.SECONDS);
        assertNotNull(back, "1 MiB binary frame echoed");
        assertArrayEquals(mib, (byte[]) back);
    }

    @Test
    void webSocketsAreBridgedWithSubprotocolFramesAndCloseCodes() throws Exception {
        Collector c = new Collector();
        WebSocket ws = open(base + "/ws", c);
        assertEquals("vscode-remote", ws.getSubprotocol());
        echoes(ws, c);
        ws.sendClose(4001, "bye").get(5, TimeUnit.SECONDS);
        assertEquals(4001, c.closed.get(5, TimeUnit.SECONDS)[0], "the workspace's close code came back through the bridge");
    }

    @Test
    void anActiveWebSocketOutlivesTheIdleTimeoutAndAnIdleOneIsClosed() throws Exception {
        Collector active = new Collector();
        WebSocket a = open(base + "/ws", active);
        Collector idle = new Collector();
        open(base + "/ws", idle);
        for (int i = 0; i < 5; i++) {
            a.sendText("tick " + i, true).get(5, TimeUnit.SECONDS);
            assertEquals("tick " + i, active.messages.poll(5, TimeUnit.SECONDS));
            Thread.sleep(1000);
        }
        assertFalse(active.closed.isDone(), "traffic keeps a bridge open past the 3 s idle timeout");
        assertTrue(idle.closed.isDone(), "a bridge idle for longer than the idle timeout is closed");
        assertEquals(1001, idle.closed.get()[0], "closed cleanly with 1001 going away, not dropped");
        a.sendClose(1000, "").get(5, TimeUnit.SECONDS);
    }

    static void clusterSetting(String json) throws Exception {
        HttpResponse<String> r = server.json("PUT", "/api/settings/cluster/" + cluster, json);
        assertEquals(200, r.statusCode(), r.body());
    }

    @Test
    void usesThePodProxyOrAPortForwardWhenTheClusterAsksForThem() throws Exception {
        try {
            clusterSetting("{\"prefer_pod_proxy\":true}");
            HttpResponse<String> pod = get(base + "/echo?via=pod");
            assertEquals(200, pod.statusCode(), pod.body());
            assertEquals("pod-proxy", header(pod, "X-Guild-Proxy-Path"));
            assertTrue(api.proxiedPaths.contains("pods:/echo"), api.proxiedPaths.toString());

            clusterSetting("{\"prefer_pod_proxy\":false,\"use_port_forward\":true}");
            HttpResponse<String> pf = get(base + "/echo?via=pf");
            assertEquals(200, pf.statusCode(), pf.body());
            assertEquals("port-forward", header(pf, "X-Guild-Proxy-Path"));
            assertEquals("/echo?via=pf", Json.obj(pf.body()).getString("target"), "the sub-path and query survive the port-forward");
            assertTrue(api.portForwards.get() > 0, "the request went through pods/portforward");
            Collector c = new Collector();
            WebSocket ws = open(base + "/ws", c);
            echoes(ws, c);
            ws.sendClose(1000, "").get(5, TimeUnit.SECONDS);
        } finally {
            clusterSetting("{\"prefer_pod_proxy\":false,\"use_port_forward\":false}");
        }
    }

    @Test
    void fallsBackToAPortForwardWhenTheApiServerCannotProxy() throws Exception {
        api.failServiceProxy = true;
        api.forbidPodProxy = true;
        try {
            Thread.sleep(300); // past the target cache
            HttpResponse<String> r = get(base + "/echo?fallback=1");
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("port-forward", header(r, "X-Guild-Proxy-Path"));
        } finally {
            api.failServiceProxy = false;
            api.forbidPodProxy = false;
        }
    }

    @Test
    void theDefaultClusterAndRawFormsWork() throws Exception {
        HttpResponse<String> dflt = get("/proxy/server/ws1/echo?d=1");
        assertEquals(200, dflt.statusCode(), dflt.body());
        assertEquals("service-proxy", header(dflt, "X-Guild-Proxy-Path"));
        assertEquals("/proxy/server/ws1", Json.obj(dflt.body()).getJsonObject("headers").getString("x-forwarded-prefix"));

        HttpResponse<String> query = get("/proxy?to=127.0.0.1:" + workspace.port() + "&path=/echo&scheme=http&keep=1");
        assertEquals(200, query.statusCode(), query.body());
        assertEquals("allowlisted", header(query, "X-Guild-Proxy-Path"));
        assertEquals("/echo?keep=1", Json.obj(query.body()).getString("target"));

        HttpResponse<String> path = get("/proxy/127.0.0.1:" + workspace.port() + "/static/app.js");
        assertEquals(200, path.statusCode(), path.body());
        assertEquals("static /static/app.js", path.body());

        HttpResponse<String> svc = get("/proxy/ws1.default.svc.cluster.local:8080/echo");
        assertEquals(200, svc.statusCode(), svc.body());
        assertEquals("service-proxy", header(svc, "X-Guild-Proxy-Path"), "a workspace Service address goes through its cluster");
    }

    @Test
    void refusesTargetsOffTheAllowlist() throws Exception {
        RequestBasicsIT.assertError(get("/proxy?to=127.0.0.1:" + closedPort + "&path=/"), 403, "target_not_allowed");
        RequestBasicsIT.assertError(get("/proxy/127.0.0.2:" + workspace.port() + "/"), 403, "target_not_allowed");
        RequestBasicsIT.assertError(get("/proxy/localhost:" + workspace.port() + "/"), 403, "target_not_allowed");
        RequestBasicsIT.assertError(get("/proxy?to=127.0.0.1:99999&path=/"), 400, "invalid_target");
        RequestBasicsIT.assertError(get("/proxy?to=127.0.0.1:80"), 400, "invalid_target");
    }

    @Test
    void enforcesTheProxyCapability() throws Exception {
        var cap = new io.guildnet.workspace.model.Capability();
        cap.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withName("launch-only").withNamespace("default").build());
        var spec = new io.guildnet.workspace.model.CapabilitySpec();
        spec.setActions(List.of("launch"));
        cap.setSpec(spec);
        mock.client.resources(io.guildnet.workspace.model.Capability.class).inNamespace("default").resource(cap).create();
        try {
            Thread.sleep(300);
            HttpResponse<String> r = get(base + "/echo");
            RequestBasicsIT.assertError(r, 403, "forbidden");
            assertTrue(r.body().contains("proxy"), r.body());
        } finally {
            mock.client.resources(io.guildnet.workspace.model.Capability.class).inNamespace("default").withName("launch-only").delete();
            Thread.sleep(300);
        }
        assertEquals(200, get(base + "/echo").statusCode());
    }

    @Test
    void unknownAndUnreachableWorkspacesGetClearErrors() throws Exception {
        RequestBasicsIT.assertError(get("/api/cluster/" + cluster + "/proxy/server/nope/"), 404, "not_found");
        RequestBasicsIT.assertError(get("/api/cluster/no-such-cluster/proxy/server/ws1/"), 404, "unknown_cluster");
        HttpResponse<String> dead = get("/api/cluster/" + cluster + "/proxy/server/dead/");
        RequestBasicsIT.assertError(dead, 502, "upstream_error");
        assertTrue(dead.body().contains("paths_tried") && dead.body().contains("service-proxy"), dead.body());
    }
}
