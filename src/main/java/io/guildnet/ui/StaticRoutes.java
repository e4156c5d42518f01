package io.guildnet.ui;

/**
 * Rules for the static UI: which paths fall back to {@code index.html} (client-side
 * routes) and how long each kind of file may be cached.
 */
public final class StaticRoutes {

    private StaticRoutes() {}

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
