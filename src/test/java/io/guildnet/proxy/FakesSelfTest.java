package io.guildnet.proxy;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The test doubles themselves: a 1 MiB WebSocket frame echoed intact directly and through the API server double. */
class FakesSelfTest {

    static byte[] echo(String url) throws Exception {
        LinkedBlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
        java.io.ByteArrayOutputStream acc = new java.io.ByteArrayOutputStream();
        WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder().buildAsync(URI.create(url), new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                byte[] b = new byte[data.remaining()];
                data.get(b);
                acc.writeBytes(b);
                if (last) {
                    got.add(acc.toByteArray());
                    acc.reset();
                }
                w.request(1);
                return null;
            }
        }).get(5, TimeUnit.SECONDS);
        byte[] mib = new byte[1024 * 1024];
        new java.util.Random(3).nextBytes(mib);
        ws.sendBinary(ByteBuffer.wrap(mib), true).get(5, TimeUnit.SECONDS);
        byte[] back = got.poll(10, TimeUnit.SECONDS);
        assertArrayEquals(mib, back);
        return back;
    }

    @Test
    void workspaceEchoesALargeBinaryFrame() throws Exception {
        try (FakeWorkspace w = new FakeWorkspace()) {
            echo("ws://127.0.0.1:" + w.port() + "/ws");
        }
    }

    @Test
    void apiServerDoubleForwardsALargeBinaryFrame() throws Exception {
        try (FakeWorkspace w = new FakeWorkspace(); FakeApiServer api = FakeApiServer.plain("http://127.0.0.1:1", "t")) {
            api.route("default", "services", "ws1", 8080, w.port());
            // the double checks the bearer token: the JDK client sends it as a header
            LinkedBlockingQueue<byte[]> unused = new LinkedBlockingQueue<>();
            assertEquals(0, unused.size());
            HttpClient c = HttpClient.newHttpClient();
            byte[] mib = new byte[1024 * 1024];
            new java.util.Random(5).nextBytes(mib);
            java.io.ByteArrayOutputStream acc = new java.io.ByteArrayOutputStream();
            LinkedBlockingQueue<byte[]> got = new LinkedBlockingQueue<>();
            WebSocket ws = c.newWebSocketBuilder().header("Authorization", "Bearer t")
                    .buildAsync(URI.create(api.url().replace("http", "ws") + "/api/v1/namespaces/default/services/http:ws1:8080/proxy/ws"),
                            new WebSocket.Listener() {
                                @Override
                                public CompletionStage<?> onBinary(WebSocket w2, ByteBuffer data, boolean last) {
                                    byte[] b = new byte[data.remaining()];
                                    data.get(b);
                                    acc.writeBytes(b);
                                    if (last) {
                                        got.add(acc.toByteArray());
                                        acc.reset();
                                    }
                                    w2.request(1);
                                    return null;
                                }
                            }).get(5, TimeUnit.SECONDS);
            ws.sendBinary(ByteBuffer.wrap(mib), true).get(5, TimeUnit.SECONDS);
            assertArrayEquals(mib, got.poll(10, TimeUnit.SECONDS));
        }
    }

    @Test
    void apiServerDoubleStreamsServerSentEventsAsProduced() throws Exception {
        try (FakeWorkspace w = new FakeWorkspace(); FakeApiServer api = FakeApiServer.plain("http://127.0.0.1:1", "t")) {
            api.route("default", "services", "ws1", 8080, w.port());
            long t0 = System.nanoTime();
            var r = HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(URI.create(api.url()
                    + "/api/v1/namespaces/default/services/http:ws1:8080/proxy/sse?events=3&intervalMs=700"))
                    .header("Authorization", "Bearer t").build(), java.net.http.HttpResponse.BodyHandlers.ofLines());
            java.util.List<Long> at = new java.util.ArrayList<>();
            r.body().filter(l -> l.startsWith("data:")).forEach(l -> at.add((System.nanoTime() - t0) / 1_000_000));
            assertEquals(3, at.size());
            org.junit.jupiter.api.Assertions.assertTrue(at.get(0) < 500, at.toString());
        }
    }
}
