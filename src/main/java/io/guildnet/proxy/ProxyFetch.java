package io.guildnet.proxy;

import io.guildnet.api.ApiException;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One bounded GET through a plan's hops, tried in order as {@link ReverseProxy} does for a
 * browser's request (same request headers, same API-server error detection, same fallbacks),
 * but without a servlet exchange: for the Host App's own checks (guildnet-verify's APP03).
 * A fresh connection per hop, closed afterwards; the body is read up to a limit.
 */
public final class ProxyFetch {

    /** What came back: the status, the path that answered ({@code X-Guild-Proxy-Path}), the body (at most the limit). */
    public record Result(int status, String path, String body) {}

    private ProxyFetch() {}

    /**
     * GETs {@code subPathAndQuery} through {@code hops}; 502 {@code upstream_error} with
     * {@code paths_tried} when no hop answered, like the proxy route.
     */
    public static Result get(String base, List<Hop> hops, String subPathAndQuery, int timeoutMs, int maxBody) {
        if (hops.isEmpty()) throw new ApiException(502, "upstream_error", "no way to reach the workspace", null);
        Map<String, String> tried = new LinkedHashMap<>();
        ProxyHeaders.Client self = new ProxyHeaders.Client("127.0.0.1", "localhost", "http", false);
        for (Hop hop : hops) {
            try {
                return attempt(base, hop, self, subPathAndQuery, timeoutMs, maxBody);
            } catch (IOException e) {
                String why = e instanceof ConnectException ? "connection refused"
                        : e instanceof SocketTimeoutException ? "no response within " + timeoutMs + " ms" : String.valueOf(e.getMessage());
                tried.put(hop.path().wire(), why);
                hop.failed(why);
            }
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("paths_tried", tried);
        StringBuilder s = new StringBuilder();
        tried.forEach((k, v) -> s.append(s.length() == 0 ? "" : "; ").append(k).append(": ").append(v));
        throw new ApiException(502, "upstream_error", "workspace unreachable: " + s, details);
    }

    private static Result attempt(String base, Hop hop, ProxyHeaders.Client self, String sub, int timeoutMs, int maxBody) throws IOException {
        Upstream upstream = hop.source().get();
        HeaderList in = new HeaderList();
        in.add("Accept", "*/*");
        in.add("User-Agent", "guildnet-verify");
        HeaderList h = ProxyHeaders.request(in, self, base, upstream, false, true, null);
        for (int i = 0; i < hop.extra().size(); i++) h.set(hop.extra().name(i), hop.extra().value(i));
        h.set("Connection", "close");
        try (Socket s = upstream.connect(timeoutMs)) {
            s.setSoTimeout(timeoutMs);
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            InputStream is = new BufferedInputStream(s.getInputStream());
            HttpWire.writeRequestHead(out, "GET", hop.prefix() + sub, h);
            out.flush();
            HttpWire.ResponseHead head;
            do {
                head = HttpWire.readResponseHead(is);
            } while (head.status() >= 100 && head.status() < 200);
            String cl = head.headers().first("Content-Length");
            if (hop.apiServer() && ReverseProxy.maybeApiServerError(head)) {
                byte[] b = is.readNBytes(Integer.parseInt(cl.trim()));
                if (ReverseProxy.isStatusObject(b)) {
                    String why = ReverseProxy.statusMessage(b);
                    throw new IOException("API server answered " + head.status() + (why.isEmpty() ? "" : ": " + why));
                }
                return new Result(head.status(), hop.path().wire(), text(b, maxBody));
            }
            InputStream body = head.status() == 204 || head.status() == 304 ? HttpWire.empty()
                    : head.headers().hasToken("Transfer-Encoding", "chunked") ? HttpWire.chunked(is)
                    : cl != null ? HttpWire.fixed(is, Long.parseLong(cl.trim())) : HttpWire.untilClose(is);
            return new Result(head.status(), hop.path().wire(), text(body.readNBytes(maxBody), maxBody));
        }
    }

    private static String text(byte[] b, int max) {
        return new String(b, 0, Math.min(b.length, max), StandardCharsets.UTF_8);
    }
}
