package io.guildnet.it;

import static io.guildnet.it.RequestBasicsIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Settings apply without a restart; secrets are encrypted at rest and never shown or logged. */
class SettingsIT {

    static LibertyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
    }

    @Test
    void frontendOriginChangeAppliesToTheNextRequest() throws Exception {
        String ui = "https://ui.example:9443";
        HttpResponse<String> before = server.send("OPTIONS", "/api/health", null, "Origin", ui, "Access-Control-Request-Method", "GET");
        assertEquals(403, before.statusCode());
        assertEquals(200, server.json("PUT", "/api/settings/global", "{\"frontend_origin\":\"" + ui + "\"}").statusCode());
        try {
            HttpResponse<String> after = server.send("OPTIONS", "/api/health", null, "Origin", ui, "Access-Control-Request-Method", "GET");
            assertEquals(204, after.statusCode());
            assertEquals(ui, after.headers().firstValue("Access-Control-Allow-Origin").orElse(null));
            assertEquals(ui, Json.obj(server.get("/api/settings/global").body()).getString("frontend_origin"));
        } finally {
            server.json("PUT", "/api/settings/global", "{\"frontend_origin\":\"\"}");
        }
    }

    @Test
    void secretsAreRedactedKeptClearedAndNeverStoredOrLoggedInPlaintext() throws Exception {
        String secret = "tskey-auth-" + System.nanoTime() + "-VERYSECRET";
        HttpResponse<String> put = server.json("PUT", "/api/settings/tailscale",
                "{\"login_server\":\"https://headscale.example\",\"preauth_key\":\"" + secret + "\",\"hostname\":\"host-a\"}");
        assertEquals(200, put.statusCode(), put.body());
        assertFalse(put.body().contains(secret));

        JsonObject got = Json.obj(server.get("/api/settings/tailscale").body());
        assertEquals("***", got.getString("preauth_key"));
        assertTrue(got.getBoolean("preauth_key_set"));
        assertEquals("https://headscale.example", got.getString("login_server"));

        // sending the redacted value back (a GET-edit-PUT round trip) keeps the secret
        assertEquals(200, server.json("PUT", "/api/settings/tailscale", got.toString()).statusCode());
        assertTrue(Json.obj(server.get("/api/settings/tailscale").body()).getBoolean("preauth_key_set"));

        Path state = server.home().resolve("state");
        for (String f : new String[] {"guildnet.sqlite", "guildnet.sqlite-wal"}) {
            Path p = state.resolve(f);
            if (Files.exists(p)) {
                assertFalse(new String(Files.readAllBytes(p), StandardCharsets.ISO_8859_1).contains(secret), f + " holds the plaintext secret");
            }
        }
        assertFalse(server.messagesLog().contains(secret), "secret in the server log");
        assertFalse(server.get("/api/audit?limit=200").body().contains(secret), "secret in the audit log");

        assertEquals(200, server.json("PUT", "/api/settings/tailscale", "{\"preauth_key\":\"\"}").statusCode());
        JsonObject cleared = Json.obj(server.get("/api/settings/tailscale").body());
        assertFalse(cleared.getBoolean("preauth_key_set"));
        assertEquals("", cleared.getString("preauth_key"));
    }

    @Test
    void invalidValuesAreRejectedWithTheFieldNamed() throws Exception {
        JsonObject e = assertError(server.json("PUT", "/api/settings/tailscale", "{\"login_server\":\"ftp://nope\"}"), 400, "invalid_field");
        assertEquals("login_server", e.getJsonObject("details").getString("field"));
        assertError(server.json("PUT", "/api/settings/global", "{\"auth_mode\":\"open\"}"), 400, "invalid_field");
        assertError(server.json("PUT", "/api/settings/global", "{\"frontend_origin\":\"https://x.example/path\"}"), 400, "invalid_field");
        assertError(server.json("PUT", "/api/settings/global", "{\"listen_local\":\"0.0.0.0:1\"}"), 400, "read_only_field");
        assertError(server.json("PUT", "/api/settings/database", "{\"addr\":\"no-port\"}"), 400, "invalid_field");
        assertError(server.get("/api/settings/nonsense"), 404, "not_found");
    }

    @Test
    void settingsChangesAreAuditedWithoutValues() throws Exception {
        HttpResponse<String> r = server.json("PUT", "/api/settings/global", "{\"org_id\":\"audit-org\"}");
        assertEquals(200, r.statusCode());
        String rid = r.headers().firstValue("X-Request-Id").orElseThrow();
        var entries = Json.arr(server.get("/api/audit?action=settings.update&entity_id=global").body());
        JsonObject mine = entries.stream().map(v -> v.asJsonObject())
                .filter(o -> rid.equals(o.getString("request_id", ""))).findFirst().orElseThrow();
        assertEquals("local", mine.getString("actor"));
        assertEquals("settings", mine.getString("entityType"));
        assertEquals(200, mine.getInt("status"));
        assertFalse(mine.toString().contains("audit-org"));
    }
}
