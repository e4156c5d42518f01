package io.guildnet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.api.ApiException;
import org.junit.jupiter.api.Test;

class ProxyRouteTest {

    static ApiException fails(String path, String query) {
        return assertThrows(ApiException.class, () -> ProxyRoute.parse(path, query), path + "?" + query);
    }

    @Test
    void clusterServerFormKeepsSubPathAndQuery() {
        ProxyRoute r = ProxyRoute.parse("/api/cluster/c-1/proxy/server/ws1/static/app.js", "v=3&x=%2F");
        assertEquals(ProxyRoute.Kind.CLUSTER_SERVER, r.kind());
        assertEquals("c-1", r.clusterId());
        assertEquals("ws1", r.name());
        assertEquals("/api/cluster/c-1/proxy/server/ws1", r.base());
        assertEquals("/static/app.js?v=3&x=%2F", r.subPathAndQuery());
        assertNull(r.target());
    }

    @Test
    void clusterServerFormWithoutRestIsRoot() {
        assertEquals("/", ProxyRoute.parse("/api/cluster/c1/proxy/server/ws1", null).subPathAndQuery());
        assertEquals("/", ProxyRoute.parse("/api/cluster/c1/proxy/server/ws1/", "").subPathAndQuery());
        assertEquals("/?folder=/home", ProxyRoute.parse("/api/cluster/c1/proxy/server/ws1", "folder=/home").subPathAndQuery());
    }

    @Test
    void serverFormOnDefaultCluster() {
        ProxyRoute r = ProxyRoute.parse("/proxy/server/my-ide/a/b/", "q=1");
        assertEquals(ProxyRoute.Kind.SERVER, r.kind());
        assertNull(r.clusterId());
        assertEquals("my-ide", r.name());
        assertEquals("/proxy/server/my-ide", r.base());
        assertEquals("/a/b/?q=1", r.subPathAndQuery());
    }

    @Test
    void percentEncodingInTheRestKeptRaw() {
        ProxyRoute r = ProxyRoute.parse("/proxy/server/ws1/files/a%20b%2Fc%3F.txt", "p=a%26b+c");
        assertEquals("/files/a%20b%2Fc%3F.txt?p=a%26b+c", r.subPathAndQuery());
        ProxyRoute raw = ProxyRoute.parse("/proxy/127.0.0.1:8080/x%2Fy", "q=%41");
        assertEquals("/x%2Fy?q=%41", raw.subPathAndQuery());
    }

    @Test
    void percentEncodedNameIsDecodedBeforeValidation() {
        ProxyRoute r = ProxyRoute.parse("/api/cluster/c%31/proxy/server/w%731/x", null);
        assertEquals("c1", r.clusterId());
        assertEquals("ws1", r.name());
    }

    @Test
    void queryFormStripsItsOwnParametersKeepsOthers() {
        ProxyRoute r = ProxyRoute.parse("/proxy", "a=1&to=127.0.0.1:8080&path=/app/x&scheme=http&b=%2F&c");
        assertEquals(ProxyRoute.Kind.RAW, r.kind());
        assertEquals(new Allowlist.HostPort("127.0.0.1", 8080), r.target());
        assertEquals("http", r.scheme());
        assertEquals("/proxy/127.0.0.1:8080", r.base());
        assertEquals("/app/x?a=1&b=%2F&c", r.subPathAndQuery());
    }

    @Test
    void queryFormPathWithItsOwnQuery() {
        ProxyRoute r = ProxyRoute.parse("/proxy/", "to=localhost:3000&path=%2Fx%3Fy%3D1&z=2");
        assertEquals("/x?y=1&z=2", r.subPathAndQuery());
        assertEquals(new Allowlist.HostPort("localhost", 3000), r.target());
    }

    @Test
    void queryFormNeedsToAndPath() {
        ApiException e = fails("/proxy", "to=127.0.0.1:80");
        assertEquals(400, e.status());
        assertEquals("invalid_target", e.code());
        assertEquals(400, fails("/proxy", "path=/x").status());
        assertEquals(400, fails("/proxy", null).status());
        ApiException rel = fails("/proxy", "to=127.0.0.1:80&path=x");
        assertEquals(400, rel.status());
        assertEquals("invalid_target", rel.code());
    }

    @Test
    void legacyPathForm() {
        ProxyRoute r = ProxyRoute.parse("/proxy/127.0.0.1:9000/api/x", "k=v");
        assertEquals(ProxyRoute.Kind.RAW, r.kind());
        assertEquals(new Allowlist.HostPort("127.0.0.1", 9000), r.target());
        assertEquals("/proxy/127.0.0.1:9000", r.base());
        assertEquals("/api/x?k=v", r.subPathAndQuery());
        assertEquals("http", r.scheme());
        assertEquals("/", ProxyRoute.parse("/proxy/127.0.0.1:9000", null).subPathAndQuery());
    }

    @Test
    void legacyPathFormIpv6() {
        ProxyRoute r = ProxyRoute.parse("/proxy/[::1]:8080/x", null);
        assertEquals(new Allowlist.HostPort("::1", 8080), r.target());
        assertEquals("/proxy/[::1]:8080", r.base());
        ProxyRoute enc = ProxyRoute.parse("/proxy/%5B::1%5D:8080/x", null);
        assertEquals(new Allowlist.HostPort("::1", 8080), enc.target());
    }

