package io.guildnet.security;

import static io.guildnet.config.GuildNetConfig.AuthMode.LOOPBACK_OR_TOKEN;
import static io.guildnet.config.GuildNetConfig.AuthMode.TOKEN;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.config.GuildNetConfig.AuthMode;
import io.guildnet.security.AuthPolicy.Decision;
import io.guildnet.security.AuthPolicy.Facts;
import io.guildnet.security.AuthPolicy.Via;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class AuthPolicyTest {

    private static final String LOOPBACK = "127.0.0.1";
    /** TEST-NET-1 documentation address: a string only, nothing connects to it. */
    private static final String REMOTE = "192.0.2.10";
    private static final String OWN_ORIGIN = "https://127.0.0.1:8090";
    private static final String FOREIGN_ORIGIN = "https://evil.example";
    private static final Set<String> ALLOWED = Set.of(OWN_ORIGIN);

    /** Builder for request facts; defaults: GET from loopback, no credentials, no browser headers. */
    private static final class Req {
        String method = "GET";
        boolean upgrade;
        String remote = LOOPBACK;
        boolean tokenPresented;
        Optional<String> tokenPrincipal = Optional.empty();
        Optional<String> cookiePrincipal = Optional.empty();
        String origin;
        String secFetchSite;
        boolean publicPath;

        Req method(String m) { method = m; return this; }
        Req upgrade() { upgrade = true; return this; }
        Req from(String addr) { remote = addr; return this; }
        Req validToken(String principal) { tokenPresented = true; tokenPrincipal = Optional.of(principal); return this; }
        Req unknownToken() { tokenPresented = true; tokenPrincipal = Optional.empty(); return this; }
        Req cookie(String principal) { cookiePrincipal = Optional.of(principal); return this; }
        Req origin(String o) { origin = o; return this; }
        Req secFetchSite(String s) { secFetchSite = s; return this; }
        Req publicPath() { publicPath = true; return this; }

        Decision decide(AuthMode mode) {
            return AuthPolicy.decide(new Facts(method, upgrade, remote, tokenPresented, tokenPrincipal, cookiePrincipal,
                    origin, secFetchSite, publicPath), mode, ALLOWED);
        }
    }

    private static Req get() { return new Req(); }

    private static Req post() { return new Req().method("POST"); }

    private static void assertAllowed(Decision d, String principal, Via via) {
        assertTrue(d.allowed(), () -> "expected allowed, got " + d);
        assertEquals(principal, d.principal());
        assertEquals(via, d.via());
    }

    private static void assertDenied(Decision d, int status, String code) {
        assertFalse(d.allowed(), () -> "expected denied, got " + d);
        assertEquals(status, d.status());
        assertEquals(code, d.code());
        assertEquals(Via.NONE, d.via());
    }

    // ---- tokens -----------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(AuthMode.class)
    void unknownPresentedTokenIsUnauthorizedEvenFromLoopback(AuthMode mode) {
        assertDenied(get().unknownToken().decide(mode), 401, "unauthorized");
        assertDenied(post().unknownToken().decide(mode), 401, "unauthorized");
        assertDenied(get().unknownToken().publicPath().decide(mode), 401, "unauthorized");
        assertDenied(post().unknownToken().cookie("user:bob").decide(mode), 401, "unauthorized");
    }

    @ParameterizedTest
    @EnumSource(AuthMode.class)
    void tokenPrincipalWinsOverCookieAndLoopback(AuthMode mode) {
        assertAllowed(post().validToken("user:alice").cookie("user:bob").decide(mode), "user:alice", Via.TOKEN);
        assertAllowed(post().from(REMOTE).validToken("user:alice").decide(mode), "user:alice", Via.TOKEN);
    }

    @ParameterizedTest
    @EnumSource(AuthMode.class)
    void tokenAuthenticatedPostWithForeignOriginIsAllowed(AuthMode mode) {
        // A header token cannot be sent cross-site without CORS, so the origin check does not apply.
        assertAllowed(post().validToken("user:alice").origin(FOREIGN_ORIGIN).decide(mode), "user:alice", Via.TOKEN);
        assertAllowed(post().validToken("user:alice").secFetchSite("cross-site").decide(mode), "user:alice", Via.TOKEN);
    }

    // ---- loopback ---------------------------------------------------------------------------

    @Test
    void loopbackPostWithoutTokenIsLocalInLoopbackOrTokenMode() {
        assertAllowed(post().decide(LOOPBACK_OR_TOKEN), "local", Via.LOOPBACK);
        assertAllowed(post().from("::1").decide(LOOPBACK_OR_TOKEN), "local", Via.LOOPBACK);
        assertAllowed(new Req().method("DELETE").decide(LOOPBACK_OR_TOKEN), "local", Via.LOOPBACK);
    }

    @Test
    void loopbackPostWithoutTokenIsUnauthorizedInTokenMode() {
        assertDenied(post().decide(TOKEN), 401, "unauthorized");
    }

    @Test
    void loopbackGetWithoutTokenIsUnauthorizedInTokenMode() {
        assertDenied(get().decide(TOKEN), 401, "unauthorized");
    }

    @Test
    void loopbackPostWithForeignOriginIsForbidden() {
        assertDenied(post().origin(FOREIGN_ORIGIN).decide(LOOPBACK_OR_TOKEN), 403, "origin_not_allowed");
    }

    @Test
    void loopbackPostWithAllowedOriginIsAllowed() {
        assertAllowed(post().origin(OWN_ORIGIN).decide(LOOPBACK_OR_TOKEN), "local", Via.LOOPBACK);
    }

    @Test
    void loopbackPostMarkedCrossSiteWithoutOriginIsForbidden() {
        assertDenied(post().secFetchSite("cross-site").decide(LOOPBACK_OR_TOKEN), 403, "origin_not_allowed");
        assertDenied(post().secFetchSite("same-site").decide(LOOPBACK_OR_TOKEN), 403, "origin_not_allowed");
    }

    @Test
    void loopbackPostMarkedSameOriginOrUserInitiatedWithoutOriginIsAllowed() {
        assertAllowed(post().secFetchSite("same-origin").decide(LOOPBACK_OR_TOKEN), "local", Via.LOOPBACK);
        assertAllowed(post().secFetchSite("none").decide(LOOPBACK_OR_TOKEN), "local", Via.LOOPBACK);
    }

    @Test
    void loopbackGetWithForeignOriginIsNotAMutationAndAllowed() {
        assertAllowed(get().origin(FOREIGN_ORIGIN).decide(LOOPBACK_OR_TOKEN), "local", Via.LOOPBACK);
    }

    // ---- remote callers ---------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(AuthMode.class)
    void remotePostWithoutTokenIsUnauthorized(AuthMode mode) {
        assertDenied(post().from(REMOTE).decide(mode), 401, "unauthorized");
        assertDenied(new Req().method("put").from(REMOTE).decide(mode), 401, "unauthorized");
    }

    @Test
    void remoteGetWithoutTokenIsAnonymousInLoopbackOrTokenMode() {
        assertAllowed(get().from(REMOTE).decide(LOOPBACK_OR_TOKEN), "anonymous", Via.NONE);
    }

    @Test
    void remoteGetWithoutTokenIsUnauthorizedInTokenMode() {
        assertDenied(get().from(REMOTE).decide(TOKEN), 401, "unauthorized");
    }

    @ParameterizedTest
    @EnumSource(AuthMode.class)
    void publicPathGetIsAllowedWithoutCredentials(AuthMode mode) {
        assertAllowed(get().from(REMOTE).publicPath().decide(mode), "anonymous", Via.NONE);
    }

    @Test
    void publicPathPostStillNeedsCredentials() {
        assertDenied(post().from(REMOTE).publicPath().decide(TOKEN), 401, "unauthorized");
        assertDenied(post().publicPath().decide(TOKEN), 401, "unauthorized");
    }

    // ---- cookies ----------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(AuthMode.class)
    void cookiePostWithForeignOriginIsForbidden(AuthMode mode) {
        Decision d = post().from(REMOTE).cookie("user:bob").origin(FOREIGN_ORIGIN).decide(mode);
        assertDenied(d, 403, "origin_not_allowed");
        assertTrue(d.message().contains(FOREIGN_ORIGIN), d.message());
    }

    @ParameterizedTest
    @EnumSource(AuthMode.class)
    void cookiePostWithAllowedOriginIsAllowed(AuthMode mode) {
        assertAllowed(post().from(REMOTE).cookie("user:bob").origin(OWN_ORIGIN).decide(mode), "user:bob", Via.COOKIE);
    }

    @ParameterizedTest
    @EnumSource(AuthMode.class)
    void cookieWinsOverLoopback(AuthMode mode) {
        assertAllowed(post().cookie("user:bob").decide(mode), "user:bob", Via.COOKIE);
    }

    @Test
    void cookieGetIsAllowedInTokenMode() {
        assertAllowed(get().from(REMOTE).cookie("user:bob").origin(FOREIGN_ORIGIN).decide(TOKEN), "user:bob", Via.COOKIE);
    }

    // ---- WebSocket upgrades -----------------------------------------------------------------

    @Test
    void webSocketUpgradeCountsAsMutation() {
        assertTrue(AuthPolicy.isMutation("GET", true));
        assertDenied(get().upgrade().from(REMOTE).decide(LOOPBACK_OR_TOKEN), 401, "unauthorized");
        assertDenied(get().upgrade().origin(FOREIGN_ORIGIN).decide(LOOPBACK_OR_TOKEN), 403, "origin_not_allowed");
        assertDenied(get().upgrade().from(REMOTE).cookie("user:bob").origin(FOREIGN_ORIGIN).decide(TOKEN),
                403, "origin_not_allowed");
        assertDenied(get().upgrade().from(REMOTE).publicPath().decide(LOOPBACK_OR_TOKEN), 401, "unauthorized");
        assertAllowed(get().upgrade().origin(OWN_ORIGIN).decide(LOOPBACK_OR_TOKEN), "local", Via.LOOPBACK);
    }

    @Test
    void mutationsAreTheWritingMethodsInAnyCase() {
        for (String m : new String[] {"POST", "PUT", "PATCH", "DELETE", "post", "Delete"}) {
            assertTrue(AuthPolicy.isMutation(m, false), m);
        }
        for (String m : new String[] {"GET", "HEAD", "OPTIONS", "get"}) {
            assertFalse(AuthPolicy.isMutation(m, false), m);
        }
    }

    // ---- loopback detection -----------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1", "127.5.6.7", "127.255.255.254", "::1", "[::1]", "0:0:0:0:0:0:0:1", "::ffff:127.0.0.1"})
    void loopbackAddresses(String addr) {
        assertTrue(AuthPolicy.isLoopback(addr), addr);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"192.0.2.1", "10.0.0.1", "128.0.0.1", "::2", "::ffff:192.0.2.1", "localhost", "127.0.0.1.example",
            "[192.0.2.1]"})
    void nonLoopbackAddressesAndNames(String addr) {
        assertFalse(AuthPolicy.isLoopback(addr), String.valueOf(addr));
    }

    @Test
    void remoteAddressThatLooksLikeAHostNameIsNotLoopbackEvenInLoopbackOrTokenMode() {
        assertDenied(post().from("localhost").decide(LOOPBACK_OR_TOKEN), 401, "unauthorized");
    }
}
