package io.guildnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An import cut off by a Host App restart resumes from its last checkpoint when restarted
 * through the API. The in-memory database does not outlive the server, so the destination
 * table comes back empty: exactly the rows after the checkpoint arrive, none before it —
 * which shows the restart resumed rather than started over.
 */
class TransferRestartIT {

    static LibertyServer server;
    static MockCluster cluster;
    static String cid;

    @BeforeAll
    static void start() throws Exception {
        cluster = new MockCluster();
        server = new LibertyServer("guildnetTransferRestart");
        server.wipeHome();
        Files.createDirectories(server.home());
        server.env().put("GUILDNET_RDB_BACKEND", "memory");
        server.start();
        HttpResponse<String> c = server.json("POST", "/api/deploy/clusters", "{\"name\":\"restart\"}");
        cid = Json.obj(c.body()).getString("id");
        assertEquals(200, server.json("POST", "/api/deploy/clusters/" + cid + "?action=attach-kubeconfig",
                ClusterApiIT.attachBody(cluster.kubeconfig("restart"))).statusCode());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.stop();
        if (cluster != null) cluster.close();
    }

    static JsonObject execution(long id) throws Exception {
        return Json.obj(server.get("/api/batch/executions/" + id).body());
    }

    static void createTable(String db) throws Exception {
        assertEquals(201, server.json("POST", "/api/cluster/" + cid + "/db", "{\"id\":\"" + db + "\"}").statusCode());
        assertEquals(201, server.json("POST", "/api/cluster/" + cid + "/db/" + db + "/tables", "{\"name\":\"t\",\"primary_key\":\"k\"}").statusCode());
    }

    interface Cut {
        void run() throws Exception;
    }

    @Test
    void anImportCutOffByAGracefulRestartResumesAfterItsLastCheckpoint() throws Exception {
        // the batch runtime stops the job at a chunk boundary as the server shuts down
        cutOffThenResume("graceful", "STOPPED", server::restart);
    }

    /** A crash: the server process is killed (SIGKILL) mid-chunk, then started again. */
    @Test
    void anImportCutOffByACrashResumesAfterItsLastCheckpoint() throws Exception {
        // nothing ends the job: Liberty's batch recovery marks the execution FAILED at the next start
        cutOffThenResume("crash", "FAILED", () -> {
            java.nio.file.Path pidFile = java.nio.file.Path.of(System.getProperty("it.wlp"), "usr/servers/.pid/guildnetTransferRestart.pid");
            long pid = Long.parseLong(Files.readString(pidFile).trim());
            ProcessHandle h = ProcessHandle.of(pid).orElseThrow();
            h.destroyForcibly();
            h.onExit().get(30, TimeUnit.SECONDS);
            server.stop(); // "not running": resets the harness's state
            server.start();
        });
    }

    void cutOffThenResume(String db, String statusAfter, Cut cut) throws Exception {
        createTable(db);

        int n = 6000;
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < n; i++) nd.append("{\"k\":").append(i).append(",\"v\":\"row ").append(i).append("\"}\n");
        HttpResponse<String> up = server.send("POST", "/api/batch/uploads?format=ndjson", nd.toString(), "Content-Type", "application/x-ndjson");
        assertEquals(201, up.statusCode(), up.body());
        HttpResponse<String> sub = server.json("POST", "/api/batch/jobs", "{\"job\":\"rethink-import\",\"params\":{\"cluster\":\"" + cid
                + "\",\"db\":\"" + db + "\",\"table\":\"t\",\"file\":\"" + Json.obj(up.body()).getString("file") + "\",\"chunk\":10}}");
        assertEquals(202, sub.statusCode(), sub.body());
        long id = Json.obj(sub.body()).getJsonNumber("executionId").longValue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (execution(id).getJsonNumber("progress").doubleValue() < 0.05) {
            assertTrue(System.nanoTime() < deadline, "no progress: " + execution(id));
            Thread.sleep(20);
        }

        cut.run();

        // the first batch request after a start waits for the job repository (Derby recovers after a crash): slow on a loaded machine
        JsonObject ended = null;
        long answerBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (ended == null) {
            try {
                ended = execution(id);
            } catch (java.net.http.HttpTimeoutException e) {
                if (System.nanoTime() > answerBy) throw e;
            }
        }
        assertEquals(statusAfter, ended.getString("status"), "after the restart the cut-off execution is over: " + ended);
        createTable(db); // the in-memory database starts empty
        HttpResponse<String> re = server.json("POST", "/api/batch/executions/" + id + "/restart", "");
        assertEquals(202, re.statusCode(), re.body());
        long next = Json.obj(re.body()).getJsonNumber("executionId").longValue();
        JsonObject done = null;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            done = execution(next);
            if (!done.getString("status").startsWith("START")) break;
            Thread.sleep(100);
        }
        assertEquals("COMPLETED", done.getString("status"), done + "\n" + server.get("/api/batch/executions/" + next + "/logs").body());

        Matcher m = Pattern.compile("resuming the import into " + db + ".t after row (\\d+)").matcher(server.get("/api/batch/executions/" + next + "/logs").body());
        assertTrue(m.find(), "the restart resumed from a checkpoint");
        int from = Integer.parseInt(m.group(1));
        assertTrue(from > 0 && from < n, "checkpoint mid-way: " + from);
        List<Integer> keys = new java.util.ArrayList<>();
        String cursor = null;
        do {
            JsonObject page = Json.obj(server.get("/api/cluster/" + cid + "/db/" + db + "/tables/t/rows?limit=1000" + (cursor == null ? "" : "&cursor=" + cursor)).body());
            page.getJsonArray("items").getValuesAs(JsonObject.class).forEach(r -> keys.add(r.getInt("k")));
            cursor = page.getString("next_cursor", null);
        } while (cursor != null);
        assertEquals(java.util.stream.IntStream.range(from, n).boxed().toList(), keys, "exactly the rows after the checkpoint, once each");
        assertTrue(Json.arr(server.get("/api/batch/executions?job=rethink-import").body()).getValuesAs(JsonObject.class).stream()
                .anyMatch(e -> e.getJsonNumber("executionId").longValue() == id), "the cut-off execution is still in the history");
    }
}
