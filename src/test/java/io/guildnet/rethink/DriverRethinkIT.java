package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.api.ApiException;
import io.guildnet.security.AuthPolicy;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The driver layer against a real RethinkDB 2.4: runs when {@code RETHINKDB_TEST_ADDR=host:port}
 * names a loopback server (e.g. {@code docker run -p 127.0.0.1:28015:28015 rethinkdb:2.4}), and is
 * reported skipped otherwise. Every database it makes is under a random org and dropped at the end.
 */
class DriverRethinkIT {

    static String host;
    static int port;
    static ScheduledExecutorService exec;
    static RethinkLink link;
    static DatabaseService svc;
    static String org;
    static final Caller admin = Caller.admin("user:admin");

    static String skip;

    @BeforeEach
    void needsAServer() {
        Assumptions.assumeTrue(skip == null, skip);
    }

    @BeforeAll
    static void connect() {
        String addr = System.getenv("RETHINKDB_TEST_ADDR");
        if (addr == null || addr.isBlank()) {
            skip = "RETHINKDB_TEST_ADDR is not set: driver tests skipped";
            return;
        }
        Discovery.Candidate c = Discovery.explicit(addr);
        if (!(AuthPolicy.isLoopback(c.host()) || c.host().equals("localhost"))) {
            skip = "RETHINKDB_TEST_ADDR must be a loopback address (tests connect only to loopback)";
            return;
        }
        host = c.host();
        port = c.port();
        exec = Executors.newScheduledThreadPool(8);
        org = "it" + Long.toString(ThreadLocalRandom.current().nextLong(1L << 40), 36);
        link = new RethinkLink(org, () -> new RethinkLink.Target(List.of(c), new RethinkLink.Creds("admin", ""), "fp"), () -> "fp",
                (h, p, cr) -> DriverBackend.connect(h, p, cr.user(), cr.password(), Duration.ofSeconds(3), exec, Duration.ofSeconds(20)),
                null, exec, exec, Clock.systemUTC(), Duration.ofSeconds(5)).start(Duration.ofMillis(300));
        svc = new DatabaseService(org, link::backend, Clock.systemUTC(), DatabaseService.OpsSink.NONE);
    }

    @AfterAll
    static void cleanUp() {
        if (link == null) return;
        try {
            RethinkBackend b = link.backend();
            for (String d : b.dbList()) if (d.startsWith(DbNames.prefix(org))) b.dbDrop(d);
        } finally {
            link.close();
            exec.shutdownNow();
        }
    }

    static JsonObject obj(String s) { return DatabaseServiceTest.obj(s); }

