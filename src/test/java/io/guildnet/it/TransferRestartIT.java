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
 * An import cut off by a Host App restart (graceful or a killed process) is resumed by the Host
 * App itself once it is up again, from its last checkpoint, as its submitter; one a user stopped
 * is not. The in-memory database does not outlive the server, so the destination table comes
 * back empty: exactly the rows after the checkpoint arrive, none before it — which shows the
 * restart resumed rather than started over.
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
        // time to re-create the (in-memory, now empty) destination table before the resume
        server.env().put("GUILDNET_BATCH_TRANSFER_RESUME_AFTER_SECONDS", "20");
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

    long submitImport(String db, int n) throws Exception {
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
        return id;
    }

    /** The executions of the job instance of {@code id}, waiting out the job repository's recovery after a start. */
    List<JsonObject> executionsOfInstance(long instance) throws Exception {
        long answerBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(180);
        while (true) {
            try {
                return Json.arr(server.get("/api/batch/executions?job=rethink-import&limit=200").body()).getValuesAs(JsonObject.class).stream()
                        .filter(e -> e.getJsonNumber("instanceId").longValue() == instance).toList();
            } catch (java.net.http.HttpTimeoutException e) {
                if (System.nanoTime() > answerBy) throw e;
            }
        }
    }

    void cutOffThenResume(String db, String statusAfter, Cut cut) throws Exception {
        int n = 6000;
        // one import a user stops: it must stay stopped across the restart
        createTable(db + "_stopped");
        long userStopped = submitImport(db + "_stopped", n);
        assertEquals(200, server.json("POST", "/api/batch/executions/" + userStopped + "/stop", "").statusCode());
        long stoppedInstance = execution(userStopped).getJsonNumber("instanceId").longValue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (execution(userStopped).getString("status").startsWith("ST") && !"STOPPED".equals(execution(userStopped).getString("status"))) {
            assertTrue(System.nanoTime() < deadline, "the user's stop took effect: " + execution(userStopped));
            Thread.sleep(50);
        }
        assertEquals("STOPPED", execution(userStopped).getString("status"));

        createTable(db);
        long id = submitImport(db, n);
        long instance = execution(id).getJsonNumber("instanceId").longValue();

        cut.run();
        createTable(db); // the in-memory database starts empty; the Host App resumes the import 20 s after its start

        JsonObject done = null;
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
        while (System.nanoTime() < deadline) {
            List<JsonObject> all = executionsOfInstance(instance);
            done = all.stream().filter(e -> e.getJsonNumber("executionId").longValue() > id).findFirst().orElse(null);
            if (done != null && !done.getString("status").startsWith("START")) break;
            Thread.sleep(200);
        }
        assertTrue(done != null, "the Host App resumed the cut-off import by itself: " + executionsOfInstance(instance));
        long next = done.getJsonNumber("executionId").longValue();
        String log = server.get("/api/batch/executions/" + next + "/logs").body();
        assertEquals("COMPLETED", done.getString("status"), done + "\n" + log);
        assertEquals(statusAfter, execution(id).getString("status"), "the cut-off execution is over and stays in the history");
        assertTrue(log.contains("resumed automatically: execution " + id + " was cut off when the Host App stopped; continuing as local"), log);
        assertEquals(1, executionsOfInstance(stoppedInstance).size(), "the import the user stopped was not resumed");

        Matcher m = Pattern.compile("resuming the import into " + db + ".t after row (\\d+)").matcher(log);
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
    }
}
