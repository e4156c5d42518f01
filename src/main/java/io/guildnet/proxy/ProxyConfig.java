package io.guildnet.proxy;

import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The reverse proxy's knobs (docs/configuration.md, "Reverse proxy"). Built from MicroProfile
 * Config in the server ({@link ProxyService}) and from a map in tests.
 */
public record ProxyConfig(
        Allowlist allowlist,
        long maxBodyBytes,
        long idleTimeoutMs,
        long responseTimeoutMs,
        int connectTimeoutMs,
        long keepAliveMs,
        long resolveCacheMs,
        long portForwardIdleMs,
        String direct,
        Allowlist trustedProxies) {

    public static final long DEFAULT_MAX_BODY = 1024L * 1024 * 1024;

    public static ProxyConfig from(Function<String, Optional<String>> lookup) {
        String direct = lookup.apply("guildnet.proxy.direct").map(s -> s.trim().toLowerCase(Locale.ROOT)).filter(s -> !s.isEmpty()).orElse("auto");
        if (!direct.equals("auto") && !direct.equals("on") && !direct.equals("off")) {
            throw new IllegalArgumentException("GUILDNET_PROXY_DIRECT must be auto, on or off, got '" + direct + "'");
        }
        return new ProxyConfig(
                list(lookup, "guildnet.proxy.allowlist"),
                positive(lookup, "guildnet.proxy.max.body.bytes", DEFAULT_MAX_BODY),
                seconds(lookup, "guildnet.proxy.idle.timeout.seconds", 3600),
                seconds(lookup, "guildnet.proxy.response.timeout.seconds", 300),
                (int) Math.min(Integer.MAX_VALUE, positive(lookup, "guildnet.proxy.connect.timeout.ms", 5000)),
                seconds(lookup, "guildnet.proxy.keepalive.seconds", 60),
                positive(lookup, "guildnet.proxy.resolve.cache.ms", 3000),
                seconds(lookup, "guildnet.proxy.portforward.idle.seconds", 600),
                direct,
                list(lookup, "guildnet.trusted.proxies"));
    }

    public static ProxyConfig defaults() {
        return from(k -> Optional.empty());
    }

    private static Allowlist list(Function<String, Optional<String>> lookup, String key) {
        String v = lookup.apply(key).orElse("");
        try {
            return Allowlist.parse(v);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(env(key) + ": " + e.getMessage());
        }
    }

    private static long positive(Function<String, Optional<String>> lookup, String key, long dflt) {
        return io.guildnet.config.GuildNetConfig.positiveLong(lookup, key, dflt);
    }

    /** A duration in seconds (at most one year), returned in milliseconds. */
    private static long seconds(Function<String, Optional<String>> lookup, String key, long dflt) {
        long v = positive(lookup, key, dflt);
        if (v > 366L * 24 * 3600) throw new IllegalArgumentException(env(key) + " must be at most 31622400 (one year), got " + v);
        return v * 1000;
    }

    private static String env(String key) {
        return key.toUpperCase(Locale.ROOT).replace('.', '_');
    }
}
