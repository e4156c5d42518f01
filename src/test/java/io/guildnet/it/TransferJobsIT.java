package io.guildnet.it;

import static io.guildnet.it.RequestBasicsIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * rethink-export / rethink-import through the HTTP API on the shared server (in-memory RethinkDB):
 * round trip via download and upload, an export stopped mid-way and restarted from its checkpoint,
 * a failing import keeping the progress it reached, and the anchor's db.export kind.
 */
class TransferJobsIT {

    static LibertyServer server;
    static MockCluster mock;
    static String cid;

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
        mock = new MockCluster();
        cid = ClusterApiIT.create("transferit");
        HttpResponse<String> att = server.json("POST", "/api/deploy/clusters/" + cid + "?action=attach-kubeconfig",
                ClusterApiIT.attachBody(mock.kubeconfig("transferit")));
        assertEquals(200, att.statusCode(), att.body());
        assertEquals(201, server.json("POST", db(""), "{\"id\":\"tx\"}").statusCode());
    }

    @AfterAll
    static void stop() {
        if (mock != null) mock.close();
    }

    static String db(String rest) { return "/api/cluster/" + cid + "/db" + rest; }

    static void table(String name) throws Exception {
        HttpResponse<String> t = server.json("POST", db("/tx/tables"), "{\"name\":\"" + name + "\",\"primary_key\":\"k\"}");
        assertEquals(201, t.statusCode(), t.body());
    }

    static void insert(String table, String rowsJson) throws Exception {
        HttpResponse<String> r = server.json("POST", db("/tx/tables/" + table + "/rows"), rowsJson);
        assertEquals(201, r.statusCode(), r.body());
    }

    static long submit(String job, String params) throws Exception {
        HttpResponse<String> r = server.json("POST", "/api/batch/jobs", "{\"job\":\"" + job + "\",\"params\":" + params + "}");
        assertEquals(202, r.statusCode(), r.body());
        return Json.obj(r.body()).getJsonNumber("executionId").longValue();
    }

    static JsonObject execution(long id) throws Exception {
        return Json.obj(server.get("/api/batch/executions/" + id).body());
    }

    static JsonObject awaitEnd(long id, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonObject e = null;
        while (System.nanoTime() < deadline) {
            e = execution(id);
            if (List.of("COMPLETED", "FAILED", "STOPPED", "ABANDONED").contains(e.getString("status"))) return e;
            Thread.sleep(100);
        }
        throw new AssertionError("execution " + id + " did not end in " + seconds + " s: " + e + "\n" + server.logTail());
    }

    /** Every row of a table through the database API, in key order. */
    static List<JsonObject> rows(String table) throws Exception {
        List<JsonObject> out = new ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = Json.obj(server.get(db("/tx/tables/" + table + "/rows?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor))).body());
            out.addAll(page.getJsonArray("items").getValuesAs(JsonObject.class));
            cursor = page.getString("next_cursor", null);
        } while (cursor != null);
        return out;
    }

    static String upload(String body, String format) throws Exception {
        HttpResponse<String> up = server.send("POST", "/api/batch/uploads?format=" + format, body, "Content-Type", "application/octet-stream");
        assertEquals(201, up.statusCode(), up.body());
        return Json.obj(up.body()).getString("file");
    }

    @Test
    void exportDownloadUploadImportRoundTripKeepsTypedKeys() throws Exception {
        table("items");
        table("items_copy");
        // number keys and string keys side by side: 10 sorts after 9, "10" before "9", numbers before strings
        String rows = IntStream.range(0, 40).mapToObj(i -> "{\"k\":" + i + ",\"v\":\"n" + i + "\",\"tags\":[" + i + ",\"x\"]},{\"k\":\"" + i + "\",\"v\":\"s\"}")
                .collect(Collectors.joining(",", "[", "]"));
        insert("items", rows);
        for (String format : List.of("json", "ndjson")) {
            long id = submit("rethink-export", "{\"cluster\":\"" + cid + "\",\"db\":\"tx\",\"table\":\"items\",\"format\":\"" + format + "\",\"chunk\":7}");
            JsonObject e = awaitEnd(id, 60);
            assertEquals("COMPLETED", e.getString("status"), e + server.get("/api/batch/executions/" + id + "/logs").body());
            assertEquals(1.0, e.getJsonNumber("progress").doubleValue());
            JsonObject report = Json.obj(server.get("/api/batch/executions/" + id + "/report").body());
            assertEquals(80, report.getInt("rows"), report.toString());
            HttpResponse<String> file = server.get("/api/batch/executions/" + id + "/file");
            assertEquals(200, file.statusCode(), file.body());
            assertTrue(file.headers().firstValue("Content-Disposition").orElse("").contains("tx-items-"), file.headers().toString());

            long imp = submit("rethink-import", "{\"cluster\":\"" + cid + "\",\"db\":\"tx\",\"table\":\"items_copy\",\"file\":\""
                    + upload(file.body(), format) + "\",\"chunk\":9}");
            JsonObject ie = awaitEnd(imp, 60);
            assertEquals("COMPLETED", ie.getString("status"), ie + server.get("/api/batch/executions/" + imp + "/logs").body());
            assertEquals(rows("items"), rows("items_copy"), format);
        }
        List<JsonValue> keys = rows("items_copy").stream().map(r -> r.get("k")).collect(Collectors.toList());
        assertEquals(JsonValue.ValueType.NUMBER, keys.get(0).getValueType());
        assertEquals(JsonValue.ValueType.STRING, keys.get(79).getValueType());
    }

    @Test
    void anExportStoppedMidwayResumesFromItsCheckpointWithoutDuplicatesOrGaps() throws Exception {
        table("big");
        int n = 6_000; // 600 chunks of 10: the stop (after 5 %) lands well inside the export step
        for (int from = 0; from < n; from += 2_000) {
            int f = from;
            insert("big", IntStream.range(f, f + 2_000).mapToObj(i -> "{\"k\":" + i + ",\"v\":\"row " + i + "\"}").collect(Collectors.joining(",", "[", "]")));
        }
        long id = submit("rethink-export", "{\"cluster\":\"" + cid + "\",\"db\":\"tx\",\"table\":\"big\",\"format\":\"ndjson\",\"chunk\":10}");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (execution(id).getJsonNumber("progress").doubleValue() < 0.05) {
            assertTrue(System.nanoTime() < deadline, "no progress: " + execution(id));
            Thread.sleep(20);
        }
        assertError(server.send("DELETE", "/api/batch/executions/" + id + "/file", null), 409, "running");
        HttpResponse<String> stop = server.json("POST", "/api/batch/executions/" + id + "/stop", "");
        assertEquals(200, stop.statusCode(), stop.body());
        JsonObject stopped = awaitEnd(id, 60);
        assertEquals("STOPPED", stopped.getString("status"), stopped.toString());
        double reached = stopped.getJsonNumber("progress").doubleValue();
        assertTrue(reached > 0 && reached < 0.5, "stopped mid-way in the export step: " + reached);
        assertError(server.get("/api/batch/executions/" + id + "/file"), 409, "not_ready");

        // the rows so far were read with the submitter's permissions: another user may not continue (and then download) it
        HttpResponse<String> byAlice = server.json("POST", "/api/batch/executions/" + id + "/restart", "", "X-API-Token", LibertyServer.ALICE_TOKEN);
        assertError(byAlice, 403, "forbidden");
        assertTrue(byAlice.body().contains("only whoever submitted execution " + id + ", or an admin, may restart it"), byAlice.body());
        assertFalse(byAlice.body().contains("local"), "the message does not name the submitter");
        HttpResponse<String> re = server.json("POST", "/api/batch/executions/" + id + "/restart", "");
        assertEquals(202, re.statusCode(), re.body());
        long next = Json.obj(re.body()).getJsonNumber("executionId").longValue();
        JsonObject done = awaitEnd(next, 120);
        assertEquals("COMPLETED", done.getString("status"), done.toString());
        String log = server.get("/api/batch/executions/" + next + "/logs").body();
        assertTrue(log.contains("resuming the export of tx.big after k = "), log);

        String file = server.get("/api/batch/executions/" + next + "/file").body();
        List<String> lines = file.lines().toList();
        Set<Long> seen = new HashSet<>();
        for (String l : lines) assertTrue(seen.add(Json.obj(l).getJsonNumber("k").longValue()), "duplicate row " + l);
        assertEquals(n, lines.size());
        assertEquals(n, seen.size());
        for (int i = 0; i < lines.size(); i++) assertEquals(i, Json.obj(lines.get(i)).getInt("k"), "rows in key order, none missing");
    }

    @Test
    void aFailingImportStopsAtTheBadChunkAndShowsTheProgressItReached() throws Exception {
        table("strict");
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < 200; i++) nd.append("{\"k\":").append(i).append("}\n");
        nd.append("{\"no_key\":true}\n");
        for (int i = 200; i < 400; i++) nd.append("{\"k\":").append(i).append("}\n");
        long id = submit("rethink-import", "{\"cluster\":\"" + cid + "\",\"db\":\"tx\",\"table\":\"strict\",\"file\":\""
                + upload(nd.toString(), "ndjson") + "\",\"chunk\":10}");
        JsonObject e = awaitEnd(id, 60);
        assertEquals("FAILED", e.getString("status"), e.toString());
        double p = e.getJsonNumber("progress").doubleValue();
        assertTrue(p > 0 && p < 0.5, "a failed import keeps the progress it reached, not 1.0: " + p);
        assertTrue(server.get("/api/batch/executions/" + id + "/logs").body().contains("missing primary key k"));
        assertEquals(200, rows("strict").size(), "every chunk before the bad one was written");
        JsonObject legacy = Json.obj(server.get("/api/jobs/" + id).body());
        assertEquals("failed", legacy.getString("status"));
        assertEquals(p, legacy.getJsonNumber("progress").doubleValue());
    }

    @Test
    void anchorDbKindsRunTheTransferJobsAndBadParamsAre400() throws Exception {
        table("legacy");
        insert("legacy", "[{\"k\":\"a\"},{\"k\":\"b\"}]");
        HttpResponse<String> r = server.json("POST", "/api/jobs", "{\"kind\":\"db.export\",\"spec\":{\"id\":\"" + cid + "\",\"db\":\"tx\",\"table\":\"legacy\"}}");
        assertEquals(202, r.statusCode(), r.body());
        long id = Long.parseLong(Json.obj(r.body()).getString("jobId"));
        assertEquals("COMPLETED", awaitEnd(id, 60).getString("status"));
        assertEquals("{\"k\":\"a\"}\n{\"k\":\"b\"}\n", server.get("/api/batch/executions/" + id + "/file").body());
        assertEquals("db.export", Json.obj(server.get("/api/jobs/" + id).body()).getString("kind"));
        // the file holds data read with the submitter's permissions: another user may not fetch it
        assertError(server.get("/api/batch/executions/" + id + "/file", "X-API-Token", LibertyServer.ALICE_TOKEN), 403, "forbidden");
        assertEquals(200, server.get("/api/batch/executions/" + id + "/file", "X-API-Token", server.adminToken()).statusCode());
        // and only they (or an admin) may delete it; once deleted it is gone for every execution of the job
        assertError(server.send("DELETE", "/api/batch/executions/" + id + "/file", null, "X-API-Token", LibertyServer.ALICE_TOKEN), 403, "forbidden");
        HttpResponse<String> del = server.send("DELETE", "/api/batch/executions/" + id + "/file", null);
        assertEquals(200, del.statusCode(), del.body());
        assertTrue(Json.obj(del.body()).getBoolean("deleted"), del.body());
        assertError(server.get("/api/batch/executions/" + id + "/file"), 404, "no_file");
        assertError(server.send("DELETE", "/api/batch/executions/" + id + "/file", null), 404, "no_file");

        assertError(server.json("POST", "/api/batch/jobs", "{\"job\":\"rethink-import\",\"params\":{\"cluster\":\"" + cid
                + "\",\"db\":\"tx\",\"table\":\"legacy\",\"file\":\"../../state/guildnet.sqlite\"}}"), 400, "invalid_param");
        assertError(server.json("POST", "/api/batch/jobs", "{\"job\":\"rethink-export\",\"params\":{\"cluster\":\"" + cid + "\",\"db\":\"tx\"}}"),
                400, "missing_param");
        // checked at submission, not left to fail the execution
        assertError(server.json("POST", "/api/batch/jobs", "{\"job\":\"rethink-export\",\"params\":{\"cluster\":\"" + cid
                + "\",\"db\":\"tx\",\"table\":\"nope\"}}"), 400, "invalid_param");
        assertError(server.json("POST", "/api/batch/jobs", "{\"job\":\"rethink-import\",\"params\":{\"cluster\":\"" + cid
                + "\",\"db\":\"tx\",\"table\":\"legacy\",\"file\":\"import-00000000-0000-4000-8000-000000000000.csv\"}}"), 400, "invalid_param");
        assertError(server.json("POST", "/api/batch/jobs", "{\"job\":\"rethink-export\",\"params\":{\"cluster\":\"" + cid
                + "\",\"db\":\"tx\",\"table\":\"legacy\"}}", "X-API-Token", LibertyServer.ALICE_TOKEN), 403, "forbidden");
        assertError(server.json("POST", "/api/batch/jobs", "{\"job\":\"rethink-export\",\"params\":{\"db\":\"tx\",\"table\":\"legacy\"}}"),
                400, "no_database");
        assertError(server.send("POST", "/api/batch/uploads?format=xml", "x", "Content-Type", "text/plain"), 400, "unsupported_format");
        // the diagnose job writes no file
        HttpResponse<String> diag = server.json("POST", "/api/batch/jobs", "{\"job\":\"guildnet-diagnose\"}");
        assertError(server.get("/api/batch/executions/" + Json.obj(diag.body()).getJsonNumber("executionId").longValue() + "/file"), 404, "no_file");
    }
}
