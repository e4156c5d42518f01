package io.guildnet.web;

import io.guildnet.api.ErrorBody;
import io.guildnet.metrics.HttpStats;
import io.guildnet.security.AuthPolicy;
import io.guildnet.security.Authenticator;
import io.guildnet.security.SessionCookies;
import io.guildnet.settings.SettingsService;
import io.guildnet.ui.StaticRoutes;
import io.guildnet.config.GuildNetConfig;
import jakarta.inject.Inject;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.Cookie;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;

/**
 * The cross-cutting steps every request goes through, in this order:
 * <ol>
 *   <li>request id (echoed or generated) on the request and the response;</li>
 *   <li>CORS: allow headers only for a trusted origin; preflights from others get 403;</li>
 *   <li>security headers on the app's own responses (not on proxied workspace content);</li>
 *   <li>body size limit (413 before reading when Content-Length says so, else while reading);</li>
 *   <li>authentication and the mutation rules of {@link AuthPolicy};</li>
 *   <li>after the response: one access-log line and the per-route metrics.</li>
 * </ol>
 */
@WebFilter(filterName = "guildnet", urlPatterns = "/*", asyncSupported = true)
public class GuildNetFilter extends HttpFilter {

    private static final Logger ACCESS = Logger.getLogger("guildnet.access");

    static final String CSP = "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; font-src 'self' data:; connect-src 'self'; frame-src 'self'; "
            + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'; object-src 'none'";
    static final String ALLOW_METHODS = "GET, POST, PUT, PATCH, DELETE, OPTIONS";
    static final String ALLOW_HEADERS = "Content-Type, Authorization, X-API-Token, X-Requested-With, Accept, X-Request-Id";

    @Inject
    GuildNetConfig config;

    @Inject
    Authenticator authenticator;

    @Inject
    SettingsService settings;

    @Inject
    OriginPolicy origins;

    @Inject
    HttpStats stats;

    @Inject
    io.guildnet.proxy.ProxyService proxy;

    @Override
    protected void doFilter(HttpServletRequest req, HttpServletResponse res, FilterChain chain)
            throws IOException, ServletException {
        long start = System.nanoTime();
        String rid = RequestIds.accept(req.getHeader("X-Request-Id"));
        res.setHeader("X-Request-Id", rid);
        req.setAttribute(RequestInfo.ATTR, new RequestInfo(rid, "anonymous", "none"));
        String path = pathOf(req);
        boolean async = false;
        try {
            // 1. CORS
            String origin = req.getHeader("Origin");
            Set<String> allowed = origins.allowed();
            boolean originOk = origin != null && allowed.contains(origin);
            if (originOk) {
                res.setHeader("Access-Control-Allow-Origin", origin);
                res.setHeader("Access-Control-Allow-Credentials", "true");
            }
            if (origin != null) res.addHeader("Vary", "Origin");
            if ("OPTIONS".equals(req.getMethod())) {
                if (origin != null && req.getHeader("Access-Control-Request-Method") != null) {
                    if (!originOk) {
                        error(res, rid, 403, "origin_not_allowed", "origin " + origin + " is not allowed", null);
                        return;
                    }
                    res.setHeader("Access-Control-Allow-Methods", ALLOW_METHODS);
                    res.setHeader("Access-Control-Allow-Headers", ALLOW_HEADERS);
                    res.setHeader("Access-Control-Max-Age", "600");
                }
                res.setHeader("Allow", ALLOW_METHODS);
                res.setStatus(204);
                return;
            }

            // 2. security headers on our own pages
            if (!isProxied(path)) {
                res.setHeader("X-Content-Type-Options", "nosniff");
                res.setHeader("X-Frame-Options", "DENY");
                res.setHeader("Content-Security-Policy", StaticRoutes.csp(CSP, req.getServletContext()));
                res.setHeader("Referrer-Policy", "no-referrer");
            }
            res.setHeader("Strict-Transport-Security", "max-age=31536000");

            // 3. body limit
            boolean proxied = io.guildnet.proxy.ProxyService.handles(path);
            long limit = proxied ? proxy.config().maxBodyBytes() : config.maxBodyBytes();
            // import uploads are streamed to disk and bounded by their own knob (guildnet.batch.transfer.upload.max.bytes)
            if (io.guildnet.batch.UploadResource.handles(path)) limit = Long.MAX_VALUE;
            long declared = req.getContentLengthLong();
            if (declared > limit) {
                res.setHeader("Connection", "close");
                error(res, rid, 413, "payload_too_large", "request body of " + declared + " bytes is over the limit of " + limit + " bytes",
                        java.util.Map.of("limit", limit));
                return;
            }

            // 4. authentication
            boolean upgrade = "websocket".equalsIgnoreCase(req.getHeader("Upgrade"));
            Optional<String> token = Authenticator.presentedToken(req.getHeader("Authorization"), req.getHeader("X-API-Token"));
            Optional<String> tokenPrincipal = token.flatMap(authenticator::principalForToken);
            Optional<String> cookiePrincipal = cookie(req).flatMap(authenticator::principalForCookie);
            AuthPolicy.Decision d;
            if (isAuthEndpoint(path) && token.isEmpty()) {
                // login/logout check their own input; only the origin rule applies before them
                d = origin != null && !allowed.contains(origin)
                        ? AuthPolicy.Decision.deny(403, "origin_not_allowed", "cross-origin request refused: Origin " + origin + " is not allowed")
                        : AuthPolicy.Decision.allow(cookiePrincipal.orElse("anonymous"),
                                cookiePrincipal.isPresent() ? AuthPolicy.Via.COOKIE : AuthPolicy.Via.NONE);
            } else {
                d = AuthPolicy.decide(new AuthPolicy.Facts(req.getMethod(), upgrade, req.getRemoteAddr(), token.isPresent(),
                        tokenPrincipal, cookiePrincipal, origin, req.getHeader("Sec-Fetch-Site"), isPublic(path)),
                        settings.authMode(), allowed);
            }
            if (!d.allowed()) {
                if (d.status() == 401) res.setHeader("WWW-Authenticate", "Bearer realm=\"guildnet\"");
                error(res, rid, d.status(), d.code(), d.message(), null);
                return;
            }
            req.setAttribute(RequestInfo.ATTR, new RequestInfo(rid, d.principal(), d.via().name().toLowerCase()));

            HttpServletRequest wrapped = new LimitedRequest(req, limit);
            if (proxied) {
                // workspace traffic: streamed by the reverse proxy, never reaches the JAX-RS layer
                proxy.handle(wrapped, res, path);
                return;
            }
            if (isPublic(path) && !path.equals("/healthz") && !path.equals("/api/ui-config")
                    && ("GET".equals(req.getMethod()) || "HEAD".equals(req.getMethod()))) {
                // app shell with the asset version filled in, versioned assets, Cache-Control; a path
                // a servlet is mapped to (e.g. Arquillian's runner) is never taken for a client route
                if (!(StaticRoutes.isClientRoute(path) && servletOwned(req)) && StaticRoutes.serve(wrapped, res, path)) return;
            }
            chain.doFilter(wrapped, res);
            if (req.isAsyncStarted()) {
                async = true;
                req.getAsyncContext().addListener(new AsyncListener() {
                    @Override public void onComplete(AsyncEvent e) { finish(req, res, start, path); }
                    @Override public void onTimeout(AsyncEvent e) { }
                    @Override public void onError(AsyncEvent e) { }
                    @Override public void onStartAsync(AsyncEvent e) { }
                });
            }
        } finally {
            if (!async) finish(req, res, start, path);
        }
    }

