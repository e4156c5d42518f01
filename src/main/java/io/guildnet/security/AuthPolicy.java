package io.guildnet.security;

import io.guildnet.config.GuildNetConfig.AuthMode;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a request may proceed and as whom. Pure: the servlet filter
 * collects the facts, this class applies the rules (documented in docs/api.md).
 *
 * <ul>
 *   <li>A presented but unknown token is always 401, even from loopback.</li>
 *   <li>Mutations (POST/PUT/PATCH/DELETE) and WebSocket upgrades need a token, a
 *       session cookie, or — in {@code loopback-or-token} mode — a loopback caller.</li>
 *   <li>Mutations not authenticated by a header token (cookie or loopback) must not
 *       come from a foreign browser origin: this stops a web page the user visits
 *       from driving the local Host App (CSRF).</li>
 *   <li>In {@code token} mode every non-public request needs a token or cookie.</li>
 * </ul>
 */
public final class AuthPolicy {

    public enum Via { TOKEN, COOKIE, LOOPBACK, NONE }

    /** What the filter knows about a request. */
    public record Facts(String method, boolean upgrade, String remoteAddr, boolean tokenPresented,
                        Optional<String> tokenPrincipal, Optional<String> cookiePrincipal,
                        String origin, String secFetchSite, boolean publicPath) {}

    /** The outcome: allowed with a principal, or an error status and code. */
    public record Decision(boolean allowed, String principal, Via via, int status, String code, String message) {
        public static Decision allow(String principal, Via via) { return new Decision(true, principal, via, 0, null, null); }
        public static Decision deny(int status, String code, String message) { return new Decision(false, "anonymous", Via.NONE, status, code, message); }
    }

    private static final Set<String> MUTATING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private AuthPolicy() {}

    public static boolean isMutation(String method, boolean upgrade) {
        return upgrade || MUTATING.contains(method.toUpperCase(Locale.ROOT));
    }

    public static Decision decide(Facts f, AuthMode mode, Set<String> allowedOrigins) {
        if (f.tokenPresented() && f.tokenPrincipal().isEmpty()) {
            return Decision.deny(401, "unauthorized", "invalid API token");
        }
        boolean loopback = isLoopback(f.remoteAddr());
        boolean mutation = isMutation(f.method(), f.upgrade());
        Decision who;
        if (f.tokenPrincipal().isPresent()) {
            who = Decision.allow(f.tokenPrincipal().get(), Via.TOKEN);
        } else if (f.cookiePrincipal().isPresent()) {
            who = Decision.allow(f.cookiePrincipal().get(), Via.COOKIE);
        } else if (loopback && mode == AuthMode.LOOPBACK_OR_TOKEN) {
            who = Decision.allow("local", Via.LOOPBACK);
        } else {
            who = Decision.allow("anonymous", Via.NONE);
        }

        if (who.via() == Via.COOKIE || who.via() == Via.LOOPBACK) {
            if (mutation && foreignOrigin(f, allowedOrigins)) {
                return Decision.deny(403, "origin_not_allowed",
                        "cross-origin request refused: Origin " + (f.origin() == null ? "(none)" : f.origin()) + " is not allowed");
            }
        }
        if (f.publicPath() && !mutation) return who;
        if (who.via() != Via.NONE) return who;
        if (mode == AuthMode.TOKEN || mutation) {
            return Decision.deny(401, "unauthorized",
                    "this request needs an API token (Authorization: Bearer <token> or X-API-Token) or a session");
        }
        return who;
    }

    private static boolean foreignOrigin(Facts f, Set<String> allowed) {
        if (f.origin() != null && !f.origin().isBlank()) {
            return !allowed.contains(f.origin());
        }
        // No Origin header: a non-browser client, unless the browser says it is cross-site.
        return "cross-site".equalsIgnoreCase(f.secFetchSite()) || "same-site".equalsIgnoreCase(f.secFetchSite());
    }

    /** True for 127.0.0.0/8, ::1 and IPv4-mapped loopback; never does a DNS lookup. */
    public static boolean isLoopback(String addr) {
        if (addr == null || addr.isEmpty()) return false;
        String a = addr.startsWith("[") && addr.endsWith("]") ? addr.substring(1, addr.length() - 1) : addr;
        if (!a.matches("[0-9a-fA-F:.%]+")) return false; // literal addresses only
        try {
            return InetAddress.getByName(a).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
