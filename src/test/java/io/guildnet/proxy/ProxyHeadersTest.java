package io.guildnet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class ProxyHeadersTest {

    static final String BASE = "/api/cluster/c1/proxy/server/ws1";
    static final String SESSION = "gn_session";
    static final Upstream UP = Upstream.plain("10.0.0.5", 8080);
    static final ProxyHeaders.Client UNTRUSTED = new ProxyHeaders.Client("203.0.113.7", "host.example:8443", "https", false);
    static final ProxyHeaders.Client TRUSTED = new ProxyHeaders.Client("10.1.1.1", "host.example:8443", "https", true);

    static HeaderList headers(String... nv) {
        HeaderList h = new HeaderList();
        for (int i = 0; i < nv.length; i += 2) h.add(nv[i], nv[i + 1]);
        return h;
    }

    static HeaderList req(HeaderList in) {
        return ProxyHeaders.request(in, UNTRUSTED, BASE, UP, false, false, SESSION);
    }

    static HeaderList resp(HeaderList in) {
        return ProxyHeaders.response(in, 200, BASE, "", UP, List.of(), SESSION);
    }

    @Nested
    class Request {

        @Test
        void hopByHopHeadersAreNotForwarded() {
            HeaderList out = req(headers("Connection", "keep-alive", "Keep-Alive", "timeout=5", "TE", "trailers",
                    "Transfer-Encoding", "chunked", "Upgrade", "h2c", "Proxy-Authorization", "Basic eA==",
                    "Proxy-Connection", "keep-alive", "Trailer", "X-T", "Accept", "text/html"));
            for (String n : List.of("Connection", "Keep-Alive", "TE", "Transfer-Encoding", "Upgrade", "Proxy-Authorization",
                    "Proxy-Connection", "Trailer")) {
                assertFalse(out.has(n), n + " must not reach the workspace");
            }
            assertEquals("text/html", out.first("Accept"));
        }

        @Test
        void headersNamedInConnectionAreNotForwarded() {
            HeaderList out = req(headers("Connection", "keep-alive, X-Secret-Hop", "connection", "X-Other-Hop",
                    "X-Secret-Hop", "1", "x-other-hop", "2", "X-Kept", "3"));
            assertFalse(out.has("X-Secret-Hop"));
            assertFalse(out.has("X-Other-Hop"));
            assertEquals("3", out.first("X-Kept"));
        }

        @Test
        void untrustedClientForwardingHeadersAreReplacedByOurs() {
            HeaderList out = req(headers("X-Forwarded-For", "1.2.3.4", "X-Forwarded-Host", "evil.example",
                    "X-Forwarded-Proto", "http", "X-Forwarded-Prefix", "/evil", "X-Forwarded-Port", "1",
                    "X-Forwarded-Server", "evil", "Forwarded", "for=1.2.3.4", "X-Real-IP", "1.2.3.4"));
            assertEquals(List.of("203.0.113.7"), out.all("X-Forwarded-For"));
            assertEquals(List.of("host.example:8443"), out.all("X-Forwarded-Host"));
            assertEquals(List.of("https"), out.all("X-Forwarded-Proto"));
            assertEquals(List.of(BASE), out.all("X-Forwarded-Prefix"));
            assertFalse(out.has("X-Forwarded-Port"));
            assertFalse(out.has("X-Forwarded-Server"));
            assertFalse(out.has("Forwarded"));
            assertFalse(out.has("X-Real-IP"));
        }

        @Test
        void trustedHopForwardingChainIsAppendedTo() {
            HeaderList in = headers("X-Forwarded-For", "198.51.100.1", "X-Forwarded-For", "198.51.100.2",
                    "X-Forwarded-Proto", "https", "X-Forwarded-Host", "public.example", "X-Real-IP", "198.51.100.1");
            HeaderList out = ProxyHeaders.request(in, new ProxyHeaders.Client("10.1.1.1", "internal:9443", "http", true),
                    BASE, UP, false, false, SESSION);
            assertEquals(List.of("198.51.100.1, 198.51.100.2, 10.1.1.1"), out.all("X-Forwarded-For"));
            assertEquals(List.of("https"), out.all("X-Forwarded-Proto"));
            assertEquals(List.of("public.example"), out.all("X-Forwarded-Host"));
            assertEquals(List.of(BASE), out.all("X-Forwarded-Prefix"));
        }

        @Test
        void trustedHopWithoutForwardingHeadersGetsOurs() {
            HeaderList out = ProxyHeaders.request(headers(), TRUSTED, BASE, UP, false, false, SESSION);
            assertEquals("10.1.1.1", out.first("X-Forwarded-For"));
            assertEquals("host.example:8443", out.first("X-Forwarded-Host"));
            assertEquals("https", out.first("X-Forwarded-Proto"));
        }

        @Test
        void hostIsTheUpstreamAuthority() {
            HeaderList out = req(headers("Host", "host.example:8443"));
            assertEquals(List.of("10.0.0.5:8080"), out.all("Host"));
        }

        @Test
        void hostOmitsDefaultPortsAndBracketsIpv6() {
            HeaderList in = headers("Host", "x");
            assertEquals("ws.example", ProxyHeaders.request(in, UNTRUSTED, BASE, Upstream.plain("ws.example", 80), false, false, SESSION).first("Host"));
            assertEquals("[::1]:8080", ProxyHeaders.request(in, UNTRUSTED, BASE, Upstream.plain("::1", 8080), false, false, SESSION).first("Host"));
            assertEquals("[fd00::5]", ProxyHeaders.request(in, UNTRUSTED, BASE, Upstream.plain("fd00::5", 80), false, false, SESSION).first("Host"));
            Upstream tls = new Upstream("https", "api.example", 443, null, true, java.net.Proxy.NO_PROXY);
            assertEquals("api.example", ProxyHeaders.request(in, UNTRUSTED, BASE, tls, false, false, SESSION).first("Host"));
            Upstream tls80 = new Upstream("https", "api.example", 80, null, true, java.net.Proxy.NO_PROXY);
            assertEquals("api.example:80", ProxyHeaders.request(in, UNTRUSTED, BASE, tls80, false, false, SESSION).first("Host"));
            Upstream http443 = Upstream.plain("api.example", 443);
            assertEquals("api.example:443", ProxyHeaders.request(in, UNTRUSTED, BASE, http443, false, false, SESSION).first("Host"));
        }

        @Test
        void apiTokenNeverReachesTheWorkspace() {
            HeaderList out = ProxyHeaders.request(headers("X-API-Token", "secret", "x-api-token", "secret2"), UNTRUSTED, BASE, UP,
                    false, false, SESSION);
            assertFalse(out.has("X-API-Token"));
        }

        @Test
        void authorizationRemovedOnlyWhenItCarriedOurToken() {
            HeaderList in = headers("Authorization", "Bearer abc");
            assertFalse(ProxyHeaders.request(in, UNTRUSTED, BASE, UP, false, true, SESSION).has("Authorization"));
            assertEquals("Bearer abc", ProxyHeaders.request(in, UNTRUSTED, BASE, UP, false, false, SESSION).first("Authorization"));
        }

        @Test
        void sessionCookieRemovedOtherCookiesKept() {
            HeaderList out = req(headers("Cookie", "a=1; gn_session=tok; b=2"));
            assertEquals(List.of("a=1; b=2"), out.all("Cookie"));
        }

        @Test
        void cookieWithSimilarNameIsKept() {
            HeaderList out = req(headers("Cookie", "gn_session_ide=x; xgn_session=y; gn_session=tok"));
            assertEquals("gn_session_ide=x; xgn_session=y", out.first("Cookie"));
        }

        @Test
        void cookieHeaderDroppedWhenOnlyTheSessionCookie() {
            assertFalse(req(headers("Cookie", "gn_session=tok")).has("Cookie"));
            assertFalse(req(headers("Cookie", "gn_session=tok; ")).has("Cookie"));
        }

        @Test
        void sessionCookieRemovedFromEveryCookieHeader() {
            HeaderList out = req(headers("Cookie", "gn_session=tok", "Cookie", "a=1; gn_session=tok2"));
            assertEquals(List.of("a=1"), out.all("Cookie"));
        }

        @Test
        void upgradeRequestKeepsUpgradeAndPassesWebSocketHeadersExactly() {
            HeaderList in = headers("Connection", "keep-alive, Upgrade", "Upgrade", "websocket",
                    "Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ==", "Sec-WebSocket-Version", "13",
                    "Sec-WebSocket-Protocol", "chat, superchat", "Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits",
                    "Origin", "https://host.example:8443");
            HeaderList out = ProxyHeaders.request(in, UNTRUSTED, BASE, UP, true, false, SESSION);
            assertEquals(List.of("Upgrade"), out.all("Connection"));
            assertEquals(List.of("websocket"), out.all("Upgrade"));
            assertEquals("dGhlIHNhbXBsZSBub25jZQ==", out.first("Sec-WebSocket-Key"));
            assertEquals("13", out.first("Sec-WebSocket-Version"));
            assertEquals("chat, superchat", out.first("Sec-WebSocket-Protocol"));
            // the proxy re-frames WebSocket messages, so extensions are never negotiated end to end
            assertNull(out.first("Sec-WebSocket-Extensions"));
            assertEquals("https://host.example:8443", out.first("Origin"), "Origin passes so the IDE's origin check works");
        }

        @Test
        void nonUpgradeRequestHasNoUpgradeHeaders() {
            HeaderList out = req(headers("Connection", "Upgrade", "Upgrade", "websocket"));
            assertFalse(out.has("Connection"));
            assertFalse(out.has("Upgrade"));
        }

        @Test
        void guildControlHeadersAreConsumed() {
            HeaderList out = req(headers("X-Guild-Prefer-Pod", "1", "x-guild-use-portforward", "1", "X-Guild-Server-ID", "ws9"));
            assertFalse(out.has("X-Guild-Prefer-Pod"));
            assertFalse(out.has("X-Guild-Use-PortForward"));
            assertFalse(out.has("X-Guild-Server-ID"));
        }

        @Test
        void framingHeadersOfTheClientAreNotCopied() {
            HeaderList out = req(headers("Content-Length", "5", "Expect", "100-continue", "Content-Type", "text/plain"));
            assertFalse(out.has("Content-Length"), "the proxy sets the framing itself");
            assertFalse(out.has("Expect"));
            assertEquals("text/plain", out.first("Content-Type"));
        }
        @Test
        void clientWithoutHostHeaderStillGetsAWellFormedUpstreamRequest() throws java.io.IOException {
            ProxyHeaders.Client noHost = new ProxyHeaders.Client("203.0.113.7", null, "http", false);
            HeaderList out = ProxyHeaders.request(headers("Accept", "*/*"), noHost, BASE, UP, false, false, SESSION);
            for (int i = 0; i < out.size(); i++) assertTrue(out.value(i) != null, out.name(i) + " has no value");
            java.io.ByteArrayOutputStream wire = new java.io.ByteArrayOutputStream();
            HttpWire.writeRequestHead(wire, "GET", "/", out);
            assertTrue(wire.toString(java.nio.charset.StandardCharsets.ISO_8859_1).contains("Host: 10.0.0.5:8080\r\n"));
        }

        @Test
        void endToEndHeadersKeepOrderAndCase() {
            HeaderList out = req(headers("Accept", "*/*", "X-Custom", "a", "x-custom", "b", "User-Agent", "t"));
            assertEquals(List.of("a", "b"), out.all("X-Custom"));
            assertEquals("Accept", out.name(0));
            assertEquals("X-Custom", out.name(1));
            assertEquals("x-custom", out.name(2));
        }
    }

    @Nested
    class Response {

        @Test
        void framingBlockersRemoved() {
            HeaderList out = resp(headers("X-Frame-Options", "DENY", "Cross-Origin-Embedder-Policy", "require-corp"));
            assertFalse(out.has("X-Frame-Options"));
            assertFalse(out.has("Cross-Origin-Embedder-Policy"));
        }

        @Test
        void cspFrameAncestorsReplacedOtherDirectivesKept() {
            HeaderList out = ProxyHeaders.response(headers("Content-Security-Policy",
                    "default-src 'self'; frame-ancestors 'none'; script-src 'self' 'unsafe-eval'"), 200, BASE, "", UP,
                    List.of("https://ui.example"), SESSION);
            assertEquals(List.of("default-src 'self'; frame-ancestors 'self' https://ui.example; script-src 'self' 'unsafe-eval'"),
                    out.all("Content-Security-Policy"));
        }

        @Test
        void cspFrameAncestorsAppendedWhenMissing() {
            HeaderList out = resp(headers("Content-Security-Policy", "default-src 'self';"));
            assertEquals(List.of("default-src 'self'; frame-ancestors 'self'"), out.all("Content-Security-Policy"));
        }

        @Test
        void cspWithSeveralFrameAncestorsKeepsOne() {
            HeaderList out = resp(headers("Content-Security-Policy", "frame-ancestors 'none'; img-src *; Frame-Ancestors https://x"));
            assertEquals("frame-ancestors 'self'; img-src *", out.first("Content-Security-Policy"));
        }

        @Test
        void cspCreatedWhenAbsent() {
            HeaderList out = ProxyHeaders.response(headers(), 200, BASE, "", UP, List.of("https://a.example", "https://b.example"), SESSION);
            assertEquals(List.of("frame-ancestors 'self' https://a.example https://b.example"), out.all("Content-Security-Policy"));
        }

        @Test
        void embeddingPoliciesSetOverridingUpstream() {
            HeaderList out = resp(headers("Cross-Origin-Opener-Policy", "same-origin", "Cross-Origin-Resource-Policy", "same-origin",
                    "Service-Worker-Allowed", "/"));
            assertEquals(List.of("same-origin-allow-popups"), out.all("Cross-Origin-Opener-Policy"));
            assertEquals(List.of("cross-origin"), out.all("Cross-Origin-Resource-Policy"));
            assertEquals(List.of(BASE + "/"), out.all("Service-Worker-Allowed"));
        }

        @Test
        void referrerPolicyAddedOnlyWhenAbsent() {
            assertEquals(List.of("no-referrer"), resp(headers()).all("Referrer-Policy"));
            assertEquals(List.of("strict-origin"), resp(headers("Referrer-Policy", "strict-origin")).all("Referrer-Policy"));
        }

        @Test
        void hopByHopRemovedFromOrdinaryResponses() {
            HeaderList out = resp(headers("Connection", "close, X-Hop", "X-Hop", "1", "Keep-Alive", "timeout=5",
                    "Transfer-Encoding", "chunked", "Upgrade", "h2c", "Content-Type", "text/html", "Content-Length", "12"));
            assertFalse(out.has("Connection"));
            assertFalse(out.has("X-Hop"));
            assertFalse(out.has("Keep-Alive"));
            assertFalse(out.has("Transfer-Encoding"));
            assertFalse(out.has("Upgrade"));
            assertEquals("text/html", out.first("Content-Type"));
            assertEquals("12", out.first("Content-Length"));
        }

        @Test
        void switchingProtocolsKeepsConnectionAndUpgrade() {
            HeaderList out = ProxyHeaders.response(headers("Connection", "Upgrade", "Upgrade", "websocket",
                    "Sec-WebSocket-Accept", "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", "Sec-WebSocket-Protocol", "chat"), 101, BASE, "", UP, List.of(), SESSION);
            assertEquals(List.of("Upgrade"), out.all("Connection"));
            assertEquals(List.of("websocket"), out.all("Upgrade"));
            assertEquals("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=", out.first("Sec-WebSocket-Accept"));
            assertEquals("chat", out.first("Sec-WebSocket-Protocol"));
        }

        @Test
        void contentLocationMappedLikeLocation() {
            assertEquals(BASE + "/doc", resp(headers("Content-Location", "/doc")).first("Content-Location"));
        }
    }

    @Nested
    class Location {

        String loc(String l) {
            return resp(headers("Location", l)).first("Location");
        }

        @Test
        void absoluteUrlOfTheUpstreamKeepsPathQueryAndFragment() {
            assertEquals(BASE + "/login?to=%2Fhome&x=1#top", loc("http://10.0.0.5:8080/login?to=%2Fhome&x=1#top"));
        }

        @Test
        void absoluteUrlOfTheUpstreamWithoutPathGoesToBase() {
            assertEquals(BASE + "/", loc("http://10.0.0.5:8080"));
            assertEquals(BASE + "/?a=b", loc("http://10.0.0.5:8080?a=b"));
        }

        @Test
        void absoluteUrlOfTheUpstreamMatchesOnDefaultPortAndCase() {
            String out = ProxyHeaders.response(headers("Location", "HTTP://WS.Example/x?q=1"), 302, BASE, "",
                    Upstream.plain("ws.example", 80), List.of(), SESSION).first("Location");
            assertEquals(BASE + "/x?q=1", out);
            String v6 = ProxyHeaders.response(headers("Location", "http://[::1]:8080/y?z"), 302, BASE, "",
                    Upstream.plain("::1", 8080), List.of(), SESSION).first("Location");
            assertEquals(BASE + "/y?z", v6);
        }

        @Test
        void otherHostsAndPortsUntouched() {
            assertEquals("https://github.com/login/oauth?client=1", loc("https://github.com/login/oauth?client=1"));
            assertEquals("http://10.0.0.5:9090/x", loc("http://10.0.0.5:9090/x"));
            assertEquals("https://10.0.0.5/x", loc("https://10.0.0.5/x"));
        }

        @Test
        void nonHttpSchemesUntouched() {
            assertEquals("mailto:a@b.example", loc("mailto:a@b.example"));
            assertEquals("vscode://file/x", loc("vscode://file/x"));
        }

        @Test
        void rootRelativeMovesUnderBaseKeepingQuery() {
            assertEquals(BASE + "/login?next=%2F&a=1", loc("/login?next=%2F&a=1"));
            assertEquals(BASE + "/", loc("/"));
        }

        @Test
        void alreadyUnderBaseUnchanged() {
            assertEquals(BASE + "/x?y=1", loc(BASE + "/x?y=1"));
            assertEquals(BASE, loc(BASE));
            assertEquals(BASE + "?y=1", loc(BASE + "?y=1"));
        }

        @Test
        void pathThatMerelySharesTheBasePrefixMovesUnderBase() {
            assertEquals(BASE + BASE + "x/y", loc(BASE + "x/y"));
        }
        @Test
        void baseWithFragmentUnchanged() {
            assertEquals(BASE + "#frag", loc(BASE + "#frag"));
        }
        @Test
        void protocolRelativeUrlOfTheUpstreamMovesUnderBase() {
            assertEquals(BASE + "/login?x=1", loc("//10.0.0.5:8080/login?x=1"));
        }

        @Test
        void protocolRelativeUrlOfAnotherHostUntouched() {
            assertEquals("//cdn.example/x.js", loc("//cdn.example/x.js"));
        }

        @Test
        void relativeUntouched() {
            assertEquals("login?x=1", loc("login?x=1"));
            assertEquals("./a", loc("./a"));
            assertEquals("../b", loc("../b"));
            assertEquals("?q=1", loc("?q=1"));
        }

        @Test
        void apiServerProxyPrefixReplacedByBase() {
            String prefix = "/api/v1/namespaces/guild/services/http:ws1:8080/proxy";
            Upstream api = new Upstream("https", "10.96.0.1", 443, null, true, java.net.Proxy.NO_PROXY);
            java.util.function.Function<String, String> f = l -> ProxyHeaders.response(headers("Location", l), 302, BASE, prefix, api,
                    List.of(), SESSION).first("Location");
            assertEquals(BASE + "/login?a=1", f.apply(prefix + "/login?a=1"));
            assertEquals(BASE + "/", f.apply(prefix));
            assertEquals(BASE + "/?a=1", f.apply(prefix + "?a=1"));
            assertEquals(BASE + "/login?a=1", f.apply("https://10.96.0.1" + prefix + "/login?a=1"));
            assertEquals(BASE + "/other", f.apply("/other"));
        }
    }

    @Nested
    class SetCookie {

        String cookie(String v) {
            return resp(headers("Set-Cookie", v)).first("Set-Cookie");
        }

        static List<String> attrs(String v) {
            return java.util.Arrays.stream(v.split(";")).map(String::trim).toList();
        }

        @Test
        void securitySameSiteHttpOnlyKeptAsUpstreamSetThem() {
            List<String> a = attrs(cookie("sid=abc; Path=/; Secure; SameSite=Lax; HttpOnly; Max-Age=3600"));
            assertEquals("sid=abc", a.get(0));
            assertTrue(a.contains("Secure"));
            assertTrue(a.contains("SameSite=Lax"));
            assertTrue(a.contains("HttpOnly"));
            assertTrue(a.contains("Max-Age=3600"));
            assertEquals(1, a.stream().filter(s -> s.equalsIgnoreCase("secure")).count());
            assertEquals(1, a.stream().filter(s -> s.toLowerCase().startsWith("samesite")).count());
        }

        @Test
        void domainDropped() {
            List<String> a = attrs(cookie("sid=abc; Domain=ws1.svc.cluster.local; domain=.example; Path=/"));
            assertTrue(a.stream().noneMatch(s -> s.toLowerCase().startsWith("domain")), a.toString());
        }

        @Test
        void pathMovedUnderBase() {
            assertTrue(attrs(cookie("sid=abc; Path=/")).contains("Path=" + BASE + "/"));
            assertTrue(attrs(cookie("sid=abc; path=/static")).contains("Path=" + BASE + "/static"));
            assertTrue(attrs(cookie("sid=abc")).contains("Path=" + BASE + "/"));
            assertTrue(attrs(cookie("sid=abc; Path=" + BASE + "/x")).contains("Path=" + BASE + "/x"));
            assertEquals(1, attrs(cookie("sid=abc; Path=/a")).stream().filter(s -> s.toLowerCase().startsWith("path=")).count());
        }

        @Test
        void secureAddedWhenMissing() {
            assertTrue(attrs(cookie("sid=abc; SameSite=Strict")).contains("Secure"));
            assertTrue(attrs(cookie("sid=abc; SameSite=Strict")).contains("SameSite=Strict"));
        }

        @Test
        void partitionedAddedOnce() {
            assertEquals(1, attrs(cookie("sid=abc")).stream().filter(s -> s.equalsIgnoreCase("partitioned")).count());
            assertEquals(1, attrs(cookie("sid=abc; Partitioned")).stream().filter(s -> s.equalsIgnoreCase("partitioned")).count());
        }

        @Test
        void expiresWithCommaKeptIntact() {
            assertTrue(attrs(cookie("sid=abc; Expires=Wed, 21 Oct 2037 07:28:00 GMT")).contains("Expires=Wed, 21 Oct 2037 07:28:00 GMT"));
        }

        @Test
        void cookieShadowingTheSessionIsDropped() {
            HeaderList out = resp(headers("Set-Cookie", "gn_session=forged; Path=/", "Set-Cookie", "ide=1"));
            assertEquals(1, out.all("Set-Cookie").size());
            assertTrue(out.first("Set-Cookie").startsWith("ide=1"));
        }

        @Test
        void everySetCookieRewritten() {
            HeaderList out = resp(headers("Set-Cookie", "a=1; Path=/", "Set-Cookie", "b=2; Domain=x.example"));
            List<String> all = out.all("Set-Cookie");
            assertEquals(2, all.size());
            for (String c : all) {
                assertTrue(attrs(c).contains("Path=" + BASE + "/"), c);
                assertFalse(c.toLowerCase().contains("domain"), c);
            }
        }

        @Test
        void valueWithEqualsKept() {
            assertEquals("tok=a=b==", attrs(cookie("tok=a=b==; Path=/")).get(0));
        }
        @Test
        void domainWithSpacesDropped() {
            List<String> a = attrs(cookie("sid=abc; Domain = example.com; Path=/"));
            assertTrue(a.stream().noneMatch(s -> s.toLowerCase().startsWith("domain")), a.toString());
        }
    }

    @Test
    void requestWithoutSessionCookieNameKeepsCookies() {
        HeaderList out = ProxyHeaders.request(headers("Cookie", "a=1"), UNTRUSTED, BASE, UP, false, false, null);
        assertEquals("a=1", out.first("Cookie"));
        assertNull(out.first("X-API-Token"));
    }
}
