package io.guildnet.proxy;

import io.guildnet.api.ApiException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Streams one request to the workspace and its response back, trying the plan's hops in
 * order until one answers. Bodies are copied in both directions without being held whole:
 * the request body as it arrives, the response flushed whenever the upstream pauses (so SSE
 * and chunked responses arrive as they are produced). A WebSocket (or other) upgrade is
 * handed to a {@link WebSocketBridge} that pipes bytes both ways until either side closes.
 */
public final class ReverseProxy {

    private static final Logger LOG = Logger.getLogger(ReverseProxy.class.getName());
    public static final String PATH_HEADER = "X-Guild-Proxy-Path";
    static final int BUF = 32 * 1024;

    /** What the request handler decided: the public base, the upstream sub-path and the hops to try. */
    public record Plan(String base, String subPathAndQuery, List<Hop> hops, ProxyHeaders.Client client,
                       boolean stripAuthorization, Collection<String> frameAncestors, String sessionCookie) {}

    /** A body-less failure of one hop that lets the next hop be tried. */
    private static final class HopFailed extends Exception {
        HopFailed(String m) { super(m, null, false, false); }
    }

    private final UpstreamPool pool;
    private final ProxyConfig config;
    private final Bridges bridges;
    private final ProxyMetrics metrics;

    public ReverseProxy(UpstreamPool pool, ProxyConfig config, Bridges bridges, ProxyMetrics metrics) {
        this.pool = pool;
        this.config = config;
        this.bridges = bridges;
        this.metrics = metrics;
    }

    public UpstreamPool pool() { return pool; }

