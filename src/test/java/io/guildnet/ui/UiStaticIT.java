package io.guildnet.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.it.LibertyServer;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** How the Host App serves the UI: app shell never cached, versioned libraries immutable, client routes, 404s. */
class UiStaticIT {

    static LibertyServer server;

    @BeforeAll
    static void start() throws Exception {
        server = LibertyServer.shared();
    }

    static String header(HttpResponse<?> r, String name) {
        return r.headers().firstValue(name).orElse("");
    }

    @Test
    void appShellIsNeverCachedAndClientRoutesFallBackToIt() throws Exception {
        HttpResponse<String> root = server.get("/");
        assertEquals(200, root.statusCode());
        assertTrue(root.body().contains("<script type=\"importmap\">"), root.body());
        assertTrue(header(root, "Cache-Control").contains("no-store"), header(root, "Cache-Control"));
        HttpResponse<String> route = server.get("/c/some-cluster/databases/shop/tables/orders");
        assertEquals(200, route.statusCode());
        assertEquals(root.body(), route.body(), "an extension-less path is the app shell");
        assertTrue(header(route, "Cache-Control").contains("no-store"));
    }

    @Test
    void theImportMapIsAllowedByItsHashAndNoOtherInlineScriptIs() throws Exception {
        HttpResponse<String> root = server.get("/");
        String csp = header(root, "Content-Security-Policy");
        assertEquals(StaticRoutes.inlineScriptHashes(root.body()).trim(),
                csp.replaceAll(".*script-src 'self' ([^;]*);.*", "$1").trim(), csp);
        assertTrue(!csp.matches(".*script-src[^;]*unsafe-inline.*"), "no unsafe-inline scripts: " + csp);
    }

    @Test
    void librariesAreImmutableAndOwnAssetsRevalidated() throws Exception {
        HttpResponse<String> lib = server.get("/webjars/preact/10.28.0/dist/preact.module.js");
        assertEquals(200, lib.statusCode());
        assertTrue(header(lib, "Cache-Control").contains("immutable"), header(lib, "Cache-Control"));
        HttpResponse<String> htm = server.get("/_static/htm/3.1.1/dist/htm.module.js");
        assertEquals(200, htm.statusCode());
        HttpResponse<String> app = server.get("/assets/app.js");
        assertEquals(200, app.statusCode());
        assertEquals("no-cache", header(app, "Cache-Control"));
    }

    @Test
    void missingFilesAre404NotTheAppShell() throws Exception {
        HttpResponse<String> r = server.get("/assets/nope.js");
        assertEquals(404, r.statusCode());
        assertTrue(!r.body().contains("importmap"));
        assertEquals(404, server.get("/webjars/preact/10.28.0/nope.js").statusCode());
    }
}
