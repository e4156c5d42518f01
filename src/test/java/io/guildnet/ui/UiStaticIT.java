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

    static String version(String indexHtml) {
        var m = java.util.regex.Pattern.compile("src=\"/assets/(v-[0-9a-f]{16})/app\\.js\"").matcher(indexHtml);
        assertTrue(m.find(), "index.html loads the versioned entry module: " + indexHtml);
        return m.group(1);
    }

    @Test
    void librariesAreImmutableAndUnversionedOwnAssetsRevalidated() throws Exception {
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
    void ownAssetsAreServedUnderTheCurrentVersionAndImmutable() throws Exception {
        HttpResponse<String> root = server.get("/");
        String v = version(root.body());
        assertTrue(root.body().contains("href=\"/assets/" + v + "/app.css\""), root.body());
        assertTrue(!root.body().contains("@VERSION@"), "the placeholder is filled in");
        assertEquals(root.body(), server.get("/index.html").body());
        assertEquals(root.body(), server.get("/c/x/servers").body(), "client routes get the same versioned shell");
        String plain = server.get("/assets/app.js").body();
        for (String p : new String[] {"app.js", "app.css", "lib.js", "api.js", "pages/db.js"}) {
            HttpResponse<String> r = server.get("/assets/" + v + "/" + p);
            assertEquals(200, r.statusCode(), p);
            assertEquals("public, max-age=31536000, immutable", header(r, "Cache-Control"), p);
            if (p.endsWith(".js")) assertTrue(header(r, "Content-Type").contains("javascript"), header(r, "Content-Type"));
        }
        assertEquals(plain, server.get("/assets/" + v + "/app.js").body(), "the versioned URL is the real file");
        // relative imports resolve under the same version: app.js imports ./api.js and ./pages/*.js
        assertTrue(plain.contains("from './api.js'") && plain.contains("import('./pages/servers.js')"));
        // an old version (a tab opened before an update) still gets the current file, but must revalidate
        HttpResponse<String> stale = server.get("/assets/v-0000000000000000/app.js");
        assertEquals(200, stale.statusCode());
        assertEquals("no-cache", header(stale, "Cache-Control"));
        assertEquals(plain, stale.body());
        // a missing file under the version is a 404 too; no escape from /assets
        assertEquals(404, server.get("/assets/" + v + "/nope.js").statusCode());
        assertEquals(404, server.get("/assets/" + v + "/..%2F..%2FWEB-INF/web.xml").statusCode());
        HttpResponse<String> head = server.send("HEAD", "/", null);
        assertEquals(200, head.statusCode());
        assertTrue(header(head, "Cache-Control").contains("no-store"));
    }

    @Test
    void aChangedAssetChangesTheVersion() throws Exception {
        java.nio.file.Path assets = server.serverDir().resolve("apps/expanded/guildnet.war/assets");
        org.junit.jupiter.api.Assumptions.assumeTrue(java.nio.file.Files.isDirectory(assets), "war expanded at " + assets);
        String before = version(server.get("/").body());
        java.nio.file.Path probe = assets.resolve("it-probe.js");
        try {
            java.nio.file.Files.writeString(probe, "export const probe = 1;\n");
            String after = before;
            long end = System.currentTimeMillis() + 10_000;
            while (after.equals(before) && System.currentTimeMillis() < end) {
                Thread.sleep(300);
                after = version(server.get("/").body());
            }
            assertTrue(!after.equals(before), "a new file under /assets changes the version");
            assertEquals("public, max-age=31536000, immutable", header(server.get("/assets/" + after + "/it-probe.js"), "Cache-Control"));
            assertEquals("no-cache", header(server.get("/assets/" + before + "/app.js"), "Cache-Control"), "the old version is stale now");
            String csp = header(server.get("/"), "Content-Security-Policy");
            assertTrue(csp.contains(StaticRoutes.inlineScriptHashes(server.get("/").body()).trim()), csp);
        } finally {
            java.nio.file.Files.deleteIfExists(probe);
        }
        long end = System.currentTimeMillis() + 10_000;
        String restored = "";
        while (!restored.equals(before) && System.currentTimeMillis() < end) {
            Thread.sleep(300);
            restored = version(server.get("/").body());
        }
        assertEquals(before, restored, "the version is a function of the files");
    }

    @Test
    void missingFilesAre404NotTheAppShell() throws Exception {
        HttpResponse<String> r = server.get("/assets/nope.js");
        assertEquals(404, r.statusCode());
        assertTrue(!r.body().contains("importmap"));
        assertEquals(404, server.get("/webjars/preact/10.28.0/nope.js").statusCode());
    }
}
