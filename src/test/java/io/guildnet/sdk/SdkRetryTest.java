package io.guildnet.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Retries with exponential backoff on 503 and refused connections, against a loopback stub server. */
class SdkRetryTest {

    HttpServer stub;
    final AtomicInteger calls = new AtomicInteger();
    final List<Long> at = new ArrayList<>();

    @AfterEach
    void stop() {
        if (stub != null) stub.stop(0);
    }

    GuildNetClient client(int failures, int retries) throws IOException {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/api/deploy/clusters", ex -> {
            synchronized (at) {
                at.add(System.nanoTime());
            }
            int n = calls.incrementAndGet();
            byte[] body;
            if (n <= failures) {
                body = ("{\"code\":\"state_unavailable\",\"message\":\"busy\",\"request_id\":\"rid-" + n + "\"}").getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(503, body.length);
            } else {
                body = "[{\"id\":\"c1\",\"name\":\"one\",\"state\":\"ready\",\"createdAt\":\"2026-12-02T00:00:00Z\"}]".getBytes(StandardCharsets.UTF_8);
                ex.getResponseHeaders().add("Content-Type", "application/json");
                ex.sendResponseHeaders(200, body.length);
            }
            ex.getResponseBody().write(body);
            ex.close();
        });
        stub.start();
        return GuildNetClient.builder("http://127.0.0.1:" + stub.getAddress().getPort()).maxRetries(retries)
                .backoff(Duration.ofMillis(40), Duration.ofSeconds(1)).build();
    }

    @Test
    void retries503WithGrowingDelaysThenSucceeds() throws Exception {
        try (GuildNetClient gn = client(2, 3)) {
            var list = gn.clusters().list();
            assertEquals("c1", list.get(0).id());
            assertEquals(3, calls.get());
            assertEquals(2, gn.retries());
            long first = (at.get(1) - at.get(0)) / 1_000_000;
            long second = (at.get(2) - at.get(1)) / 1_000_000;
            assertTrue(first >= 40, "first delay " + first);
            assertTrue(second >= 80, "second delay doubles: " + second);
        }
    }

    @Test
    void gives503BackAsUnavailableWithItsCodeWhenRetriesRunOut() throws Exception {
        try (GuildNetClient gn = client(10, 2)) {
            UnavailableException e = assertThrows(UnavailableException.class, () -> gn.clusters().list());
            assertEquals(503, e.status());
            assertEquals("state_unavailable", e.code());
            assertEquals("rid-3", e.requestId());
            assertEquals(3, calls.get(), "one try and two retries");
        }
    }

    @Test
    void retriesRefusedConnectionsThenReportsConnectionException() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        try (GuildNetClient gn = GuildNetClient.builder("http://127.0.0.1:" + port).maxRetries(2)
                .backoff(Duration.ofMillis(10), Duration.ofMillis(50)).build()) {
            ConnectionException e = assertThrows(ConnectionException.class, () -> gn.clusters().list());
            assertEquals(0, e.status());
            assertEquals(2, gn.retries());
        }
    }

    @Test
    void doesNotRetryClientErrors() throws Exception {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext("/", ex -> {
            calls.incrementAndGet();
            byte[] b = "{\"code\":\"unknown_cluster\",\"message\":\"no cluster x\",\"request_id\":\"r1\"}".getBytes(StandardCharsets.UTF_8);
            ex.sendResponseHeaders(404, b.length);
            ex.getResponseBody().write(b);
            ex.close();
        });
        stub.start();
        try (GuildNetClient gn = GuildNetClient.builder("http://127.0.0.1:" + stub.getAddress().getPort()).build()) {
            NotFoundException e = assertThrows(NotFoundException.class, () -> gn.clusters().get("x"));
            assertEquals("no cluster x", e.getMessage());
            assertEquals(1, calls.get());
        }
    }
}
