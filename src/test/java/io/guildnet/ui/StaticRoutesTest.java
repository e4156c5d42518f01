package io.guildnet.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.nio.file.attribute.FileTime;
import java.util.Base64;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StaticRoutesTest {

    @Test
    void hashesExactlyTheImportMapText() throws Exception {
        String map = "\n{\"imports\": {\"preact\": \"/x.js\"}}\n";
        String expected = " 'sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(map.getBytes("UTF-8"))) + "'";
        assertEquals(expected, StaticRoutes.inlineScriptHashes("<head><script type=\"importmap\">" + map + "</script><script>alert(1)</script>"));
        assertEquals("", StaticRoutes.inlineScriptHashes("<script>alert(1)</script>"), "only import maps are allowed inline");
    }

    @Test
    void theShippedIndexHasOneImportMapAndNoOtherInlineScript() throws Exception {
        String html = Files.readString(Path.of("src/main/webapp/index.html"));
        assertEquals(1, StaticRoutes.inlineScriptHashes(html).split("'sha256-").length - 1);
        assertFalse(html.replaceAll("(?s)<script type=\"importmap\">.*?</script>", "").matches("(?s).*<script(?![^>]*src=)[^>]*>.*"),
                "every other script is an external module");
    }

    @Test
    void clientRoutesAndCaching() {
        assertTrue(StaticRoutes.isClientRoute("/c/abc/servers/web"));
        assertFalse(StaticRoutes.isClientRoute("/assets/app.js"));
        assertEquals("no-cache, no-store, must-revalidate", StaticRoutes.cacheControl("/c/abc/jobs/3"));
        assertEquals("public, max-age=31536000, immutable", StaticRoutes.cacheControl("/webjars/preact/10.28.0/dist/preact.module.js"));
    }

    @Test
    void theShippedIndexLoadsTheAppsOwnAssetsThroughTheVersionedPath() throws Exception {
        String html = Files.readString(Path.of("src/main/webapp/index.html"));
        assertTrue(html.contains("src=\"/assets/@VERSION@/app.js\""), "the entry module carries the version");
        assertTrue(html.contains("href=\"/assets/@VERSION@/app.css\""), "the stylesheet carries the version");
        assertFalse(html.matches("(?s).*[\"']/assets/(?!@VERSION@/).*"), "no unversioned /assets/ reference");
        UiShell shell = new UiShell(UiShell.directory(Path.of("src/main/webapp")), System::currentTimeMillis);
        UiShell.Snapshot s = shell.current();
        assertTrue(s.version().matches("v-[0-9a-f]{16}"), s.version());
        assertTrue(s.index().contains("src=\"/assets/" + s.version() + "/app.js\""), s.index());
        assertFalse(s.index().contains(UiShell.TOKEN));
    }

    @Test
    void versionedAssetsAreImmutableOnlyForTheCurrentVersion() {
        assertEquals("public, max-age=31536000, immutable", StaticRoutes.cacheControl("/assets/v-0123abcd/app.js", "v-0123abcd"));
        assertEquals("public, max-age=31536000, immutable", StaticRoutes.cacheControl("/assets/v-0123abcd/pages/db.js", "v-0123abcd"));
        assertEquals("no-cache", StaticRoutes.cacheControl("/assets/v-00000000/app.js", "v-0123abcd"), "an old tab revalidates");
        assertEquals("no-cache", StaticRoutes.cacheControl("/assets/app.js", "v-0123abcd"), "unversioned URLs revalidate");
        assertEquals("no-cache, no-store, must-revalidate", StaticRoutes.cacheControl("/", "v-0123abcd"));
        assertEquals("no-cache, no-store, must-revalidate", StaticRoutes.cacheControl("/index.html", "v-0123abcd"));
        assertEquals("/assets/pages/db.js", UiShell.parse("/assets/v-0123abcd/pages/db.js").realPath());
        assertEquals("v-0123abcd", UiShell.parse("/assets/v-0123abcd/pages/db.js").version());
        assertNull(UiShell.parse("/assets/app.js"));
        assertNull(UiShell.parse("/assets/v-XYZ/app.js"), "not a version");
        assertNull(UiShell.parse("/assets/v-0123abcd"), "no file");
    }

    @Test
    void aChangedAddedOrRemovedAssetChangesTheVersionOnTheNextCheck(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("assets/pages"));
        Files.writeString(root.resolve("index.html"), "<script type=\"importmap\">{\"imports\":{\"x\":\"/assets/@VERSION@/x.js\"}}</script>"
                + "<script type=\"module\" src=\"/assets/@VERSION@/app.js\"></script>");
        Path app = root.resolve("assets/app.js");
        Files.writeString(app, "import './pages/a.js';");
        Files.writeString(root.resolve("assets/pages/a.js"), "export const a = 1;");
        AtomicLong now = new AtomicLong(1_000_000);
        UiShell shell = new UiShell(UiShell.directory(root), now::get);
        UiShell.Snapshot s1 = shell.current();
        assertTrue(s1.index().contains("/assets/" + s1.version() + "/app.js"));
        // the CSP hash is over the import map as served (with the version in it), not the template
        String servedMap = "{\"imports\":{\"x\":\"/assets/" + s1.version() + "/x.js\"}}";
        assertEquals(" 'sha256-" + Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256").digest(servedMap.getBytes("UTF-8"))) + "'",
                s1.scriptHashes());

        // an edit (same size, new mtime) is seen once the recheck interval has passed
        Files.writeString(app, "import './pages/b.js';");
        Files.setLastModifiedTime(app, FileTime.fromMillis(Files.getLastModifiedTime(app).toMillis() + 5000));
        assertEquals(s1.version(), shell.current().version(), "not rechecked within the interval");
        now.addAndGet(UiShell.RECHECK_MS);
        UiShell.Snapshot s2 = shell.current();
        assertNotEquals(s1.version(), s2.version());
        assertTrue(s2.index().contains("/assets/" + s2.version() + "/app.js"));
        assertNotEquals(s1.scriptHashes(), s2.scriptHashes(), "the CSP follows the served page");

        // a new file changes it again; an unchanged tree keeps it
        Files.writeString(root.resolve("assets/pages/b.js"), "export const b = 2;");
        now.addAndGet(UiShell.RECHECK_MS);
        UiShell.Snapshot s3 = shell.current();
        assertNotEquals(s2.version(), s3.version());
        now.addAndGet(UiShell.RECHECK_MS);
        assertEquals(s3, shell.current(), "nothing changed: the same snapshot");
        // removing it again restores the previous version (the version is a function of the files)
        Files.delete(root.resolve("assets/pages/b.js"));
        now.addAndGet(UiShell.RECHECK_MS);
        assertEquals(s2.version(), shell.current().version());
    }

    @Test
    void anEditedIndexIsReRenderedWithTheSameVersion(@TempDir Path root) throws Exception {
        Files.createDirectories(root.resolve("assets"));
        Files.writeString(root.resolve("assets/app.js"), "1");
        Path idx = root.resolve("index.html");
        Files.writeString(idx, "<p>one</p>/assets/@VERSION@/app.js");
        AtomicLong now = new AtomicLong(0);
        UiShell shell = new UiShell(UiShell.directory(root), now::get);
        UiShell.Snapshot s1 = shell.current();
        Files.writeString(idx, "<p>two!</p>/assets/@VERSION@/app.js");
        now.addAndGet(UiShell.RECHECK_MS);
        UiShell.Snapshot s2 = shell.current();
        assertEquals(s1.version(), s2.version());
        assertEquals("<p>two!</p>/assets/" + s2.version() + "/app.js", s2.index());
    }
}