    public void serve(HttpServletRequest req, HttpServletResponse res, Plan plan) throws IOException {
        if (plan.hops().isEmpty()) throw new ApiException(502, "upstream_error", "no way to reach the workspace", null);
        boolean upgrade = req.getHeader("Upgrade") != null && headerHasToken(req, "Connection", "upgrade");
        HeaderList in = headersOf(req);
        long declared = req.getContentLengthLong();
        boolean chunked = headerHasToken(req, "Transfer-Encoding", "chunked");
        boolean hasBody = declared > 0 || chunked;
        Map<String, String> tried = new LinkedHashMap<>();
        BodyState body = new BodyState();
        for (Hop hop : plan.hops()) {
            long t0 = System.nanoTime();
            try {
                Exchange ex = attempt(req, plan, hop, in, upgrade, hasBody, declared, body);
                metrics.upstream(hop.path(), System.nanoTime() - t0);
                respond(req, res, plan, hop, ex, upgrade);
                return;
            } catch (HopFailed e) {
                tried.put(hop.path().wire(), e.getMessage());
                metrics.failed(hop.path());
                hop.failed(e.getMessage());
                LOG.fine(() -> "proxy " + plan.base() + ": " + hop.path().wire() + " failed: " + e.getMessage());
                if (body.started) break; // the body is gone: no other hop can be tried
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("paths_tried", tried);
        throw new ApiException(502, "upstream_error", "workspace unreachable: " + summary(tried), details);
    }

    private static String summary(Map<String, String> tried) {
        List<String> parts = new ArrayList<>();
        tried.forEach((k, v) -> parts.add(k + ": " + v));
        return String.join("; ", parts);
    }

    /** The exchange in flight: the connection and the response head read from it. */
    record Exchange(Upstream upstream, UpstreamConnection conn, HttpWire.ResponseHead head, byte[] prefetched) {}

    static final class BodyState {
        boolean started;
    }

    private Exchange attempt(HttpServletRequest req, Plan plan, Hop hop, HeaderList in, boolean upgrade, boolean hasBody,
                             long declared, BodyState body) throws HopFailed, IOException {
        Upstream upstream;
        try {
            upstream = hop.source().get();
        } catch (IOException e) {
            throw new HopFailed(e.getMessage());
        }
        HeaderList h = ProxyHeaders.request(in, plan.client(), plan.base(), upstream, upgrade,
                plan.stripAuthorization(), plan.sessionCookie());
        for (int i = 0; i < hop.extra().size(); i++) h.set(hop.extra().name(i), hop.extra().value(i));
        if (hasBody) {
            if (declared >= 0) h.set("Content-Length", Long.toString(declared));
            else h.set("Transfer-Encoding", "chunked");
        }
        String target = hop.prefix() + plan.subPathAndQuery();
        for (int attempt = 0; ; attempt++) {
            UpstreamConnection conn;
            try {
                conn = upgrade || attempt > 0 ? pool.open(upstream) : pool.acquire(upstream);
            } catch (ConnectException e) {
                throw new HopFailed("connect to " + upstream + " refused");
            } catch (SocketTimeoutException e) {
                throw new HopFailed("connect to " + upstream + " timed out");
            } catch (IOException e) {
                throw new HopFailed("connect to " + upstream + ": " + e.getMessage());
            }
            boolean reused = conn.reuses() > 0;
            try {
                conn.timeout((int) Math.min(Integer.MAX_VALUE, config.responseTimeoutMs()));
                OutputStream out = conn.out();
                HttpWire.writeRequestHead(out, req.getMethod(), target, h);
                if (hasBody) {
                    body.started = true;
                    copyRequestBody(req.getInputStream(), out, declared < 0);
                }
                out.flush();
                HttpWire.ResponseHead head;
                do {
                    head = HttpWire.readResponseHead(conn.in());
                } while (head.status() >= 100 && head.status() < 200 && head.status() != 101);
                if (hop.apiServer() && maybeApiServerError(head)) {
                    byte[] b = conn.in().readNBytes(Integer.parseInt(head.headers().first("Content-Length").trim()));
                    if (isStatusObject(b)) {
                        String why = statusMessage(b);
                        throw new HopFailed("API server answered " + head.status() + (why.isEmpty() ? "" : ": " + why));
                    }
                    return new Exchange(upstream, conn, head, b);
                }
                return new Exchange(upstream, conn, head, null);
            } catch (HopFailed e) {
                conn.close();
                throw e;
            } catch (io.guildnet.web.LimitedRequest.TooLarge e) {
                conn.close();
                throw new ApiException(413, "payload_too_large", "request body is over the proxy limit of " + e.limit + " bytes",
                        Map.of("limit", e.limit));
            } catch (ClientGone e) {
                conn.close();
                throw e.io;
            } catch (IOException e) {
                conn.close();
                // a kept-alive connection the upstream closed meanwhile: once more on a fresh one
                if (reused && !body.started && attempt == 0) continue;
                if (e instanceof SocketTimeoutException) throw new HopFailed("no response from " + upstream + " within "
                        + config.responseTimeoutMs() / 1000 + " s");
                throw new HopFailed(upstream + ": " + e.getMessage());
            }
        }
    }

    /** The client's body failed (disconnect, limit): never an upstream fault. */
    private static final class ClientGone extends RuntimeException {
        final IOException io;

        ClientGone(IOException io) {
            super(io.getMessage(), io, false, false);
            this.io = io;
        }
    }

    private static void copyRequestBody(ServletInputStream src, OutputStream out, boolean chunk) throws IOException {
        OutputStream o = chunk ? new HttpWire.ChunkedOutput(out) : out;
        byte[] buf = new byte[BUF];
        while (true) {
            int n;
            try {
                n = src.read(buf);
            } catch (io.guildnet.web.LimitedRequest.TooLarge e) {
                throw e;
            } catch (IOException e) {
                throw new ClientGone(e);
            }
            if (n < 0) break;
            o.write(buf, 0, n);
        }
        if (chunk) o.close();
    }

    /**
     * Whether a response may be the API server's own error (a small JSON {@code Status}) rather
     * than the workspace's; only then is its body read to tell them apart.
     */
    static boolean maybeApiServerError(HttpWire.ResponseHead head) {
        int s = head.status();
        if (s != 401 && s != 403 && s != 404 && s != 500 && s != 502 && s != 503) return false;
        String ct = head.headers().first("Content-Type");
        String cl = head.headers().first("Content-Length");
        if (ct == null || !ct.startsWith("application/json") || cl == null) return false;
        try {
            return Long.parseLong(cl.trim()) <= 8192;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    static boolean isStatusObject(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        return s.matches("(?s)\\s*\\{.*\"kind\"\\s*:\\s*\"Status\".*") && s.contains("\"apiVersion\"");
    }

    static String statusMessage(byte[] body) {
        String s = new String(body, StandardCharsets.UTF_8);
        var m = java.util.regex.Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(s);
        return m.find() ? m.group(1) : "";
    }

    private void respond(HttpServletRequest req, HttpServletResponse res, Plan plan, Hop hop, Exchange ex, boolean upgrade)
            throws IOException {
        HttpWire.ResponseHead head = ex.head();
        UpstreamConnection conn = ex.conn();
        HeaderList out = ProxyHeaders.response(head.headers(), head.status(), plan.base(), hop.prefix(), ex.upstream(),
                plan.frameAncestors(), plan.sessionCookie());
        res.setHeader(PATH_HEADER, hop.path().wire());
        metrics.served(hop.path(), head.status());
        if (upgrade && head.status() == 101) {
            upgradeToWebSocket(req, res, conn, head, plan.base());
            return;
        }
        res.setStatus(head.status());
        for (int i = 0; i < out.size(); i++) {
            String n = out.name(i);
            if (n.equalsIgnoreCase("Content-Length")) continue;
            res.addHeader(n, out.value(i));
        }
        boolean noBody = "HEAD".equals(req.getMethod()) || head.status() == 204 || head.status() == 304 || head.status() < 200;
        HttpWire.Body body;
        String cl = head.headers().first("Content-Length");
        if (noBody) {
            body = HttpWire.empty();
            if (cl != null && "HEAD".equals(req.getMethod())) res.setHeader("Content-Length", cl);
        } else if (head.headers().hasToken("Transfer-Encoding", "chunked")) {
            body = HttpWire.chunked(conn.in());
        } else if (cl != null) {
            long len;
            try {
                len = Long.parseLong(cl.trim());
            } catch (NumberFormatException e) {
                conn.close();
                throw new ApiException(502, "upstream_error", "invalid Content-Length from the workspace", null);
            }
            res.setContentLengthLong(len);
            body = HttpWire.fixed(ex.prefetched() != null ? new java.io.ByteArrayInputStream(ex.prefetched()) : conn.in(), len);
        } else {
            body = HttpWire.untilClose(conn.in());
        }
        boolean keep = !head.headers().hasToken("Connection", "close") && "HTTP/1.1".equals(head.version()) && !upgrade;
        // streaming: from here on only inactivity ends the exchange
        conn.timeout((int) Math.min(Integer.MAX_VALUE, config.idleTimeoutMs()));
        ServletOutputStream sink;
        try {
            sink = res.getOutputStream();
        } catch (IOException e) {
            conn.close();
            throw e;
        }
        byte[] buf = new byte[BUF];
        long copied = 0;
        try {
            if (!noBody && cl == null) {
                // a stream (SSE, chunked): the head goes out now, on its own; Liberty otherwise
                // holds the first chunk back until the second one is written
                res.flushBuffer();
            }
            if (noBody) {
                res.flushBuffer();
            } else {
                int n;
                while ((n = readUpstream(body, buf)) >= 0) {
                    if (n == 0) continue;
                    try {
                        sink.write(buf, 0, n);
                        copied += n;
                        if (body.available() == 0) sink.flush();
                    } catch (IOException e) {
                        // the browser went away: nothing more to do for this exchange
                        conn.close();
                        metrics.bytes(hop.path(), copied);
                        return;
                    }
                }
                sink.flush();
            }
        } catch (UpstreamBroke e) {
            conn.close();
            metrics.bytes(hop.path(), copied);
            LOG.log(Level.FINE, "proxy " + plan.base() + ": upstream broke mid-body after " + copied + " bytes: " + e.getMessage());
            // Committed already: abort the client connection rather than end a truncated body cleanly.
            throw new IOException("upstream broke mid-body: " + e.getMessage());
        }
        metrics.bytes(hop.path(), copied);
        if (keep && body.reusable()) pool.release(conn);
        else conn.close();
    }

    /**
     * The workspace accepted the WebSocket: the browser's connection is upgraded by the
     * container's WebSocket implementation (Jakarta WebSocket 2.1 programmatic upgrade) with the
     * subprotocol the workspace chose, and a {@link WebSocketRelay} joins the two.
     */
    private void upgradeToWebSocket(HttpServletRequest req, HttpServletResponse res, UpstreamConnection conn,
                                    HttpWire.ResponseHead head, String base) throws IOException {
        if (!"websocket".equalsIgnoreCase(head.headers().first("Upgrade"))) {
            conn.close();
            throw new ApiException(502, "upstream_error", "the workspace switched to an unsupported protocol: " + head.headers().first("Upgrade"), null);
        }
        Object container = req.getServletContext().getAttribute(jakarta.websocket.server.ServerContainer.class.getName());
        if (!(container instanceof jakarta.websocket.server.ServerContainer sc)) {
            conn.close();
            throw new ApiException(503, "websocket_unavailable", "the server runs without WebSocket support (feature websocket-2.1 in server.xml)", null);
        }
        String protocol = head.headers().first("Sec-WebSocket-Protocol");
        WebSocketRelay relay = new WebSocketRelay(conn, bridges, base);
        var config = jakarta.websocket.server.ServerEndpointConfig.Builder.create(WebSocketRelay.class, "/proxy-relay")
                .subprotocols(protocol == null ? List.of() : List.of(protocol.trim()))
                .configurator(new jakarta.websocket.server.ServerEndpointConfig.Configurator() {
                    @Override
                    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
                        return protocol == null ? "" : protocol.trim();
                    }

                    @Override
                    public List<jakarta.websocket.Extension> getNegotiatedExtensions(List<jakarta.websocket.Extension> installed,
                                                                                    List<jakarta.websocket.Extension> requested) {
                        return List.of();
                    }

                    @Override
                    public boolean checkOrigin(String originHeaderValue) {
                        return true; // the request filter applied the Host App's origin rules already
                    }

                    @Override
                    public <T> T getEndpointInstance(Class<T> endpointClass) {
                        return endpointClass.cast(relay);
                    }
                }).build();
        try {
            sc.upgradeHttpToWebSocket(unwrap(req), res, config, Map.of());
        } catch (jakarta.websocket.DeploymentException e) {
            conn.close();
            throw new IOException("cannot upgrade the browser connection: " + e.getMessage(), e);
        }
    }

    private static HttpServletRequest unwrap(HttpServletRequest req) {
        jakarta.servlet.ServletRequest r = req;
        while (r instanceof jakarta.servlet.ServletRequestWrapper w) r = w.getRequest();
        return (HttpServletRequest) r;
    }

    private static final class UpstreamBroke extends Exception {
        UpstreamBroke(String m) { super(m, null, false, false); }
    }

    private static int readUpstream(InputStream body, byte[] buf) throws UpstreamBroke {
        try {
            return body.read(buf);
        } catch (IOException e) {
            throw new UpstreamBroke(e instanceof SocketTimeoutException ? "idle for longer than the proxy idle timeout" : String.valueOf(e.getMessage()));
        }
    }

    static HeaderList headersOf(HttpServletRequest req) {
        HeaderList h = new HeaderList();
        for (Enumeration<String> names = req.getHeaderNames(); names.hasMoreElements(); ) {
            String n = names.nextElement();
            for (Enumeration<String> vs = req.getHeaders(n); vs.hasMoreElements(); ) h.add(n, vs.nextElement());
        }
        return h;
    }

    static boolean headerHasToken(HttpServletRequest req, String name, String token) {
        for (Enumeration<String> vs = req.getHeaders(name); vs.hasMoreElements(); ) {
            for (String t : vs.nextElement().split(",")) if (t.trim().equalsIgnoreCase(token)) return true;
        }
        return false;
    }
}
