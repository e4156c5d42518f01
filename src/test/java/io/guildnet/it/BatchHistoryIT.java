package io.guildnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** Job history (executions, steps, logs, reports) survives a restart of the Host App. */
class BatchHistoryIT {

    static LibertyServer server;
    static MockCluster cluster;

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.stop();
        if (cluster != null) cluster.close();
    }

    static JsonObject awaitEnd(long id) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            JsonObject e = Json.obj(server.get("/api/batch/executions/" + id).body());
            if (!e.getString("status").startsWith("START")) return e;
            Thread.sleep(200);
        }
        throw new AssertionError("execution " + id + " did not end\n" + server.logTail());
    }

    @Test
    void executionHistoryLogsAndReportsSurviveARestart() throws Exception {
        cluster = new MockCluster();
        server = new LibertyServer("guildnetBatchHistory");
        server.wipeHome();
        Files.createDirectories(server.home());
        var kc = server.home().resolveSibling("batch-history-kubeconfig.yaml");
        Files.writeString(kc, cluster.kubeconfig("history"));
        server.env().put("KUBECONFIG", kc.toString());
        server.start();

        var r = server.json("POST", "/api/batch/jobs", "{\"job\":\"guildnet-diagnose\"}");
        assertEquals(202, r.statusCode(), r.body());
        long id = Json.obj(r.body()).getJsonNumber("executionId").longValue();
        JsonObject before = awaitEnd(id);
        assertEquals("COMPLETED", before.getString("status"), before.toString());
        String logsBefore = server.get("/api/batch/executions/" + id + "/logs").body();
        String reportBefore = server.get("/api/batch/executions/" + id + "/report").body();

        server.restart();

        JsonObject after = Json.obj(server.get("/api/batch/executions/" + id).body());
        for (String k : new String[] {"status", "exitStatus", "job", "cluster", "started", "ended", "steps"}) {
            assertEquals(before.get(k), after.get(k), k);
        }
        assertEquals(logsBefore, server.get("/api/batch/executions/" + id + "/logs").body());
        assertEquals(reportBefore, server.get("/api/batch/executions/" + id + "/report").body());
        assertTrue(Json.arr(server.get("/api/batch/executions").body()).getValuesAs(JsonObject.class).stream()
                .anyMatch(e -> e.getJsonNumber("executionId").longValue() == id));
        assertEquals(id, Json.arr(server.get("/api/jobs").body()).getValuesAs(JsonObject.class).stream()
                .mapToLong(j -> Long.parseLong(j.getString("id"))).filter(x -> x == id).findFirst().orElse(-1));

        // ids keep counting after the restart
        var again = server.json("POST", "/api/batch/jobs", "{\"job\":\"guildnet-diagnose\"}");
        assertEquals(202, again.statusCode(), again.body());
        long next = Json.obj(again.body()).getJsonNumber("executionId").longValue();
        assertTrue(next > id, next + " > " + id);
        awaitEnd(next);
    }
}
