package io.guildnet.it;

import static io.guildnet.it.RequestBasicsIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Instant;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Host endpoints: images, image defaults, agents, metrics, health, OpenAPI, audit. */
class HostEndpointsIT {

    static LibertyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
    }

    @Test
    void imagePresetsAndDefaultsMatchOnRepositoryName() throws Exception {
        JsonArray images = Json.arr(server.get("/api/images").body());
        assertEquals("codercom/code-server:4.90.3", images.getJsonObject(0).getString("image"));
        JsonObject cs = Json.obj(server.get("/api/image-defaults?image=codercom/code-server:4.90.3").body());
        assertEquals(8080, cs.getJsonArray("ports").getJsonObject(0).getInt("port"));
        assertTrue(cs.getJsonObject("env").containsKey("AGENT_HOST"));
        JsonObject ghcr = Json.obj(server.get("/api/image-defaults?image=ghcr.io/coder/code-server:latest").body());
        assertEquals(8080, ghcr.getJsonArray("ports").getJsonObject(0).getInt("port"));
        assertEquals("{}", server.get("/api/image-defaults?image=evil.io/x/codercom/code-server-fork").body());
        assertEquals("{}", server.get("/api/image-defaults?image=nginx").body());
        assertEquals("{}", server.get("/api/image-defaults").body());
    }

    @Test
    void agentsRegisterResolveAndList() throws Exception {
        String id = "dev-" + System.nanoTime();
        HttpResponse<String> reg = server.json("POST", "/api/v1/agents/register",
                "{\"id\":\"" + id + "\",\"ip\":\"100.64.0.7\",\"org\":\"acme\",\"hostname\":\"laptop\",\"ports\":{\"ui\":8090},\"capabilities\":[\"ide\"],\"version\":\"1.0\"}");
        assertEquals(200, reg.statusCode(), reg.body());
        assertEquals("ok", Json.obj(reg.body()).getString("status"));

        JsonObject res = Json.obj(server.get("/api/v1/resolve?id=" + id + "&org=acme").body());
        assertEquals("100.64.0.7", res.getString("ip"));
        assertEquals(8090, res.getJsonObject("ports").getInt("ui"));
        assertTrue(Instant.parse(res.getString("expires_at")).isAfter(Instant.now()));

        JsonArray list = Json.arr(server.get("/api/v1/agents?org=acme").body());
        assertTrue(list.stream().anyMatch(v -> id.equals(v.asJsonObject().getString("id"))), list.toString());
        assertTrue(Json.arr(server.get("/api/v1/agents?org=other").body()).stream().noneMatch(v -> id.equals(v.asJsonObject().getString("id"))));

        assertError(server.get("/api/v1/resolve?id=nobody-here"), 404, "not_found");
        assertError(server.get("/api/v1/resolve"), 400, "missing_id");
        assertError(server.json("POST", "/api/v1/agents/register", "{\"id\":\"x\",\"ip\":\"not-an-ip.example\"}"), 400, "invalid_field");
        assertError(server.json("POST", "/api/v1/agents/register", "{\"ip\":\"100.64.0.1\"}"), 400, "missing_field");
        assertError(server.json("POST", "/api/v1/agents/register", "{\"id\":\"y\",\"ip\":\"100.64.0.1\",\"ports\":{\"ui\":70000}}"), 400, "invalid_field");
    }

    @Test
    void metricsCountRequestsPerRoute() throws Exception {
        server.get("/api/ui-config");
        JsonObject snap = Json.obj(server.get("/api/metrics").body()).getJsonObject("snapshot");
        assertTrue(Instant.parse(snap.getString("ts")).isBefore(Instant.now().plusSeconds(1)));
        assertTrue(snap.containsKey("ops") && snap.containsKey("changefeeds"));
        assertTrue(snap.getJsonObject("http").getJsonNumber("GET /api/ui-config").longValue() >= 1, snap.toString());

        String prom = server.get("/metrics").body();
        assertTrue(prom.contains("guildnet_http_requests_total{") && prom.contains("route=\"/api/ui-config\""), "no per-route counter in /metrics");
        assertTrue(prom.contains("guildnet_http_request_duration_seconds"), "no per-route latency in /metrics");
    }

    @Test
    void healthEndpointsReportTheirChecks() throws Exception {
        HttpResponse<String> ready = server.get("/health/ready");
        assertEquals(200, ready.statusCode(), ready.body());
        JsonObject r = Json.obj(ready.body());
        assertEquals("UP", r.getString("status"));
        var names = r.getJsonArray("checks").stream().map(v -> v.asJsonObject().getString("name")).toList();
        assertTrue(names.containsAll(java.util.List.of("state-store", "executors", "master-key")), names.toString());
        assertEquals(200, server.get("/health/live").statusCode());
        assertEquals(200, server.get("/health/started").statusCode());
        assertEquals("ok", server.get("/healthz").body());
    }

    @Test
    void openApiDescribesTheApi() throws Exception {
        HttpResponse<String> r = server.get("/openapi");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("/api/settings/{kind}"), r.body().substring(0, Math.min(400, r.body().length())));
        assertTrue(r.body().contains("/api/v1/agents/register"));
        assertFalse(server.messagesLog().contains("CWWKO1650E"), "the OpenAPI document validates without errors");
    }

    @Test
    void auditFiltersAndValidatesItsQuery() throws Exception {
        assertError(server.get("/api/audit?limit=0"), 400, "invalid_limit");
        assertError(server.get("/api/audit?since=yesterday"), 400, "invalid_since");
        server.json("POST", "/api/v1/agents/register", "{\"id\":\"audited-agent\",\"ip\":\"127.0.0.1\"}");
        JsonArray a = Json.arr(server.get("/api/audit?action=agent.register&limit=5").body());
        assertTrue(!a.isEmpty() && a.stream().allMatch(v -> "agent.register".equals(v.asJsonObject().getString("action"))), a.toString());
    }
}
