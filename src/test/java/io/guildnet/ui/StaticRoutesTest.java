package io.guildnet.ui;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.Base64;
import org.junit.jupiter.api.Test;

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
}
