package io.guildnet.sdk;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import jakarta.json.JsonObject;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Server-sent events as the Host App writes them (pings, named events, ids, multi-line data), from a loopback stub. */
class SdkStreamsTest {

    HttpServer stub;

    @AfterEach
    void stop() {
        if (stub != null) stub.stop(0);
    }

    GuildNetClient serve(String path, String body, boolean keepOpen) throws Exception {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.createContext(path, ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream o = ex.getResponseBody();
            o.write(body.getBytes(StandardCharsets.UTF_8));
            o.flush();
            if (keepOpen) {
                try {
                    Thread.sleep(2000);
                } catch (InterruptedException ignored) {
                    Thread.currentThread().interrupt();
                }
            }
            ex.close();
        });
        stub.start();
        return GuildNetClient.builder("http://127.0.0.1:" + stub.getAddress().getPort()).build();
    }

    @Test
    void followsWorkspaceLogsSkippingPingsUntilTheHandlerStops() throws Exception {
        String sse = ": ping\n\ndata: {\"t\":\"2026-12-02T00:00:00Z\",\"msg\":\"[web-1] one\"}\n\n: ping\n\n"
                + "data: {\"t\":\"2026-12-02T00:00:01Z\",\ndata: \"msg\":\"[web-1] two\"}\n\ndata: {\"t\":\"x\",\"msg\":\"three\"}\n\n";
        try (GuildNetClient gn = serve("/api/cluster/c1/workspaces/web/logs/stream", sse, true)) {
            List<String> got = new ArrayList<>();
            gn.workspaces("c1").follow("web", 10, l -> {
                got.add(l.getString("msg"));
                return got.size() < 2;
            });
            assertEquals(List.of("[web-1] one", "[web-1] two"), got, "multi-line data joined; stops when asked, without waiting for the stream");
        }
    }

    @Test
    void jobFollowReportsLogsProgressAndTheEndEvent() throws Exception {
        String sse = "event: log\ndata: {\"ts\":\"t\",\"job\":\"guildnet-verify\",\"level\":\"info\",\"msg\":\"network\"}\n\n"
                + "event: progress\ndata: {\"progress\":0.5}\n\n: ping\n\n"
                + "event: end\ndata: {\"status\":\"COMPLETED\",\"exitStatus\":\"PASS\"}\n\n";
        try (GuildNetClient gn = serve("/api/batch/executions/7/events", sse, true)) {
            List<JsonObject> logs = new ArrayList<>();
            List<JsonObject> progress = new ArrayList<>();
            JsonObject end = gn.jobs().follow(7, logs::add, progress::add);
            assertEquals("PASS", end.getString("exitStatus"));
            assertEquals("network", logs.get(0).getString("msg"));
            assertEquals(0.5, progress.get(0).getJsonNumber("progress").doubleValue());
        }
    }

    @Test
    void backgroundSubscriptionDeliversAndEndsWhenClosed() throws Exception {
        String sse = "data: {\"type\":\"init\",\"table_id\":\"t\"}\n\nid: 1-1\ndata: {\"type\":\"insert\",\"row_id\":\"a\"}\n\n";
        try (GuildNetClient gn = serve("/sse/cluster/c1/db/d/tables/t/changes", sse, true)) {
            List<JsonObject> events = new CopyOnWriteArrayList<>();
            Subscription s = gn.db("c1").subscribe("d", "t", events::add);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (events.size() < 2 && System.nanoTime() < deadline) Thread.sleep(20);
            assertEquals(List.of("init", "insert"), events.stream().map(e -> e.getString("type")).toList());
            assertTrue(s.isOpen());
            s.close();
            assertTrue(s.await(2, TimeUnit.SECONDS), "closed before the server ends the stream");
        }
    }
}