    @Test
    void legacyPathFormHonoursSchemeParameter() {
        assertEquals("https", ProxyRoute.parse("/proxy/127.0.0.1:9000/x", "scheme=https").scheme());
    }

    @Test
    void defaultSchemeHttpsFor443And8443() {
        assertEquals("https", ProxyRoute.parse("/proxy", "to=a.example:443&path=/").scheme());
        assertEquals("https", ProxyRoute.parse("/proxy", "to=a.example:8443&path=/").scheme());
        assertEquals("http", ProxyRoute.parse("/proxy", "to=a.example:8080&path=/").scheme());
        assertEquals("https", ProxyRoute.parse("/proxy/a.example:443/", null).scheme());
        assertEquals("http", ProxyRoute.parse("/proxy/a.example:80/", null).scheme());
        assertEquals("http", ProxyRoute.parse("/proxy", "to=a.example:443&path=/&scheme=http").scheme());
        assertEquals("https", ProxyRoute.parse("/proxy", "to=a.example:80&path=/&scheme=https").scheme());
        assertEquals("https", ProxyRoute.parse("/proxy", "to=a.example:443&path=/&scheme=").scheme(), "an empty scheme means the default");
    }

    @Test
    void invalidSchemeIs400() {
        ApiException e = fails("/proxy", "to=a.example:80&path=/&scheme=ftp");
        assertEquals(400, e.status());
        assertEquals("invalid_target", e.code());
        assertEquals(400, fails("/proxy/a.example:80/x", "scheme=gopher").status());
        assertEquals(400, fails("/proxy", "to=a.example:80&path=/&scheme=HTTP").status());
    }

    @Test
    void invalidPortIs400() {
        for (String to : new String[] {"a.example:0", "a.example:65536", "a.example", "a.example:x", ":80"}) {
            ApiException e = fails("/proxy", "to=" + to + "&path=/");
            assertEquals(400, e.status(), to);
            assertEquals("invalid_target", e.code(), to);
            ApiException p = fails("/proxy/" + to + "/x", null);
            assertEquals(400, p.status(), to);
            assertEquals("invalid_target", p.code(), to);
        }
    }

    @Test
    void invalidWorkspaceNameIs400() {
        for (String n : new String[] {"Bad_Name", "UPPER", "-lead", "trail-", "a.b", "x%2Fy", "a".repeat(64)}) {
            ApiException e = fails("/proxy/server/" + n + "/", null);
            assertEquals(400, e.status(), n);
            assertEquals("invalid_name", e.code(), n);
            ApiException c = fails("/api/cluster/c1/proxy/server/" + n, null);
            assertEquals(400, c.status(), n);
            assertEquals("invalid_name", c.code(), n);
        }
        assertEquals("a".repeat(63), ProxyRoute.parse("/proxy/server/" + "a".repeat(63), null).name());
    }

    @Test
    void badPercentEncodingInNameIs400() {
        ApiException e = fails("/proxy/server/ws%zz/", null);
        assertEquals(400, e.status());
    }

    @Test
    void unknownRouteIs404() {
        ApiException e = fails("/other", null);
        assertEquals(404, e.status());
        assertEquals("not_found", e.code());
        assertEquals(404, fails("/proxyx/y", null).status());
    }

    @Test
    void matchesOnlyProxyPaths() {
        assertTrue(ProxyRoute.matches("/proxy"));
        assertTrue(ProxyRoute.matches("/proxy/server/ws1/"));
        assertTrue(ProxyRoute.matches("/api/cluster/c1/proxy/server/ws1"));
        assertTrue(ProxyRoute.matches("/api/cluster/c1/proxy/server/ws1/x"));
        assertFalse(ProxyRoute.matches("/proxyx"));
        assertFalse(ProxyRoute.matches("/api/cluster/c1/workspaces"));
        assertFalse(ProxyRoute.matches("/api/cluster/c1/proxy"));
    }
    @Test
    void queryFormPathNeverCarriesRawControlCharactersOrSpaces() {
        for (String path : new String[] {"/a%20b", "/a+b", "/x%0D%0AX-Injected:%201%0D%0A"}) {
            String rest;
            try {
                rest = ProxyRoute.parse("/proxy", "to=127.0.0.1:8080&path=" + path).subPathAndQuery();
            } catch (ApiException e) {
                assertEquals(400, e.status(), path);
                continue;
            }
            assertFalse(rest.chars().anyMatch(c -> c <= ' ' || c == 0x7f), path + " gave the request target '" + rest + "'");
        }
    }
    @Test
    void strayPercentInUpstreamQueryPassesThrough() {
        ProxyRoute r = assertDoesNotThrowRoute("/proxy/127.0.0.1:8080/search", "q=100%");
        assertEquals("/search?q=100%", r.subPathAndQuery());
    }
    @Test
    void malformedPercentInQueryFormValueIs400() {
        try {
            ProxyRoute.parse("/proxy", "to=127.0.0.1:8080&path=/x%zz");
        } catch (ApiException e) {
            assertEquals(400, e.status());
            return;
        } catch (RuntimeException e) {
            throw new AssertionError("expected ApiException 400, got " + e, e);
        }
        throw new AssertionError("expected a 400");
    }

    private static ProxyRoute assertDoesNotThrowRoute(String p, String q) {
        try {
            return ProxyRoute.parse(p, q);
        } catch (RuntimeException e) {
            throw new AssertionError("parse threw " + e, e);
        }
    }
}