    static void await(java.util.function.BooleanSupplier c, String what) throws InterruptedException {
        long end = System.currentTimeMillis() + 20_000;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(20);
        }
    }

    @Test
    void crudAndPagingByANonIdPrimaryKey() {
        svc.createDatabase(admin, obj("{\"id\":\"crud\"}"));
        svc.createTable(admin, "crud", obj("{\"name\":\"people\",\"primary_key\":\"email\",\"schema\":[{\"name\":\"email\",\"type\":\"string\",\"required\":true}]}"));
        var rows = Json.createArrayBuilder();
        for (int i = 0; i < 25; i++) rows.add(Json.createObjectBuilder().add("email", String.format("u%02d@x", i)).add("n", i));
        assertEquals(25, svc.insert(admin, "crud", "people", rows.build()).getInt("inserted"));
        List<String> seen = new java.util.ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = svc.rows(admin, "crud", "people", 10, cursor);
            page.getJsonArray("items").forEach(v -> seen.add(v.asJsonObject().getString("email")));
            cursor = page.containsKey("next_cursor") ? page.getString("next_cursor") : null;
        } while (cursor != null);
        assertEquals(25, seen.size());
        assertEquals("u00@x", seen.get(0));
        assertEquals("u24@x", seen.get(24));
        svc.patchRow(admin, "crud", "people", "u03@x", obj("{\"n\":300}"));
        assertEquals(300, svc.getRow(admin, "crud", "people", "u03@x").getInt("n"));
        assertEquals(404, assertThrows(ApiException.class, () -> svc.patchRow(admin, "crud", "people", "none@x", obj("{\"n\":1}"))).status());
        svc.deleteRow(admin, "crud", "people", "u03@x");
        assertEquals(404, assertThrows(ApiException.class, () -> svc.deleteRow(admin, "crud", "people", "u03@x")).status());
        JsonObject gen = svc.insert(admin, "crud", "people", obj("{\"email\":\"g@x\"}"));
        assertEquals(1, gen.getInt("inserted"));
        svc.createTable(admin, "crud", obj("{\"name\":\"auto\"}"));
        JsonObject auto = svc.insert(admin, "crud", "auto", Json.createArrayBuilder().add(obj("{\"a\":1}")).add(obj("{\"a\":2}")).build());
        assertEquals(2, auto.getJsonArray("ids").size(), "generated keys are returned");
        svc.createTable(admin, "crud", obj("{\"name\":\"nums\",\"primary_key\":\"k\"}"));
        svc.insert(admin, "crud", "nums", Json.createArrayBuilder().add(obj("{\"k\":10}")).add(obj("{\"k\":9}")).add(obj("{\"k\":100}")).build());
        JsonObject p1 = svc.rows(admin, "crud", "nums", 2, null);
        assertEquals(9, p1.getJsonArray("items").getJsonObject(0).getInt("k"));
        assertEquals(100, svc.rows(admin, "crud", "nums", 2, p1.getString("next_cursor")).getJsonArray("items").getJsonObject(0).getInt("k"));
        svc.updateDatabase(admin, "crud", obj("{\"description\":\"changed\"}"));
        assertEquals("changed", svc.getDatabase(admin, "crud").getString("description"));
        svc.deleteTable(admin, "crud", "auto");
        assertFalse(svc.listTables(admin, "crud").toString().contains("\"auto\""));
    }

    @Test
    void importExportAuditAndPermissionsPersist() throws Exception {
        svc.createDatabase(admin, obj("{\"id\":\"io\"}"));
        svc.createTable(admin, "io", obj("{\"name\":\"items\",\"primary_key\":\"sku\",\"schema\":[{\"name\":\"sku\",\"type\":\"string\",\"required\":true},"
                + "{\"name\":\"qty\",\"type\":\"number\"},{\"name\":\"secret\",\"type\":\"string\",\"mask\":true}]}"));
        DataTransfer io = new DataTransfer(svc);
        StringBuilder csv = new StringBuilder("sku,qty,secret\n");
        for (int i = 0; i < 1200; i++) csv.append("s").append(i).append(',').append(i).append(",x\n");
        csv.append("bad,notanumber,x\n");
        JsonObject r = io.importRows(admin, "io", "items", "text/csv", null, csv.toString(), false);
        assertEquals(1200, r.getInt("inserted"));
        assertEquals(1, r.getInt("failed"));
        JsonObject dup = io.importRows(admin, "io", "items", "application/json", null, "[{\"sku\":\"s1\",\"qty\":5},{\"sku\":\"new\",\"qty\":1}]", false);
        assertEquals(1, dup.getInt("inserted"));
        assertEquals("duplicate:sku", dup.getJsonArray("errors").getJsonObject(0).getJsonArray("errors").getString(0));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        io.export(admin, "io", "items", "ndjson", Long.MAX_VALUE).write(out);
        assertEquals(1201, out.toString(StandardCharsets.UTF_8).split("\n").length);
        out.reset();
        io.export(admin, "io", "items", "csv", Long.MAX_VALUE).write(out);
        assertTrue(out.toString(StandardCharsets.UTF_8).startsWith("sku,qty,secret\n"));

        for (int i = 0; i < 3; i++) svc.patchRow(admin, "io", "items", "s1", obj("{\"qty\":" + i + "}"));
        JsonArray audit = svc.audit(admin, "io", "items", 10, null);
        assertEquals(3, audit.stream().filter(v -> v.asJsonObject().getString("action").equals("update")).count());
        Set<String> ids = new HashSet<>();
        svc.audit(admin, "io", null, 1000, null).forEach(v -> ids.add(v.asJsonObject().getString("id")));
        assertEquals(svc.audit(admin, "io", null, 1000, null).size(), ids.size());

        svc.grant(admin, "io", obj("{\"principal\":\"user:v\",\"scope\":\"table:items\",\"role\":\"viewer\"}"));
        // a fresh connection and service (a Host App restart) still sees the binding
        link.cut();
        DatabaseService again = new DatabaseService(org, link::backend, Clock.systemUTC(), DatabaseService.OpsSink.NONE);
        assertEquals(1, again.permissions(admin, "io").size());
        assertEquals("***", again.getRow(Caller.user("user:v"), "io", "items", "s1").getString("secret"));
        assertEquals("x", again.getRow(admin, "io", "items", "s1").getString("secret"));
        assertEquals(403, assertThrows(ApiException.class, () -> again.insert(Caller.user("user:v"), "io", "items", obj("{\"sku\":\"z\"}"))).status());
    }

    @Test
    void changefeedFramesAreSharedAndSurviveACutConnection() throws Exception {
        svc.createDatabase(admin, obj("{\"id\":\"feed\"}"));
        svc.createTable(admin, "feed", obj("{\"name\":\"t\",\"primary_key\":\"code\"}"));
        svc.insert(admin, "feed", "t", obj("{\"code\":\"a\",\"v\":1}"));
        ChangefeedHub hub = new ChangefeedHub(org, link::backend, exec, exec, ChangefeedHub.Options.defaults(), new ChangefeedHub.Stats(), Clock.systemUTC());
        link.onConnect(hub::reconnected);
        try {
            feedFrames(hub);
        } finally {
            hub.close(); // even when an assertion failed: no feed left reading while the database is dropped
        }
    }

    private void feedFrames(ChangefeedHub hub) throws Exception {
        ChangefeedHubTest.Sink one = new ChangefeedHubTest.Sink(), two = new ChangefeedHubTest.Sink();
        String phys = DbNames.physical(org, "feed");
        hub.subscribe(phys, "t", one, Set.of(), false, null);
        hub.subscribe(phys, "t", two, Set.of(), false, null);
        await(() -> one.types().size() >= 2 && two.types().size() >= 2, "init + current rows");
        assertEquals(List.of("init", "insert"), one.types());
        assertEquals(1, hub.feedCount(), "two subscribers, one changefeed");
        svc.insert(admin, "feed", "t", obj("{\"code\":\"b\",\"v\":2}"));
        svc.patchRow(admin, "feed", "t", "b", obj("{\"v\":3}"));
        svc.deleteRow(admin, "feed", "t", "a");
        await(() -> one.types().size() >= 5 && two.types().size() >= 5, "live frames");
        assertEquals(List.of("init", "insert", "insert", "update", "delete"), one.types());
        assertEquals(one.types(), two.types());
        assertEquals(2, one.data().get(3).getJsonObject("before").getInt("v"));
        assertEquals(3, one.data().get(3).getJsonObject("after").getInt("v"));

        link.cut();
        await(() -> one.types().contains("error"), "the cut is reported");
        link.backend(); // reconnects
        await(() -> one.data().stream().anyMatch(o -> o.getString("type").equals("init") && o.getBoolean("resync", false)), "resync after reconnect");
        svc.insert(admin, "feed", "t", obj("{\"code\":\"c\"}"));
        await(() -> one.data().stream().anyMatch(o -> "c".equals(o.getString("row_id", "")) && !o.getBoolean("snapshot", false)), "live after reconnect");
    }
}
