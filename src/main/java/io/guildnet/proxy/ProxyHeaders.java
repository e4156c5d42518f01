package io.guildnet.proxy;

import java.net.URI;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Header rewriting between the browser and a workspace (anchor §3.3, with its bugs fixed):
 * hop-by-hop headers never cross; the Host App's own credentials never reach the workspace;
 * untrusted {@code X-Forwarded-*} are replaced by ours; {@code Location} and {@code Set-Cookie}
 * are mapped under the proxy base path keeping their query and attributes; framing headers are
 * relaxed only as far as embedding the IDE in the Host App's own UI needs.
 */
public final class ProxyHeaders {

    /** RFC 9110 §7.6.1 plus the legacy ones; never forwarded in either direction. */
    static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
            "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");

    /** Headers only the proxy itself sets toward the workspace. */
    static final Set<String> FORWARDING = Set.of("x-forwarded-for", "x-forwarded-host", "x-forwarded-proto",
            "x-forwarded-prefix", "x-forwarded-port", "x-forwarded-server", "forwarded", "x-real-ip");

    /** Per-request path hints of the anchor, consumed by the proxy. */
    static final Set<String> CONTROL = Set.of("x-guild-prefer-pod", "x-guild-use-portforward", "x-guild-server-id");

    /** Where the request came from, as the proxy sees it. */
    public record Client(String remoteAddr, String host, String proto, boolean trustedHop) {}

    private ProxyHeaders() {}

    /**
     * The headers to send upstream. {@code upgrade} keeps {@code Connection: Upgrade} and
     * {@code Upgrade}; {@code stripAuthorization} drops an Authorization header that carried the
     * Host App's own token; {@code sessionCookie} is removed from {@code Cookie}.
     */
    public static HeaderList request(HeaderList in, Client client, String base, Upstream upstream, boolean upgrade,
                                     boolean stripAuthorization, String sessionCookie) {
        Set<String> named = connectionTokens(in);
        HeaderList out = new HeaderList();
        String priorFor = null, priorProto = null, priorHost = null;
        for (int i = 0; i < in.size(); i++) {
            String n = in.name(i);
            String l = n.toLowerCase(Locale.ROOT);
            String v = in.value(i);
            if (HOP_BY_HOP.contains(l) || named.contains(l) || CONTROL.contains(l)) continue;
            if (FORWARDING.contains(l)) {
                if (client.trustedHop()) {
                    if (l.equals("x-forwarded-for")) priorFor = priorFor == null ? v : priorFor + ", " + v;
                    if (l.equals("x-forwarded-proto") && priorProto == null) priorProto = v;
                    if (l.equals("x-forwarded-host") && priorHost == null) priorHost = v;
                }
                continue;
            }
            switch (l) {
                // Sec-WebSocket-Extensions: the proxy re-frames messages, so no extension is negotiated end to end
                case "host", "expect", "content-length", "x-api-token", "sec-websocket-extensions" -> { continue; }
                case "authorization" -> { if (stripAuthorization) continue; }
                case "cookie" -> {
                    v = withoutCookie(v, sessionCookie);
                    if (v.isEmpty()) continue;
                }
                default -> { }
            }
            out.add(n, v);
        }
        out.add("Host", upstream.authority());
        if (upgrade) {
            out.add("Connection", "Upgrade");
            out.add("Upgrade", in.first("Upgrade"));
        }
        out.add("X-Forwarded-For", priorFor == null ? client.remoteAddr() : priorFor + ", " + client.remoteAddr());
        String fwdHost = priorHost != null ? priorHost : client.host();
        if (fwdHost != null && !fwdHost.isEmpty()) out.add("X-Forwarded-Host", fwdHost);
        out.add("X-Forwarded-Proto", priorProto != null ? priorProto : client.proto());
        out.add("X-Forwarded-Prefix", base);
        return out;
    }

    private static Set<String> connectionTokens(HeaderList h) {
        Set<String> s = new java.util.HashSet<>();
        for (String v : h.all("Connection")) {
            for (String t : v.split(",")) {
                String x = t.trim().toLowerCase(Locale.ROOT);
                if (!x.isEmpty() && !x.equals("upgrade") && !x.equals("close") && !x.equals("keep-alive")) s.add(x);
            }
        }
        return s;
    }

    static String withoutCookie(String header, String name) {
        if (name == null || !header.contains(name)) return header;
        List<String> keep = new ArrayList<>();
        for (String part : header.split(";")) {
            String p = part.trim();
            if (p.isEmpty()) continue;
            int eq = p.indexOf('=');
            String n = eq < 0 ? p : p.substring(0, eq).trim();
            if (!n.equals(name)) keep.add(p);
        }
        return String.join("; ", keep);
    }

    /**
     * What the browser gets, from the upstream's response headers. {@code base} is the public
     * prefix (e.g. {@code /api/cluster/c1/proxy/server/ws1}); {@code upstreamPrefix} the path
     * prefix the request had upstream (the API server's proxy path, or "" for direct paths);
     * {@code frameAncestors} the origins allowed to frame workspace pages besides the Host App itself.
     */
    public static HeaderList response(HeaderList in, int status, String base, String upstreamPrefix, Upstream upstream,
                                      Collection<String> frameAncestors, String sessionCookie) {
        HeaderList out = new HeaderList();
        Set<String> named = connectionTokens(in);
        boolean hadCsp = false, hadReferrer = false;
        for (int i = 0; i < in.size(); i++) {
            String n = in.name(i);
            String l = n.toLowerCase(Locale.ROOT);
            String v = in.value(i);
            if (status == 101 && (l.equals("connection") || l.equals("upgrade"))) {
                out.add(n, v);
                continue;
            }
            if (HOP_BY_HOP.contains(l) || named.contains(l)) continue;
            switch (l) {
                case "x-frame-options", "cross-origin-embedder-policy", "strict-transport-security", "x-request-id",
                     "cross-origin-opener-policy", "cross-origin-resource-policy", "service-worker-allowed" -> { continue; }
                case "content-security-policy" -> {
                    hadCsp = true;
                    v = frameAncestors(v, frameAncestors);
                }
                case "referrer-policy" -> hadReferrer = true;
                case "location" -> v = location(v, base, upstreamPrefix, upstream);
                case "content-location" -> v = location(v, base, upstreamPrefix, upstream);
                case "set-cookie" -> {
                    v = setCookie(v, base, sessionCookie);
                    if (v == null) continue;
                }
                default -> { }
            }
            out.add(n, v);
        }
        if (!hadCsp) out.add("Content-Security-Policy", "frame-ancestors " + ancestors(frameAncestors));
        if (!hadReferrer) out.add("Referrer-Policy", "no-referrer");
        out.add("Cross-Origin-Opener-Policy", "same-origin-allow-popups");
        out.add("Cross-Origin-Resource-Policy", "cross-origin");
        out.add("Service-Worker-Allowed", base + "/");
        return out;
    }

    private static String ancestors(Collection<String> extra) {
        StringBuilder b = new StringBuilder("'self'");
        for (String o : extra) b.append(' ').append(o);
        return b.toString();
    }

    /** Replaces (or appends) the {@code frame-ancestors} directive: the Host App's UI may frame the IDE. */
    static String frameAncestors(String csp, Collection<String> extra) {
        List<String> out = new ArrayList<>();
        boolean seen = false;
        for (String d : csp.split(";")) {
            String t = d.trim();
            if (t.isEmpty()) continue;
            if (t.toLowerCase(Locale.ROOT).startsWith("frame-ancestors")) {
                if (!seen) out.add("frame-ancestors " + ancestors(extra));
                seen = true;
            } else {
                out.add(t);
            }
        }
        if (!seen) out.add("frame-ancestors " + ancestors(extra));
        return String.join("; ", out);
    }

    /**
     * Maps a redirect target into the proxy's space, keeping its query and fragment:
     * the upstream's own absolute URLs and root-relative paths move under {@code base};
     * the API server's proxy prefix is replaced by {@code base}; relative references (already
     * resolved by the browser under the base) and other hosts are left alone.
     */
    static String location(String loc, String base, String upstreamPrefix, Upstream upstream) {
        if (loc == null || loc.isEmpty()) return loc;
        String pathAndMore;
        if (loc.startsWith("//") || loc.matches("(?i)^[a-z][a-z0-9+.-]*:.*")) {
            URI u;
            try {
                // a protocol-relative reference (//host:port/x) has the scheme of the request: http toward the upstream
                u = URI.create(loc.startsWith("//") ? (upstream != null && upstream.secure() ? "https:" : "http:") + loc : loc);
            } catch (IllegalArgumentException e) {
                return loc;
            }
            if (u.getScheme() == null || !(u.getScheme().equalsIgnoreCase("http") || u.getScheme().equalsIgnoreCase("https"))) return loc;
            if (u.getRawAuthority() == null || !sameAuthority(u, upstream)) return loc;
            pathAndMore = (u.getRawPath() == null || u.getRawPath().isEmpty() ? "/" : u.getRawPath())
                    + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery())
                    + (u.getRawFragment() == null ? "" : "#" + u.getRawFragment());
        } else if (loc.startsWith("/")) {
            pathAndMore = loc;
        } else {
            return loc;
        }
        if (upstreamPrefix != null && !upstreamPrefix.isEmpty() && pathAndMore.startsWith(upstreamPrefix)) {
            String rest = pathAndMore.substring(upstreamPrefix.length());
            return base + (rest.isEmpty() || rest.startsWith("?") || rest.startsWith("#") ? "/" + rest : rest);
        }
        if (pathAndMore.equals(base) || pathAndMore.startsWith(base + "/") || pathAndMore.startsWith(base + "?")
                || pathAndMore.startsWith(base + "#")) return pathAndMore;
        return base + pathAndMore;
    }

    private static boolean sameAuthority(URI u, Upstream up) {
        if (up == null) return false;
        String host = u.getHost();
        if (host == null) return false;
        if (host.startsWith("[")) host = host.substring(1, host.length() - 1);
        int port = u.getPort() >= 0 ? u.getPort() : ("https".equalsIgnoreCase(u.getScheme()) ? 443 : 80);
        return host.equalsIgnoreCase(up.host()) && port == up.port();
    }

    /**
     * Scopes a cookie to the workspace: {@code Domain} dropped, {@code Path} moved under
     * {@code base}, {@code Secure} added when missing (the Host App is HTTPS only) and
     * {@code Partitioned} added; {@code HttpOnly}, {@code SameSite}, expiry kept as the
     * upstream set them. A cookie named like the Host App's session is dropped, so a workspace
     * cannot shadow it. Returns null to drop.
     */
    static String setCookie(String v, String base, String sessionCookie) {
        String[] parts = v.split(";");
        String nv = parts[0].trim();
        int eq = nv.indexOf('=');
        String name = eq < 0 ? nv : nv.substring(0, eq).trim();
        if (name.isEmpty() || name.equals(sessionCookie)) return null;
        StringBuilder b = new StringBuilder(nv);
        String path = null;
        boolean secure = false, partitioned = false;
        for (int i = 1; i < parts.length; i++) {
            String a = parts[i].trim();
            if (a.isEmpty()) continue;
            int aeq = a.indexOf('=');
            // attribute names may have spaces around '=' (browsers trim them)
            if (aeq > 0) a = a.substring(0, aeq).trim() + "=" + a.substring(aeq + 1).trim();
            String al = a.toLowerCase(Locale.ROOT);
            if (al.startsWith("domain=") || al.equals("domain")) continue;
            if (al.startsWith("path=")) {
                path = a.substring(5).trim();
                continue;
            }
            if (al.equals("secure")) secure = true;
            if (al.equals("partitioned")) partitioned = true;
            b.append("; ").append(a);
        }
        String p = path == null || path.isEmpty() || !path.startsWith("/") ? "/" : path;
        b.append("; Path=").append(p.startsWith(base + "/") || p.equals(base) ? p : base + p);
        if (!secure) b.append("; Secure");
        if (!partitioned) b.append("; Partitioned");
        return b.toString();
    }
}
