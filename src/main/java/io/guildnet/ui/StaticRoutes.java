package io.guildnet.ui;

/**
 * Rules for the static UI: which paths fall back to {@code index.html} (client-side
 * routes) and how long each kind of file may be cached.
 */
public final class StaticRoutes {

    private static final java.util.regex.Pattern INLINE_SCRIPT =
            java.util.regex.Pattern.compile("<script type=\"importmap\">(.*?)</script>", java.util.regex.Pattern.DOTALL);
    private static volatile String scriptHashes;

    private StaticRoutes() {}

    /**
     * The Content-Security-Policy for the app's own pages: {@code base} with the SHA-256 hash of
     * index.html's inline import map added to {@code script-src}, so the map runs while every
     * other inline script stays blocked.
     */
    public static String csp(String base, jakarta.servlet.ServletContext ctx) {
        String h = scriptHashes;
        if (h == null) {
            h = "";
            try (java.io.InputStream in = ctx.getResourceAsStream("/index.html")) {
                if (in != null) h = inlineScriptHashes(new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8));
            } catch (java.io.IOException e) {
                h = "";
            }
            scriptHashes = h;
        }
        return h.isEmpty() ? base : base.replace("script-src 'self'", "script-src 'self'" + h);
    }

    /** {@code " 'sha256-…'"} for each inline import map of an HTML page. */
    static String inlineScriptHashes(String html) {
        StringBuilder sb = new StringBuilder();
        var m = INLINE_SCRIPT.matcher(html);
        while (m.find()) {
            try {
                byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(m.group(1).getBytes(java.nio.charset.StandardCharsets.UTF_8));
                sb.append(" 'sha256-").append(java.util.Base64.getEncoder().encodeToString(d)).append('\'');
            } catch (java.security.NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }
        return sb.toString();
    }

    /** Extension-less paths outside the API are client-side routes served by index.html. */
    public static boolean isClientRoute(String path) {
        if (path.equals("/") || path.equals("/index.html")) return false;
        String last = path.substring(path.lastIndexOf('/') + 1);
        return !last.contains(".");
    }

    /** Cache-Control for a static path: the app shell is never cached, versioned assets are immutable. */
    public static String cacheControl(String path) {
        if (path.equals("/") || path.equals("/index.html") || isClientRoute(path)) return "no-cache, no-store, must-revalidate";
        // WebJar/mvnpm paths carry the library version, so their content never changes.
        if (path.startsWith("/webjars/") || path.startsWith("/_static/")) {
            return "public, max-age=31536000, immutable";
        }
        return "no-cache";
    }
}