    private void finish(HttpServletRequest req, HttpServletResponse res, long start, String path) {
        long durMs = (System.nanoTime() - start) / 1_000_000;
        RequestInfo ri = RequestInfo.of(req);
        Object route = req.getAttribute(RequestInfo.ROUTE_ATTR);
        String r = route != null ? route.toString() : coarseRoute(path);
        stats.record(req.getMethod(), r, res.getStatus(), System.nanoTime() - start);
        String q = req.getQueryString();
        String ua = req.getHeader("User-Agent");
        ACCESS.info("req_id=" + ri.requestId() + " method=" + req.getMethod() + " path=" + path
                + (q == null ? "" : "?" + AccessLogs.redactQuery(q)) + " status=" + res.getStatus() + " dur_ms=" + durMs
                + " remote=" + req.getRemoteAddr() + " ua=\"" + (ua == null ? "" : ua.replace("\"", "'")) + "\"");
    }

    /** The request path (percent-encoding kept) without the context root. */
    public static String pathOf(HttpServletRequest req) {
        String uri = req.getRequestURI();
        String ctx = req.getContextPath();
        return ctx != null && !ctx.isEmpty() && uri.startsWith(ctx) ? uri.substring(ctx.length()) : uri;
    }

    private static Optional<String> cookie(HttpServletRequest req) {
        Cookie[] cs = req.getCookies();
        if (cs == null) return Optional.empty();
        for (Cookie c : cs) if (SessionCookies.NAME.equals(c.getName())) return Optional.ofNullable(c.getValue());
        return Optional.empty();
    }

    /**
     * Whether a servlet of the application is mapped to the request's path itself (e.g. /healthz, or the
     * Arquillian test runner in the in-container tests): such paths are never the UI's client routes.
     */
    static boolean servletOwned(HttpServletRequest req) {
        jakarta.servlet.http.HttpServletMapping m = req.getHttpServletMapping();
        if (m == null || m.getMappingMatch() == null) return false;
        return switch (m.getMappingMatch()) {
            case EXACT -> true;
            case PATH -> !"/*".equals(m.getPattern());
            default -> false;
        };
    }

    /** Workspace content served through the reverse proxy keeps its own headers. */
    static boolean isProxied(String path) {
        return path.startsWith("/proxy") || path.matches("/api/cluster/[^/]+/proxy/.*");
    }

    /** API, streams, proxy and internal endpoints; everything else is the static UI. */
    static boolean isPublic(String path) {
        if (path.equals("/healthz") || path.equals("/api/ui-config")) return true;
        return !(path.startsWith("/api/") || path.equals("/api") || path.startsWith("/proxy") || path.startsWith("/sse/")
                || path.startsWith("/ws/") || path.startsWith("/internal/") || path.equals("/bootstrap"));
    }

    static boolean isAuthEndpoint(String path) {
        return path.equals("/api/auth/login") || path.equals("/api/auth/logout");
    }

    /** Bounded route names for requests no resource claimed. */
    static String coarseRoute(String path) {
        if (path.equals("/healthz") || path.startsWith("/internal/")) return path;
        if (path.startsWith("/api/") || path.equals("/api")) return "/api/(unmatched)";
        if (path.startsWith("/proxy")) return "/proxy";
        return "(static)";
    }

    /** Writes the JSON error body unless the response is committed already. */
    public static void error(HttpServletResponse res, String rid, int status, String code, String message, Object details) throws IOException {
        if (res.isCommitted()) return;
        res.resetBuffer();
        res.setStatus(status);
        res.setContentType("application/json");
        res.setCharacterEncoding("UTF-8");
        byte[] body = ErrorBody.json(code, message, rid, details).getBytes(StandardCharsets.UTF_8);
        res.setContentLength(body.length);
        res.getOutputStream().write(body);
    }
}
