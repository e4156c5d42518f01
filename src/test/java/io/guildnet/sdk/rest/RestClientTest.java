package io.guildnet.sdk.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.guildnet.sdk.ConflictException;
import io.guildnet.sdk.ConnectionException;
import io.guildnet.sdk.GuildNetClient;
import io.guildnet.sdk.NotFoundException;
import io.guildnet.sdk.UnauthorizedException;
import io.guildnet.sdk.UnavailableException;
import io.guildnet.store.ClusterRecord;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The MicroProfile Rest Client flavour of the SDK (RESTEasy here) against a loopback stub that
 * answers like the Host App: records, typed errors with code and request id, the bearer token,
 * retries with backoff on 503 and refused connections.
 */
class RestClientTest {

    HttpServer stub;
    final AtomicInteger unavailable = new AtomicInteger();
    final AtomicInteger calls = new AtomicInteger();
    final List<String> auth = new CopyOnWriteArrayList<>();
    final List<Long> at = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/api/", ex -> {
            calls.incrementAndGet();
            at.add(System.nanoTime());
            auth.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
            String p = ex.getRequestURI().getPath();
            if (unavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                send(ex, 503, "{\"code\":\"state_unavailable\",\"message\":\"busy\",\"request_id\":\"rid-503\"}");
            } else if (p.equals("/api/deploy/clusters") && ex.getRequestMethod().equals("GET")) {
                send(ex, 200, "[{\"id\":\"c1\",\"name\":\"one\",\"state\":\"ready\",\"createdAt\":\"2026-12-02T00:00:00Z\",\"updatedAt\":\"2026-12-02T00:00:01Z\"}]");
            } else if (p.equals("/api/deploy/clusters/c1") && "action=health".equals(ex.getRequestURI().getQuery())) {
                send(ex, 200, "{\"status\":\"ok\"}");
            } else if (p.equals("/api/deploy/clusters") && ex.getRequestMethod().equals("POST")) {
                send(ex, 409, "{\"code\":\"name_taken\",\"message\":\"a cluster is named one\",\"request_id\":\"rid-409\",\"details\":{\"name\":\"one\"}}");
            } else if (p.equals("/api/auth/session")) {
                send(ex, 401, "{\"code\":\"unauthorized\",\"message\":\"bad token\",\"request_id\":\"rid-401\"}");
            } else {
                send(ex, 404, "{\"code\":\"unknown_cluster\",\"message\":\"no cluster " + p + "\",\"request_id\":\"rid-404\"}");
            }
        });
        stub.start();
    }

    @AfterEach
    void stop() {
        stub.stop(0);
    }

    static void send(HttpExchange ex, int status, String json) throws IOException {
        byte[] b = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(status, b.length);
        ex.getResponseBody().write(b);
        ex.close();
    }

    GuildNetClient.Builder builder(String url) {
        return GuildNetClient.builder(url).token("t0ken").maxRetries(3).backoff(Duration.ofMillis(40), Duration.ofSeconds(1));
    }

    String url() {
        return "http://127.0.0.1:" + stub.getAddress().getPort();
    }

    @Test
    void readsTheServersRecordsAndSendsTheToken() throws Exception {
        try (ClustersApi api = builder(url()).restClient(ClustersApi.class)) {
            List<ClusterRecord> list = api.list();
            assertEquals(List.of(new ClusterRecord("c1", "one", "ready", "2026-12-02T00:00:00Z", "2026-12-02T00:00:01Z")), list);
            assertEquals("ok", api.health("c1").getString("status"), "a default method sends ?action=health");
            assertEquals(List.of("Bearer t0ken", "Bearer t0ken"), auth);
        }
    }

    @Test
    void mapsErrorBodiesToTypedExceptions() throws Exception {
        try (ClustersApi api = builder(url()).restClient(ClustersApi.class); HostApi host = builder(url()).restClient(HostApi.class)) {
            NotFoundException nf = assertThrows(NotFoundException.class, () -> api.get("nope"));
            assertEquals(404, nf.status());
            assertEquals("unknown_cluster", nf.code());
            assertEquals("rid-404", nf.requestId());
            ConflictException c = assertThrows(ConflictException.class, () -> api.create("one"));
            assertEquals("name_taken", c.code());
            assertEquals("one", c.details().asJsonObject().getString("name"));
            UnauthorizedException u = assertThrows(UnauthorizedException.class, host::session);
            assertEquals("rid-401", u.requestId());
        }
    }

    @Test
    void retries503WithGrowingDelaysThenSucceedsAndGivesUpWithTheLastError() throws Exception {
        try (ClustersApi api = builder(url()).restClient(ClustersApi.class)) {
            unavailable.set(2);
            assertEquals("c1", api.list().get(0).id());
            assertEquals(3, calls.get());
            long first = (at.get(1) - at.get(0)) / 1_000_000;
            long second = (at.get(2) - at.get(1)) / 1_000_000;
            assertTrue(first >= 40, "first delay " + first);
            assertTrue(second >= 80, "second delay doubles: " + second);

            unavailable.set(10);
            UnavailableException e = assertThrows(UnavailableException.class, api::list);
            assertEquals("state_unavailable", e.code());
            assertEquals(3 + 4, calls.get(), "one try and three retries");
        }
    }

    @Test
    void aClosedPortIsRetriedThenAConnectionException() throws Exception {
        int closed;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = s.getLocalPort();
        }
        long t0 = System.nanoTime();
        try (ClustersApi api = builder("http://127.0.0.1:" + closed).maxRetries(2).restClient(ClustersApi.class)) {
            ConnectionException e = assertThrows(ConnectionException.class, api::list);
            assertEquals("unreachable", e.code());
            assertTrue(e.getMessage().contains("cannot connect to http://127.0.0.1:" + closed), e.getMessage());
        }
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 40 + 80, "two retries with backoff before giving up");
    }
}
