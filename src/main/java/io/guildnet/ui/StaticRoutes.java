package io.guildnet.ui;

/**
 * Rules for the static UI: which paths fall back to {@code index.html} (client-side
 * routes) and how long each kind of file may be cached.
 */
public final class StaticRoutes {

    private static final java.util.regex.Pattern INLINE_SCRIPT =
            java.util.regex.Pattern.compile("<script type=\"importmap\">(.*?)</script>", java.util.regex.Pattern.DOTALL);

    private StaticRoutes() {}

    /**
     * The Content-Security-Policy for the app's own pages: {@code base} with the SHA-256 hash of
     * index.html's inline import map (as served, after the version is filled in) added to
     * {@code script-src}, so the map runs while every other inline script stays blocked.
     */
    public static String csp(String base, jakarta.servlet.ServletContext ctx) {
        String h;
        try {
            h = UiShell.of(ctx).latest().scriptHashes();
        } catch (RuntimeException e) {
            h = "";
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

    static final String NO_STORE = "no-cache, no-store, must-revalidate";
    static final String IMMUTABLE = "public, max-age=31536000, immutable";

    /** Cache-Control for a static path: the app shell is never cached, versioned assets are immutable. */
    public static String cacheControl(String path) {
        return cacheControl(path, null);
    }

    /**
     * Cache-Control for a static path given the current asset version: {@code /assets/<current>/…} and
     * libraries are immutable; an old version (a tab opened before a change) and unversioned
     * {@code /assets/…} must revalidate, so nobody keeps a stale module under a long-lived URL.
     */
    public static String cacheControl(String path, String currentVersion) {
        if (isShell(path)) return NO_STORE;
        // WebJar/mvnpm paths carry the library version, so their content never changes.
        if (path.startsWith("/webjars/") || path.startsWith("/_static/")) return IMMUTABLE;
        UiShell.Versioned v = UiShell.parse(path);
        if (v != null && v.version().equals(currentVersion)) return IMMUTABLE;
        return "no-cache";
    }

    /** Paths answered with the app shell: {@code /}, {@code /index.html} and client routes. */
    public static boolean isShell(String path) {
        return path.equals("/") || path.equals("/index.html") || isClientRoute(path);
    }

    /**
     * Serves a GET/HEAD for the static UI when it needs more than the container's file serving: the app
     * shell (rendered with the asset version) and versioned assets (forwarded to the real file). Sets
     * Cache-Control on every static response. Returns false when the container should serve the path.
     */
    public static boolean serve(jakarta.servlet.http.HttpServletRequest req, jakarta.servlet.http.HttpServletResponse res, String path)
            throws java.io.IOException, jakarta.servlet.ServletException {
        UiShell.Snapshot shell = isShell(path) || path.startsWith("/assets/") ? UiShell.of(req.getServletContext()).current() : null;
        res.setHeader("Cache-Control", cacheControl(path, shell == null ? null : shell.version()));
        if (isShell(path)) {
            if (shell.index() == null) return false;
            // the CSP set earlier may predate this check: allow exactly this page's import map
            String csp = res.getHeader("Content-Security-Policy");
            if (csp != null) {
                res.setHeader("Content-Security-Policy", csp.replaceFirst("script-src 'self'[^;]*",
                        java.util.regex.Matcher.quoteReplacement("script-src 'self'" + shell.scriptHashes())));
            }
            byte[] body = shell.index().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            res.setStatus(200);
            res.setContentType("text/html;charset=UTF-8");
            res.setContentLength(body.length);
            if (!"HEAD".equals(req.getMethod())) res.getOutputStream().write(body);
            return true;
        }
        UiShell.Versioned v = UiShell.parse(path);
        if (v == null) return false;
        String real = v.realPath();
        if (real.contains("/../") || real.contains("/./") || real.endsWith("/..") || real.contains("%") || real.contains("\\")) {
            io.guildnet.web.GuildNetFilter.error(res, io.guildnet.web.RequestInfo.of(req).requestId(), 404, "not_found", "no such file: " + path, null);
            return true;
        }
        // written here rather than forwarded: the files are small, and no container dispatch is involved
        jakarta.servlet.ServletContext ctx = req.getServletContext();
        byte[] body;
        try (java.io.InputStream in = real.endsWith("/") ? null : ctx.getResourceAsStream(real)) {
            if (in == null) {
                io.guildnet.web.GuildNetFilter.error(res, io.guildnet.web.RequestInfo.of(req).requestId(), 404, "not_found", "no such file: " + path, null);
                return true;
            }
            body = in.readAllBytes();
        }
        String type = ctx.getMimeType(real);
        if (type == null && real.endsWith(".js")) type = "text/javascript";
        res.setStatus(200);
        res.setContentType(type == null ? "application/octet-stream" : type);
        res.setContentLength(body.length);
        if (!"HEAD".equals(req.getMethod())) res.getOutputStream().write(body);
        return true;
    }
}
