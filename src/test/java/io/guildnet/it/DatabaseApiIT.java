package io.guildnet.it;

import static io.guildnet.it.RequestBasicsIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The per-cluster database API and its live changes, end to end (GUILDNET_RDB_BACKEND=memory on the shared server). */
class DatabaseApiIT {

    static LibertyServer server;
    static MockCluster mock;
    static String cid;

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
        mock = new MockCluster();
        cid = ClusterApiIT.create("dbit");
        HttpResponse<String> att = server.json("POST", "/api/deploy/clusters/" + cid + "?action=attach-kubeconfig",
                ClusterApiIT.attachBody(mock.kubeconfig("dbit")));
        assertEquals(200, att.statusCode(), att.body());
    }

    @AfterAll
    static void stop() {
        if (mock != null) mock.close();
    }

    String db(String rest) { return "/api/cluster/" + cid + "/db" + rest; }

    @Test
    void crudPagingImportExportAuditAndLiveChanges() throws Exception {
        JsonObject health = Json.obj(server.get(db("/health")).body());
        assertEquals("ok", health.getString("status"), health.toString());
        assertEquals("memory", health.getString("backend"));

        assertEquals(201, server.json("POST", db(""), "{\"id\":\"shop\",\"description\":\"orders\"}").statusCode());
        assertError(server.json("POST", db(""), "{\"id\":\"Bad Id\"}"), 400, "invalid_id");
        HttpResponse<String> t = server.json("POST", db("/shop/tables"), "{\"name\":\"orders\",\"primary_key\":\"no\","
                + "\"schema\":[{\"name\":\"no\",\"type\":\"number\",\"required\":true},{\"name\":\"card\",\"type\":\"string\",\"mask\":true}]}");
        assertEquals(201, t.statusCode(), t.body());
        assertEquals("no", Json.obj(t.body()).getString("primary_key"));

        // live changes: subscribe first, through the anchor's /sse path
        ExecutorService pool = Executors.newSingleThreadExecutor();
        List<String> lines = new CopyOnWriteArrayList<>();
        HttpRequest sse = HttpRequest.newBuilder(server.uri("/sse/cluster/" + cid + "/db/shop/tables/orders/changes"))
                .header("Accept", "text/event-stream").timeout(Duration.ofSeconds(30)).build();
        HttpResponse<InputStream> stream = server.client().send(sse, HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        assertTrue(stream.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream"));
        pool.submit(() -> {
            try (BufferedReader r = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) lines.add(l);
            } catch (Exception ignored) {
                // closed at the end of the test
            }
            return null;
        });
        waitFor(() -> lines.stream().anyMatch(l -> l.contains("\"type\":\"init\"")), "init frame");

        HttpResponse<String> ins = server.json("POST", db("/shop/tables/orders/rows"), "[{\"no\":3,\"card\":\"4111\"},{\"no\":1},{\"no\":2}]");
        assertEquals(201, ins.statusCode(), ins.body());
        assertEquals(3, Json.obj(ins.body()).getInt("inserted"));
        waitFor(() -> lines.stream().filter(l -> l.contains("\"type\":\"insert\"")).count() == 3, "three insert frames");
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("id:")), "events carry ids");
        String prom = server.get("/metrics").body();
        assertTrue(prom.contains("guildnet_rethink_changefeeds") && prom.contains("guildnet_rethink_feed_subscribers"), "feed gauges in /metrics");
        JsonObject dbHealth = Json.obj(server.get(db("/health")).body());
        assertEquals(1, dbHealth.getInt("changefeeds"), dbHealth.toString());
        assertEquals(1, dbHealth.getInt("subscribers"), dbHealth.toString());

        JsonObject p1 = Json.obj(server.get(db("/shop/tables/orders/rows?limit=2")).body());
        assertEquals(1, p1.getJsonArray("items").getJsonObject(0).getInt("no"));
        JsonObject p2 = Json.obj(server.get(db("/shop/tables/orders/rows?limit=2&cursor=" + p1.getString("next_cursor"))).body());
        assertEquals(3, p2.getJsonArray("items").getJsonObject(0).getInt("no"));
        assertError(server.get(db("/shop/tables/orders/rows?limit=0")), 400, "invalid_limit");

        assertEquals(200, server.json("PATCH", db("/shop/tables/orders/rows/2"), "{\"state\":\"paid\"}").statusCode());
        assertError(server.json("PATCH", db("/shop/tables/orders/rows/99"), "{\"state\":\"paid\"}"), 404, "not_found");
        waitFor(() -> lines.stream().anyMatch(l -> l.contains("\"type\":\"update\"") && l.contains("\"before\"")), "update frame");
        assertEquals(200, server.send("DELETE", db("/shop/tables/orders/rows/1"), null).statusCode());
        waitFor(() -> lines.stream().anyMatch(l -> l.contains("\"type\":\"delete\"")), "delete frame");

        HttpResponse<String> imp = server.send("POST", db("/shop/tables/orders/import"), "no,card\n10,x\nnope,y\n", "Content-Type", "text/csv");
        assertEquals(200, imp.statusCode(), imp.body());
        assertEquals(1, Json.obj(imp.body()).getInt("inserted"));
        assertEquals(1, Json.obj(imp.body()).getInt("failed"));
        HttpResponse<String> csv = server.get(db("/shop/tables/orders/export?format=csv"));
        assertEquals(200, csv.statusCode());
        assertTrue(csv.body().startsWith("no,card,state\n2,,paid\n3,4111,\n10,x,\n"), csv.body());

        JsonObject last = Json.arr(server.get(db("/shop/audit?table=orders&limit=1")).body()).getJsonObject(0);
        assertEquals("import", last.getString("action"));
        assertEquals(201, server.json("POST", db("/shop/permissions"), "{\"principal\":\"user:viewer1\",\"scope\":\"db:shop\",\"role\":\"viewer\"}").statusCode());
        assertEquals(1, Json.arr(server.get(db("/shop/permissions")).body()).size());
        assertError(server.get("/api/cluster/" + cid + "/db/nope/tables"), 404, "not_found");
        assertEquals(200, server.send("DELETE", db("/shop"), null).statusCode());
        pool.shutdownNow();
    }

    static void waitFor(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long end = System.currentTimeMillis() + 10_000;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }
}
