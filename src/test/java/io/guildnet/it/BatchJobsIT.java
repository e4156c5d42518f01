package io.guildnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The batch jobs (setup, verify, diagnose) and their API, on the shared server and its Kubernetes double. */
class BatchJobsIT {

    static LibertyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
        // the embedded operator starts in the background after start-up: wait until it leads
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (System.nanoTime() < deadline) {
            var lease = LibertyServer.defaultCluster.client.leases().inNamespace("guildnet-system").withName("guildnet-workspace-operator").get();
            if (lease != null && lease.getSpec() != null && lease.getSpec().getHolderIdentity() != null) return;
            Thread.sleep(250);
        }
        throw new AssertionError("the embedded operator did not take its lease\n" + server.logTail());
    }

    static long submit(String job, String params) throws Exception {
        HttpResponse<String> r = server.json("POST", "/api/batch/jobs", "{\"job\":\"" + job + "\",\"params\":" + params + "}");
        assertEquals(202, r.statusCode(), r.body());
        return Json.obj(r.body()).getJsonNumber("executionId").longValue();
    }

    static JsonObject awaitEnd(long id, int seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        JsonObject e = null;
        while (System.nanoTime() < deadline) {
            e = Json.obj(server.get("/api/batch/executions/" + id).body());
            String st = e.getString("status");
            if (st.equals("COMPLETED") || st.equals("FAILED") || st.equals("STOPPED") || st.equals("ABANDONED")) return e;
            Thread.sleep(200);
        }
        throw new AssertionError("execution " + id + " did not end in " + seconds + " s: " + e + "\n" + server.logTail());
    }

    static JsonObject report(long id) throws Exception {
        HttpResponse<String> r = server.get("/api/batch/executions/" + id + "/report");
        assertEquals(200, r.statusCode(), r.body());
        return Json.obj(r.body());
    }

    static Map<String, JsonObject> checks(JsonObject report) {
        return report.getJsonArray("layers").getValuesAs(JsonObject.class).stream()
                .flatMap(l -> l.getJsonArray("checks").getValuesAs(JsonObject.class).stream())
                .collect(Collectors.toMap(c -> c.getString("code"), c -> c));
    }

    @Test
    void verifiesAHealthyClusterLayerByLayerWithinTenSeconds() throws Exception {
        long id = submit("guildnet-verify", "{}");
        JsonObject e = awaitEnd(id, 60);
        assertEquals("COMPLETED", e.getString("status"), e.toString());
        assertTrue(List.of("PASS", "WARN").contains(e.getString("exitStatus")), e.toString());
        assertEquals(1.0, e.getJsonNumber("progress").doubleValue());
        assertEquals("host-default", e.getString("cluster"));
        List<String> steps = e.getJsonArray("steps").getValuesAs(JsonObject.class).stream().map(s -> s.getString("name")).toList();
        assertEquals(List.of("network", "cluster", "database", "application", "report"), steps);
        for (JsonObject s : e.getJsonArray("steps").getValuesAs(JsonObject.class)) {
            assertTrue(s.containsKey("started") && s.containsKey("ended") && s.containsKey("duration_ms"), s.toString());
        }

        JsonObject rep = report(id);
        for (String k : List.of("version", "cluster", "started", "finished", "duration_ms", "layers", "summary")) assertTrue(rep.containsKey(k), k);
        List<String> layers = rep.getJsonArray("layers").getValuesAs(JsonObject.class).stream().map(l -> l.getString("name")).toList();
        assertEquals(List.of("network", "cluster", "database", "application"), layers);
        Map<String, JsonObject> c = checks(rep);
        for (String code : List.of("NET01", "NET02", "NET03", "K8S01", "K8S02", "K8S03", "K8S04", "K8S06", "APP01", "APP02")) {
            assertEquals("pass", c.get(code).getString("status"), c.get(code).toString());
        }
        // the mock API server runs no pods: no proxied request, and the report says why
        assertEquals("skip", c.get("APP03").getString("status"), c.get("APP03").toString());
        assertTrue(c.get("APP03").getString("message").contains("pods cannot run here"), c.get("APP03").toString());
        assertEquals("skip", c.get("RDB01").getString("status"));
        assertTrue(c.get("RDB01").getString("message").contains("RethinkDB"), c.get("RDB01").toString());
        assertEquals("skip", c.get("NET04").getString("status"));
        assertTrue(c.get("K8S01").containsKey("latency_ms") && c.get("K8S01").containsKey("threshold_ms"));
        assertFalse(rep.toString().contains("secret-token-of"), "no kubeconfig token in the report");

        // logs: NDJSON LogEvents, with the checks, and no secret
        HttpResponse<String> logs = server.get("/api/batch/executions/" + id + "/logs");
        assertEquals(200, logs.statusCode());
        assertTrue(logs.headers().firstValue("Content-Type").orElse("").startsWith("application/x-ndjson"));
        List<JsonObject> events = logs.body().lines().map(Json::obj).toList();
        assertTrue(events.stream().anyMatch(l -> l.getString("msg").startsWith("K8S01 pass")), logs.body());
        assertTrue(events.stream().allMatch(l -> l.getString("job").equals(Long.toString(id)) && l.containsKey("ts")));
        assertFalse(logs.body().contains("secret-token-of"));

        // the report is downloadable
        HttpResponse<String> dl = server.get("/api/batch/executions/" + id + "/report?download=1");
        assertTrue(dl.headers().firstValue("Content-Disposition").orElse("").contains("report-" + id + ".json"));

        // listed, filtered by cluster and job
        JsonArray list = Json.arr(server.get("/api/batch/executions?cluster=host-default&job=guildnet-verify").body());
        assertTrue(list.getValuesAs(JsonObject.class).stream().anyMatch(x -> x.getJsonNumber("executionId").longValue() == id));
        assertEquals(0, Json.arr(server.get("/api/batch/executions?cluster=no-such-cluster").body()).size());

        // SSE after the end: replay, then the end event
        HttpResponse<String> sse = server.get("/api/batch/executions/" + id + "/events", "Accept", "text/event-stream");
        assertEquals(200, sse.statusCode());
        assertTrue(sse.body().contains("event: log"), sse.body());
        assertTrue(sse.body().contains("K8S01 pass"));
        assertTrue(sse.body().contains("event: end"), sse.body());

        // a healthy cluster verifies within 10 s (measured on a second run: the first one after
        // start-up also waits for the embedded operator's informers to sync)
        long second = submit("guildnet-verify", "{}");
        awaitEnd(second, 60);
        long took = report(second).getJsonNumber("duration_ms").longValue();
        assertTrue(took <= 10_000, "verify took " + took + " ms");

        // audited: submission and outcome
        String audit = server.get("/api/audit?entity_id=" + id).body();
        assertTrue(audit.contains("batch.submit") && audit.contains("batch.finished"), audit);
    }

    @Test
    void rejectsUnknownJobsAndBadParametersWithTheReason() throws Exception {
        assertError(server.json("POST", "/api/batch/jobs", "{\"job\":\"guildnet-nope\"}"), 400, "unknown_job");
        assertError(server.json("POST", "/api/batch/jobs", "{\"params\":{}}"), 400, "missing_field");
        assertError(server.json("POST", "/api/batch/jobs", "{\"job\":\"guildnet-setup\",\"params\":{\"dryRun\":\"maybe\"}}"), 400, "invalid_param");
        assertError(server.json("POST", "/api/batch/jobs", "{\"job\":\"guildnet-setup\",\"params\":{\"retries\":99}}"), 400, "invalid_param");
        assertError(server.json("POST", "/api/batch/jobs", "{\"job\":\"guildnet-verify\",\"params\":{\"colour\":\"red\"}}"), 400, "unknown_param");
        assertError(server.json("POST", "/api/batch/jobs", "{\"job\":\"guildnet-verify\",\"params\":{\"cluster\":\"ghost\"}}"), 400, "unknown_cluster");
        assertError(server.get("/api/batch/executions/999999"), 404, "unknown_execution");
        assertError(server.get("/api/batch/executions/abc"), 404, "unknown_execution");
    }

    static void assertError(HttpResponse<String> r, int status, String code) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals(code, Json.obj(r.body()).getString("code"), r.body());
    }

    @Test
    void setupDryRunPrintsThePlanAndChangesNothing() throws Exception {
        long id = submit("guildnet-setup", "{\"dryRun\":true}");
        JsonObject e = awaitEnd(id, 60);
        assertEquals("COMPLETED", e.getString("status"));
        assertEquals("DRY_RUN", e.getString("exitStatus"));
        JsonObject rep = report(id);
        assertEquals("dry_run", rep.getString("status"));
        assertEquals(7, rep.getJsonArray("plan").size(), rep.toString());
        assertTrue(rep.getJsonArray("plan").getString(0).startsWith("1. prerequisites"));
        String logs = server.get("/api/batch/executions/" + id + "/logs").body();
        assertTrue(logs.contains("dry run"), logs);
    }

    @Test
    void setupOfTheDefaultClusterSucceedsAndIsIdempotent() throws Exception {
        long id = submit("guildnet-setup", "{}");
        JsonObject e = awaitEnd(id, 90);
        assertEquals("COMPLETED", e.getString("status"), e + "\n" + server.get("/api/batch/executions/" + id + "/logs").body());
        JsonObject rep = report(id);
        assertEquals("succeeded", rep.getString("status"), rep.toString());
        Map<String, String> outcome = rep.getJsonArray("steps").getValuesAs(JsonObject.class).stream()
                .collect(Collectors.toMap(s -> s.getString("name"), s -> s.getString("outcome")));
        assertEquals("unchanged", outcome.get("crds"), "the running Host App installed the CRDs already");
        assertEquals("skipped", outcome.get("rethinkdb"));
        assertEquals("skipped", outcome.get("tailnet"));
        assertTrue(rep.containsKey("verification"));
        // run again: nothing to apply
        long again = submit("guildnet-setup", "{}");
        assertEquals("COMPLETED", awaitEnd(again, 90).getString("status"));
        assertEquals("unchanged", report(again).getJsonArray("steps").getValuesAs(JsonObject.class).stream()
                .filter(s -> s.getString("name").equals("settings")).findFirst().orElseThrow().getString("outcome"));
    }

    static String unreachableCluster() throws Exception {
        HttpResponse<String> c = server.json("POST", "/api/deploy/clusters", "{\"name\":\"batch-unreachable-" + System.nanoTime() + "\"}");
        String cid = Json.obj(c.body()).getString("id");
        String kc = jakarta.json.Json.createObjectBuilder().add("kubeconfig", MockCluster.unreachableKubeconfig("unreach")).build().toString();
        server.json("POST", "/api/deploy/clusters/" + cid + "?action=attach-kubeconfig", kc);
        return cid;
    }

    @Test
    void setupOnAnUnreachableClusterFailsAndReportsTheRollback() throws Exception {
        String cid = unreachableCluster();
        long id = submit("guildnet-setup", "{\"cluster\":\"" + cid + "\",\"retries\":1,\"backoffMs\":10}");
        JsonObject e = awaitEnd(id, 60);
        assertEquals("FAILED", e.getString("status"), e.toString());
        assertEquals("ROLLED_BACK", e.getString("exitStatus"));
        JsonObject rep = report(id);
        assertEquals("rolled_back", rep.getString("status"));
        assertEquals("prerequisites", rep.getString("failed_step"));
        List<String> steps = e.getJsonArray("steps").getValuesAs(JsonObject.class).stream().map(s -> s.getString("name")).toList();
        assertTrue(steps.contains("rollback") && !steps.contains("crds"), steps.toString());
        String logs = server.get("/api/batch/executions/" + id + "/logs").body();
        assertTrue(logs.contains("retrying in"), "retried with backoff: " + logs);
    }

    @Test
    void aJobOnAClusterWithoutKubeconfigFailsWithTheReasonInItsLog() throws Exception {
        HttpResponse<String> c = server.json("POST", "/api/deploy/clusters", "{\"name\":\"batch-nokc-" + System.nanoTime() + "\"}");
        String cid = Json.obj(c.body()).getString("id");
        long id = submit("guildnet-verify", "{\"cluster\":\"" + cid + "\"}");
        JsonObject e = awaitEnd(id, 60);
        assertEquals("FAILED", e.getString("status"), e.toString());
        String logs = server.get("/api/batch/executions/" + id + "/logs").body();
        assertTrue(logs.contains("is not available") && logs.contains("kubeconfig"), logs);
        assertTrue(logs.contains("finished: FAILED"), logs);
        assertError(server.get("/api/batch/executions/" + id + "/report"), 404, "no_report");
        assertEquals("failed", Json.obj(server.get("/api/jobs/" + id).body()).getString("status"));
    }

    @Test
    void diagnoseReportsFindingsAndASummary() throws Exception {
        long id = submit("guildnet-diagnose", "{}");
        JsonObject e = awaitEnd(id, 60);
        assertEquals("COMPLETED", e.getString("status"));
        JsonObject rep = report(id);
        for (String k : List.of("events", "failing_pods", "recent_errors", "settings", "connections", "findings", "summary")) {
            assertTrue(rep.containsKey(k), k);
        }
        assertTrue(rep.getJsonArray("findings").getValuesAs(JsonObject.class).stream()
                .anyMatch(f -> f.getString("rule").equals("rethinkdb-missing")), rep.toString());
        assertTrue(rep.getJsonObject("summary").getString("text").startsWith("Cluster host-default"));
    }

    @Test
    void anchorJobApiMapsKindsCancelsAndStreamsLogs() throws Exception {
        HttpResponse<String> r = server.json("POST", "/api/jobs", "{\"kind\":\"cluster.verify\",\"spec\":{\"probeWorkspace\":false}}");
        assertEquals(202, r.statusCode(), r.body());
        String jobId = Json.obj(r.body()).getString("jobId");
        awaitEnd(Long.parseLong(jobId), 60);
        JsonObject rec = Json.obj(server.get("/api/jobs/" + jobId).body());
        assertEquals("cluster.verify", rec.getString("kind"));
        assertEquals("succeeded", rec.getString("status"));
        assertEquals(1.0, rec.getJsonNumber("progress").doubleValue());
        assertTrue(rec.getString("specJSON").contains("probeWorkspace"));
        assertTrue(Json.arr(server.get("/api/jobs").body()).getValuesAs(JsonObject.class).stream().anyMatch(j -> j.getString("id").equals(jobId)));
        HttpResponse<String> logs = server.get("/api/jobs-logs/" + jobId);
        assertEquals(200, logs.statusCode());
        assertTrue(logs.body().lines().allMatch(l -> Json.obj(l).containsKey("msg")));

        assertError(server.json("POST", "/api/jobs", "{\"kind\":\"cluster.explode\"}"), 400, "unknown_kind");
        assertError(server.json("POST", "/api/jobs", "{\"spec\":{}}"), 400, "missing_kind");
        assertError(server.json("POST", "/api/jobs", "{\"kind\":\"db.export\"}"), 400, "missing_param");
        assertError(server.json("POST", "/api/jobs", "{\"kind\":\"headscale.delete\"}"), 400, "unknown_kind");
        assertError(server.json("POST", "/api/jobs", "{\"kind\":\"headscale.stop\"}"), 400, "headscale_action_not_a_job");

        // WebSocket: replays the finished job's log, then closes with 1000 "bye"
        List<String> msgs = new ArrayList<>();
        CompletableFuture<String> closed = new CompletableFuture<>();
        server.client().newWebSocketBuilder().buildAsync(java.net.URI.create("wss://127.0.0.1:" + server.port() + "/ws/jobs?id=" + jobId),
                new WebSocket.Listener() {
                    StringBuilder buf = new StringBuilder();

                    @Override public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                        buf.append(data);
                        if (last) {
                            synchronized (msgs) { msgs.add(buf.toString()); }
                            buf = new StringBuilder();
                        }
                        ws.request(1);
                        return null;
                    }

                    @Override public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
                        closed.complete(code + " " + reason);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        assertEquals("1000 bye", closed.get(20, TimeUnit.SECONDS));
        synchronized (msgs) {
            assertEquals(logs.body().lines().count(), msgs.size(), "every logged line replayed");
        }

        // cancel really stops: a setup retrying against an unreachable cluster
        String cid = unreachableCluster();
        HttpResponse<String> s = server.json("POST", "/api/jobs", "{\"kind\":\"cluster.setup\",\"spec\":{\"id\":\"" + cid + "\",\"retries\":10,\"backoffMs\":60000}}");
        assertEquals(202, s.statusCode(), s.body());
        String sid = Json.obj(s.body()).getString("jobId");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!server.get("/api/jobs-logs/" + sid).body().contains("retrying in") && System.nanoTime() < deadline) Thread.sleep(200);
        assertEquals(200, server.json("POST", "/api/jobs/" + sid + "?action=cancel", "").statusCode());
        JsonObject stopped = awaitEnd(Long.parseLong(sid), 30);
        assertEquals("STOPPED", stopped.getString("status"), stopped.toString());
        assertEquals("canceled", Json.obj(server.get("/api/jobs/" + sid).body()).getString("status"));
        assertError(server.json("POST", "/api/jobs/" + sid + "?action=cancel", ""), 409, "not_running");
        assertError(server.json("POST", "/api/jobs/" + sid + "?action=explode", ""), 400, "unsupported_action");

        // a stopped execution restarts as a new execution of the same instance
        HttpResponse<String> rs = server.json("POST", "/api/batch/executions/" + sid + "/restart", "");
        assertEquals(202, rs.statusCode(), rs.body());
        long next = Json.obj(rs.body()).getJsonNumber("executionId").longValue();
        assertTrue(next > Long.parseLong(sid));
        assertEquals(200, server.json("POST", "/api/batch/executions/" + next + "/stop", "").statusCode());
        awaitEnd(next, 30);
    }
}
