package io.guildnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Request ids, the JSON error body for every failure, security headers, CORS, static UI rules, access log. */
class RequestBasicsIT {

    static LibertyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
    }

    static JsonObject assertError(HttpResponse<String> r, int status, String code) {
        assertEquals(status, r.statusCode(), r.body());
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse("").split(";")[0]);
        JsonObject o = Json.obj(r.body());
        assertEquals(code, o.getString("code"), r.body());
        assertFalse(o.getString("message").isBlank());
        assertEquals(r.headers().firstValue("X-Request-Id").orElseThrow(), o.getString("request_id"));
        assertFalse(r.body().contains("Exception"), "no stack traces: " + r.body());
        return o;
    }

    @Test
    void echoesASaneRequestIdAndGeneratesOneOtherwise() throws Exception {
        assertEquals("abc-123.x", server.get("/healthz", "X-Request-Id", "abc-123.x").headers().firstValue("X-Request-Id").orElseThrow());
        String generated = server.get("/healthz").headers().firstValue("X-Request-Id").orElseThrow();
        assertTrue(generated.matches("[0-9a-f]{32}"), generated);
        String replaced = server.get("/healthz", "X-Request-Id", "bad id with spaces<>").headers().firstValue("X-Request-Id").orElseThrow();
        assertTrue(replaced.matches("[0-9a-f]{32}"), replaced);
    }

    @Test
    void unknownPathsAreJson404() throws Exception {
        assertError(server.get("/api/does-not-exist"), 404, "not_found");
        assertError(server.get("/missing-file.js"), 404, "not_found");
    }

    @Test
    void wrongMethodIsJson405WithAllow() throws Exception {
        HttpResponse<String> r = server.send("DELETE", "/api/images", null);
        assertError(r, 405, "method_not_allowed");
        assertTrue(r.headers().firstValue("Allow").orElse("").contains("GET"), r.headers().toString());
        assertError(server.get("/internal/shutdown"), 405, "method_not_allowed");
    }

    @Test
    void wrongContentTypeIsJson415AndNothingIsStored() throws Exception {
        HttpResponse<String> r = server.send("PUT", "/api/settings/global", "{\"org_id\":\"ct-test\"}", "Content-Type", "text/plain");
        assertError(r, 415, "unsupported_media_type");
        assertFalse(server.get("/api/settings/global").body().contains("ct-test"));
    }

    @Test
    void malformedJsonAndWrongTypesAre400AndNothingIsStored() throws Exception {
        JsonObject o = assertError(server.json("PUT", "/api/settings/global", "{\"org_id\": \"x\""), 400, "bad_json");
        assertNull(o.get("stack"));
        assertError(server.json("PUT", "/api/settings/global", "[1,2]"), 400, "bad_body");
        assertError(server.json("PUT", "/api/settings/global", ""), 400, "empty_body");
        JsonObject d = assertError(server.json("PUT", "/api/settings/global", "{\"org_id\":\"typed\",\"embed_operator\":\"yes\"}"), 400, "invalid_field");
        assertEquals("embed_operator", d.getJsonObject("details").getString("field"));
        assertFalse(server.get("/api/settings/global").body().contains("typed"), "a rejected request must store nothing");
    }

    @Test
    void oversizedBodiesAre413WithOrWithoutContentLength() throws Exception {
        String big = "{\"org_id\":\"" + "x".repeat(70_000) + "\"}";
        assertError(server.json("PUT", "/api/settings/global", big), 413, "payload_too_large");

        // chunked: no Content-Length, the limit is enforced while reading
        HttpRequest chunked = HttpRequest.newBuilder(server.uri("/api/settings/global")).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofString(big))).build();
        HttpResponse<String> r = server.client().send(chunked, HttpResponse.BodyHandlers.ofString());
        assertError(r, 413, "payload_too_large");
        assertFalse(server.get("/api/settings/global").body().contains("xxxxxxxx"));
    }

    @Test
    void ownPagesCarrySecurityHeaders() throws Exception {
        for (String p : new String[] {"/", "/api/ui-config", "/api/does-not-exist"}) {
            HttpResponse<String> r = server.get(p);
            assertEquals("nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null), p);
            assertEquals("DENY", r.headers().firstValue("X-Frame-Options").orElse(null), p);
            assertTrue(r.headers().firstValue("Content-Security-Policy").orElse("").contains("frame-ancestors 'none'"), p);
            assertTrue(r.headers().firstValue("Strict-Transport-Security").orElse("").startsWith("max-age="), p);
            assertEquals("no-referrer", r.headers().firstValue("Referrer-Policy").orElse(null), p);
        }
    }

    @Test
    void clientRoutesServeTheAppShellUncached() throws Exception {
        HttpResponse<String> r = server.get("/c/some-cluster/servers");
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains("<title>GuildNet"), r.body());
        assertTrue(r.headers().firstValue("Cache-Control").orElse("").contains("no-store"));
        assertTrue(server.get("/").headers().firstValue("Cache-Control").orElse("").contains("no-cache"));
    }

    @Test
    void corsAnswersOnlyTrustedOrigins() throws Exception {
        String own = "https://127.0.0.1:" + server.port();
        HttpResponse<String> ok = server.send("OPTIONS", "/api/settings/global", null,
                "Origin", own, "Access-Control-Request-Method", "PUT");
        assertEquals(204, ok.statusCode());
        assertEquals(own, ok.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
        assertTrue(ok.headers().firstValue("Access-Control-Allow-Methods").orElse("").contains("PUT"));
        assertEquals("true", ok.headers().firstValue("Access-Control-Allow-Credentials").orElse(null));

        HttpResponse<String> bad = server.send("OPTIONS", "/api/settings/global", null,
                "Origin", "https://evil.example", "Access-Control-Request-Method", "PUT");
        assertError(bad, 403, "origin_not_allowed");
        assertTrue(bad.headers().firstValue("Access-Control-Allow-Origin").isEmpty());

        assertTrue(server.get("/api/ui-config", "Origin", "https://evil.example").headers().firstValue("Access-Control-Allow-Origin").isEmpty());
        assertEquals(own, server.get("/api/ui-config", "Origin", own).headers().firstValue("Access-Control-Allow-Origin").orElse(null));
    }

    @Test
    void everyRequestGetsOneAccessLogLine() throws Exception {
        String rid = "access-log-" + System.nanoTime();
        server.get("/api/ui-config?x=1&api_token=hunter2", "X-Request-Id", rid, "User-Agent", "it-agent/1");
        String line = null;
        for (int i = 0; i < 40 && line == null; i++) {
            for (String l : server.messagesLog().split("\n")) if (l.contains("req_id=" + rid)) line = l;
            if (line == null) Thread.sleep(100);
        }
        assertTrue(line != null, "no access log line for " + rid);
        assertTrue(line.contains("method=GET path=/api/ui-config?x=1&api_token=*** status=200 dur_ms="), line);
        assertTrue(line.contains("remote=127.0.0.1") && line.contains("ua=\"it-agent/1\""), line);
        assertFalse(line.contains("hunter2"), line);
    }
}
