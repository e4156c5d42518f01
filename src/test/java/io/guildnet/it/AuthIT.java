package io.guildnet.it;

import static io.guildnet.it.RequestBasicsIT.assertError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Who may mutate: loopback vs token (both headers), named tokens, session cookies, origin checks, token mode. */
class AuthIT {

    static LibertyServer server;
    static String token;

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
        token = server.adminToken();
    }

    /** The actor recorded for the most recent audit entry of a request id. */
    static String actorOf(HttpResponse<String> r) throws Exception {
        String rid = r.headers().firstValue("X-Request-Id").orElseThrow();
        JsonArray a = Json.arr(server.get("/api/audit?limit=50", "Authorization", "Bearer " + token).body());
        for (var v : a) {
            JsonObject o = v.asJsonObject();
            if (rid.equals(o.getString("request_id", ""))) return o.getString("actor");
        }
        throw new AssertionError("no audit entry for request " + rid);
    }

    @Test
    void generatedTokenFileIsPrivate() throws Exception {
        var perms = java.nio.file.Files.getPosixFilePermissions(server.home().resolve("state/api-token"));
        assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(perms));
        assertTrue(token.length() >= 32);
        assertFalse(server.messagesLog().contains(token), "the token value must never be logged");
    }

    @Test
    void loopbackCallerMayMutateWithoutTokenAsLocal() throws Exception {
        HttpResponse<String> r = server.json("PUT", "/api/settings/database", "{\"user\":\"loop\"}");
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("local", actorOf(r));
    }

    @Test
    void bearerAndXApiTokenAreBothAccepted() throws Exception {
        HttpResponse<String> bearer = server.json("PUT", "/api/settings/database", "{\"user\":\"b\"}", "Authorization", "bearer " + token);
        assertEquals(200, bearer.statusCode(), bearer.body());
        assertEquals("user:admin", actorOf(bearer));
        HttpResponse<String> x = server.json("PUT", "/api/settings/database", "{\"user\":\"x\"}", "X-API-Token", token);
        assertEquals(200, x.statusCode(), x.body());
        assertEquals("user:admin", actorOf(x));
    }

    @Test
    void namedTokensFromTheTokensFileBecomeTheirPrincipal() throws Exception {
        HttpResponse<String> r = server.json("PUT", "/api/settings/database", "{\"user\":\"a\"}", "X-API-Token", LibertyServer.ALICE_TOKEN);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("user:alice", actorOf(r));
    }

    @Test
    void aWrongTokenIs401EvenFromLoopbackAndChangesNothing() throws Exception {
        HttpResponse<String> r = server.json("PUT", "/api/settings/database", "{\"user\":\"wrong-token-user\"}", "Authorization", "Bearer nope");
        assertError(r, 401, "unauthorized");
        assertTrue(r.headers().firstValue("WWW-Authenticate").isPresent());
        assertFalse(server.get("/api/settings/database").body().contains("wrong-token-user"));
    }

    @Test
    void aForeignWebPageCannotDriveTheLocalHostApp() throws Exception {
        HttpResponse<String> r = server.json("PUT", "/api/settings/database", "{\"user\":\"csrf\"}", "Origin", "https://evil.example");
        assertError(r, 403, "origin_not_allowed");
        HttpResponse<String> r2 = server.json("PUT", "/api/settings/database", "{\"user\":\"csrf\"}", "Sec-Fetch-Site", "cross-site");
        assertError(r2, 403, "origin_not_allowed");
        assertFalse(server.get("/api/settings/database").body().contains("csrf"));
    }

    @Test
    void loginSetsAStrictSessionCookieThatAuthenticatesTheBrowser() throws Exception {
        assertError(server.json("POST", "/api/auth/login", "{\"token\":\"nope\"}"), 401, "unauthorized");
        HttpResponse<String> login = server.json("POST", "/api/auth/login", "{\"token\":\"" + LibertyServer.ALICE_TOKEN + "\"}");
        assertEquals(200, login.statusCode(), login.body());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.startsWith("gn_session="), setCookie);
        for (String attr : new String[] {"HttpOnly", "Secure", "SameSite=Strict", "Path=/"}) assertTrue(setCookie.contains(attr), setCookie);
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));

        JsonObject who = Json.obj(server.get("/api/auth/session", "Cookie", cookie).body());
        assertEquals("user:alice", who.getString("principal"));
        assertEquals("cookie", who.getString("via"));

        String own = "https://127.0.0.1:" + server.port();
        HttpResponse<String> ok = server.json("PUT", "/api/settings/database", "{\"user\":\"cookie\"}", "Cookie", cookie, "Origin", own);
        assertEquals(200, ok.statusCode(), ok.body());
        assertEquals("user:alice", actorOf(ok));
        assertError(server.json("PUT", "/api/settings/database", "{\"user\":\"cookie-csrf\"}", "Cookie", cookie, "Origin", "https://evil.example"),
                403, "origin_not_allowed");

        HttpResponse<String> forged = server.get("/api/auth/session", "Cookie", cookie.substring(0, cookie.length() - 3) + "AAA");
        JsonObject forgedWho = Json.obj(forged.body());
        assertEquals("loopback", forgedWho.getString("via"), "a forged cookie authenticates nobody (the caller is just local)");
        assertEquals("local", forgedWho.getString("principal"));
    }

    @Test
    void tokenModeRequiresTheTokenEverywhereAndAppliesLive() throws Exception {
        String bearer = "Bearer " + token;
        assertEquals(200, server.json("PUT", "/api/settings/global", "{\"auth_mode\":\"token\"}", "Authorization", bearer).statusCode());
        try {
            assertError(server.get("/api/settings/global"), 401, "unauthorized");
            assertError(server.json("PUT", "/api/settings/database", "{\"user\":\"t\"}"), 401, "unauthorized");
            assertEquals(200, server.get("/api/settings/global", "Authorization", bearer).statusCode());
            assertEquals(200, server.get("/healthz").statusCode(), "liveness stays open");
            assertEquals(200, server.get("/api/ui-config").statusCode(), "the login screen needs ui-config");
            assertEquals("token", Json.obj(server.get("/api/ui-config").body()).getString("auth_mode"));
        } finally {
            HttpResponse<String> back = server.json("PUT", "/api/settings/global", "{\"auth_mode\":\"loopback-or-token\"}", "Authorization", bearer);
            assertEquals(200, back.statusCode(), back.body());
        }
        assertEquals(200, server.get("/api/settings/global").statusCode());
    }
}
