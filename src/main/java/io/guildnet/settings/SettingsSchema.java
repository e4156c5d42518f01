package io.guildnet.settings;

import io.guildnet.api.ApiException;
import io.guildnet.config.GuildNetConfig.AuthMode;
import io.guildnet.config.ListenAddress;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The host-wide settings kinds, their fields and the rule each value must meet.
 * Secret fields are stored encrypted and shown only as {@code "***"} plus
 * {@code <field>_set}.
 */
public final class SettingsSchema {

    public enum Type { STRING, BOOL, SECRET }

    /** One field: name, type, a validity rule (for strings), a hint for the error message, read-only flag. */
    public record Field(String name, Type type, Predicate<String> valid, String hint, boolean readOnly) {
        static Field str(String name, Predicate<String> valid, String hint) { return new Field(name, Type.STRING, valid, hint, false); }
        static Field bool(String name) { return new Field(name, Type.BOOL, s -> true, "true or false", false); }
        static Field secret(String name) { return new Field(name, Type.SECRET, s -> s.length() <= 4096, "at most 4096 characters", false); }
        static Field readOnly(String name, String hint) { return new Field(name, Type.STRING, s -> true, hint, true); }
    }

    public static final String REDACTED = "***";

    private static final Map<String, List<Field>> KINDS = new LinkedHashMap<>();

    static {
        KINDS.put("tailscale", List.of(
                Field.str("login_server", SettingsSchema::emptyOrHttpUrl, "an http(s) URL"),
                Field.secret("preauth_key"),
                Field.str("hostname", s -> s.isEmpty() || s.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"), "a DNS label (a-z, 0-9, -)")));
        KINDS.put("database", List.of(
                Field.str("addr", SettingsSchema::emptyOrHostPort, "host:port"),
                Field.str("user", s -> s.length() <= 256, "at most 256 characters"),
                Field.secret("pass")));
        KINDS.put("global", List.of(
                Field.str("org_id", s -> s.length() <= 128, "at most 128 characters"),
                Field.str("frontend_origin", SettingsSchema::emptyOrOrigin, "an origin like https://host:port, no path"),
                Field.bool("embed_operator"),
                Field.str("default_namespace", s -> s.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?"), "a Kubernetes namespace name"),
                Field.readOnly("listen_local", "set LISTEN_LOCAL and restart the Host App"),
                Field.str("auth_mode", s -> AuthMode.parse(s).isPresent(), "loopback-or-token or token"),
                Field.str("proxy_allowlist", SettingsSchema::validAllowlist, "comma-separated CIDRs (10.0.0.0/8) or host:port entries")));
    }

    private SettingsSchema() {}

    public static List<String> kinds() { return List.copyOf(KINDS.keySet()); }

    public static List<Field> fields(String kind) {
        List<Field> f = KINDS.get(kind);
        if (f == null) {
            throw ApiException.notFound("unknown_settings", "no settings named '" + kind + "' (known: " + String.join(", ", KINDS.keySet()) + ")");
        }
        return f;
    }

    static boolean emptyOrHttpUrl(String s) {
        if (s.isEmpty()) return true;
        try {
            URI u = URI.create(s);
            return ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean emptyOrOrigin(String s) {
        if (s.isEmpty()) return true;
        try {
            URI u = URI.create(s);
            return ("https".equals(u.getScheme()) || "http".equals(u.getScheme())) && u.getHost() != null
                    && (u.getRawPath() == null || u.getRawPath().isEmpty()) && u.getRawQuery() == null && u.getRawUserInfo() == null;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean emptyOrHostPort(String s) {
        if (s.isEmpty()) return true;
        try {
            ListenAddress.parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    static boolean validAllowlist(String s) {
        if (s.length() > 4096) return false;
        try {
            io.guildnet.proxy.Allowlist.parse(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
