package io.guildnet.proxy;

import io.guildnet.api.ApiException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The four URL forms of the proxy (anchor §3.1/§3.2), parsed from the raw request path and query:
 * <ul>
 *   <li>{@code /api/cluster/{cid}/proxy/server/{name}/{rest}} — a workspace of a cluster;</li>
 *   <li>{@code /proxy/server/{name}/{rest}} — a workspace of the default cluster;</li>
 *   <li>{@code /proxy?to=host:port&path=/x&scheme=} — a raw target (query form);</li>
 *   <li>{@code /proxy/{host:port}/{rest}} — a raw target (path form).</li>
 * </ul>
 * Raw targets are served under {@code /proxy/{host:port}}, so relative links of the page keep working.
 */
public record ProxyRoute(Kind kind, String clusterId, String name, Allowlist.HostPort target, String scheme,
                         String base, String subPathAndQuery) {

    public enum Kind { CLUSTER_SERVER, SERVER, RAW }

    private static final Pattern CLUSTER = Pattern.compile("^/api/cluster/([^/]+)/proxy/server/([^/]+)(/.*)?$");
    private static final Pattern SERVER = Pattern.compile("^/proxy/server/([^/]+)(/.*)?$");
    private static final Pattern LEGACY = Pattern.compile("^/proxy/([^/]+)(/.*)?$");
    static final Pattern NAME = Pattern.compile("[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?");

    public static boolean matches(String path) {
        return path.equals("/proxy") || path.startsWith("/proxy/") || CLUSTER.matcher(path).matches();
    }

    /** Parses {@code rawPath} (not decoded) and {@code rawQuery}; 400 for malformed input. */
    public static ProxyRoute parse(String rawPath, String rawQuery) {
        Matcher m = CLUSTER.matcher(rawPath);
        if (m.matches()) {
            String cid = decode(m.group(1));
            String name = name(decode(m.group(2)));
            return new ProxyRoute(Kind.CLUSTER_SERVER, cid, name, null, null, "/api/cluster/" + m.group(1) + "/proxy/server/" + m.group(2),
                    rest(m.group(3), rawQuery));
        }
        m = SERVER.matcher(rawPath);
        if (m.matches()) {
            String name = name(decode(m.group(1)));
            return new ProxyRoute(Kind.SERVER, null, name, null, null, "/proxy/server/" + m.group(1), rest(m.group(2), rawQuery));
        }
        if (rawPath.equals("/proxy") || rawPath.equals("/proxy/")) {
            List<String[]> q = query(rawQuery);
            String to = param(q, "to"), path = param(q, "path"), scheme = param(q, "scheme");
            if (to == null || path == null) {
                throw ApiException.badRequest("invalid_target", "missing or invalid to/path: use /proxy?to=host:port&path=/x, "
                        + "/proxy/host:port/x or /proxy/server/{name}/x");
            }
            if (!path.startsWith("/")) throw ApiException.badRequest("invalid_target", "path must start with /");
            path = targetSafe(path);
            Allowlist.HostPort hp = hostPort(to);
            String sch = scheme(scheme, hp.port());
            StringBuilder rest = new StringBuilder(path);
            List<String> kept = new ArrayList<>();
            for (String[] kv : q) if (!kv[0].equals("to") && !kv[0].equals("path") && !kv[0].equals("scheme")) kept.add(kv[2]);
            if (!kept.isEmpty()) rest.append(path.contains("?") ? "&" : "?").append(String.join("&", kept));
            return new ProxyRoute(Kind.RAW, null, null, hp, sch, "/proxy/" + to, rest.toString());
        }
        m = LEGACY.matcher(rawPath);
        if (m.matches()) {
            String to = decode(m.group(1));
            Allowlist.HostPort hp = hostPort(to);
            // the query belongs to the upstream: passed on raw; only a scheme= hint is looked at
            String scheme = null;
            try {
                scheme = param(query(rawQuery), "scheme");
            } catch (ApiException ignored) {
                // not ours to decode
            }
            return new ProxyRoute(Kind.RAW, null, null, hp, scheme(scheme, hp.port()), "/proxy/" + m.group(1), rest(m.group(2), rawQuery));
        }
        throw ApiException.notFound("not_found", "no proxy route for " + rawPath);
    }

    private static String rest(String rawRest, String rawQuery) {
        String r = rawRest == null || rawRest.isEmpty() ? "/" : rawRest;
        return rawQuery == null || rawQuery.isEmpty() ? r : r + "?" + rawQuery;
    }

    private static String name(String n) {
        if (!NAME.matcher(n).matches()) throw ApiException.badRequest("invalid_name", "'" + n + "' is not a valid workspace name");
        return n;
    }

    private static Allowlist.HostPort hostPort(String to) {
        try {
            return Allowlist.HostPort.parse(to);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_target", "invalid to: " + e.getMessage());
        }
    }

    private static String scheme(String s, int port) {
        if (s == null || s.isEmpty()) return port == 443 || port == 8443 ? "https" : "http";
        if (!s.equals("http") && !s.equals("https")) throw ApiException.badRequest("invalid_target", "invalid scheme '" + s + "': http or https");
        return s;
    }

    private static String decode(String s) {
        try {
            return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_target", "bad percent-encoding in " + s);
        }
    }

    private static String decodeValue(String s) {
        try {
            return URLDecoder.decode(s, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("invalid_target", "bad percent-encoding in query value " + s);
        }
    }

    /**
     * A decoded {@code path=} value made fit for a request line: spaces, control characters and
     * other bytes a request target may not carry are percent-encoded again (no header can be
     * smuggled upstream).
     */
    static String targetSafe(String path) {
        StringBuilder b = new StringBuilder(path.length());
        for (byte x : path.getBytes(StandardCharsets.UTF_8)) {
            int c = x & 0xff;
            if (c <= 0x20 || c >= 0x7f || c == '"' || c == '<' || c == '>' || c == '\\' || c == '^' || c == '`'
                    || c == '{' || c == '|' || c == '}') {
                b.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
            } else {
                b.append((char) c);
            }
        }
        return b.toString();
    }

    /** name, decoded value, raw pair. */
    private static List<String[]> query(String raw) {
        List<String[]> out = new ArrayList<>();
        if (raw == null || raw.isEmpty()) return out;
        for (String pair : raw.split("&")) {
            if (pair.isEmpty()) continue;
            int eq = pair.indexOf('=');
            String k = decode(eq < 0 ? pair : pair.substring(0, eq));
            String v = eq < 0 ? "" : decodeValue(pair.substring(eq + 1));
            out.add(new String[] {k, v, pair});
        }
        return out;
    }

    private static String param(List<String[]> q, String name) {
        for (String[] kv : q) if (kv[0].equals(name)) return kv[1];
        return null;
    }
}
