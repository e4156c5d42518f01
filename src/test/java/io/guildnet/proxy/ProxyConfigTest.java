package io.guildnet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ProxyConfigTest {

    static ProxyConfig of(Map<String, String> m) {
        return ProxyConfig.from(k -> Optional.ofNullable(m.get(k)));
    }

    static IllegalArgumentException fails(String key, String value) {
        return assertThrows(IllegalArgumentException.class, () -> of(Map.of(key, value)), key + "=" + value);
    }

    @Test
    void defaults() {
        ProxyConfig c = ProxyConfig.defaults();
        assertTrue(c.allowlist().isEmpty());
        assertFalse(c.allowlist().allows("127.0.0.1", 80), "no raw target is allowed out of the box");
        assertTrue(c.trustedProxies().isEmpty());
        assertEquals(1024L * 1024 * 1024, c.maxBodyBytes());
        assertEquals(3_600_000L, c.idleTimeoutMs(), "a live IDE session survives an hour of silence");
        assertEquals(300_000L, c.responseTimeoutMs());
        assertEquals(5_000, c.connectTimeoutMs());
        assertEquals(60_000L, c.keepAliveMs());
        assertEquals(3_000L, c.resolveCacheMs());
        assertEquals(600_000L, c.portForwardIdleMs());
        assertEquals("auto", c.direct());
    }

    @Test
    void blankValuesMeanDefaults() {
        ProxyConfig c = of(Map.of("guildnet.proxy.max.body.bytes", "  ", "guildnet.proxy.direct", " ", "guildnet.proxy.allowlist", ""));
        assertEquals(ProxyConfig.DEFAULT_MAX_BODY, c.maxBodyBytes());
        assertEquals("auto", c.direct());
        assertTrue(c.allowlist().isEmpty());
    }

    @Test
    void valuesParsedAndSecondsConvertedToMillis() {
        ProxyConfig c = of(Map.of(
                "guildnet.proxy.max.body.bytes", "1048576",
                "guildnet.proxy.idle.timeout.seconds", "90",
                "guildnet.proxy.response.timeout.seconds", " 15 ",
                "guildnet.proxy.connect.timeout.ms", "250",
                "guildnet.proxy.keepalive.seconds", "2",
                "guildnet.proxy.resolve.cache.ms", "100",
                "guildnet.proxy.portforward.idle.seconds", "30",
                "guildnet.proxy.allowlist", "10.0.0.0/8, code.local:8080",
                "guildnet.trusted.proxies", "127.0.0.1/32"));
        assertEquals(1_048_576L, c.maxBodyBytes());
        assertEquals(90_000L, c.idleTimeoutMs());
        assertEquals(15_000L, c.responseTimeoutMs());
        assertEquals(250, c.connectTimeoutMs());
        assertEquals(2_000L, c.keepAliveMs());
        assertEquals(100L, c.resolveCacheMs());
        assertEquals(30_000L, c.portForwardIdleMs());
        assertEquals(List.of("10.0.0.0/8", "code.local:8080"), c.allowlist().entries());
        assertTrue(c.allowlist().allows("10.2.3.4", 1));
        assertTrue(c.allowlist().allows("code.local", 8080));
        assertTrue(c.trustedProxies().allows("127.0.0.1", 0));
        assertFalse(c.trustedProxies().allows("127.0.0.2", 0));
    }

    @Test
    void connectTimeoutCappedAtIntRange() {
        assertEquals(Integer.MAX_VALUE, of(Map.of("guildnet.proxy.connect.timeout.ms", "99999999999")).connectTimeoutMs());
    }
    @Test
    void hugeSecondValuesNeverBecomeNegative() {
        for (String key : List.of("guildnet.proxy.idle.timeout.seconds", "guildnet.proxy.response.timeout.seconds",
                "guildnet.proxy.keepalive.seconds", "guildnet.proxy.portforward.idle.seconds")) {
            ProxyConfig c;
            try {
                c = of(Map.of(key, "9223372036854775807"));
            } catch (IllegalArgumentException e) {
                continue; // rejecting it is fine too
            }
            assertTrue(c.idleTimeoutMs() > 0 && c.responseTimeoutMs() > 0 && c.keepAliveMs() > 0 && c.portForwardIdleMs() > 0, key);
        }
    }

    @Test
    void numericErrorsNameTheEnvironmentVariable() {
        Map<String, String> envOf = Map.of(
                "guildnet.proxy.max.body.bytes", "GUILDNET_PROXY_MAX_BODY_BYTES",
                "guildnet.proxy.idle.timeout.seconds", "GUILDNET_PROXY_IDLE_TIMEOUT_SECONDS",
                "guildnet.proxy.response.timeout.seconds", "GUILDNET_PROXY_RESPONSE_TIMEOUT_SECONDS",
                "guildnet.proxy.connect.timeout.ms", "GUILDNET_PROXY_CONNECT_TIMEOUT_MS",
                "guildnet.proxy.keepalive.seconds", "GUILDNET_PROXY_KEEPALIVE_SECONDS",
                "guildnet.proxy.resolve.cache.ms", "GUILDNET_PROXY_RESOLVE_CACHE_MS",
                "guildnet.proxy.portforward.idle.seconds", "GUILDNET_PROXY_PORTFORWARD_IDLE_SECONDS");
        for (var e : envOf.entrySet()) {
            for (String bad : List.of("0", "-5", "ten", "1.5", "10s")) {
                IllegalArgumentException x = fails(e.getKey(), bad);
                assertTrue(x.getMessage().contains(e.getValue()), x.getMessage());
                assertTrue(x.getMessage().contains("'" + bad + "'"), x.getMessage());
            }
        }
    }

    @Test
    void badAllowlistNamesTheEnvironmentVariableAndTheEntry() {
        IllegalArgumentException e = fails("guildnet.proxy.allowlist", "10.0.0.0/8,10.0.0.0/40");
        assertTrue(e.getMessage().contains("GUILDNET_PROXY_ALLOWLIST"), e.getMessage());
        assertTrue(e.getMessage().contains("10.0.0.0/40"), e.getMessage());
        IllegalArgumentException t = fails("guildnet.trusted.proxies", "nonsense");
        assertTrue(t.getMessage().contains("GUILDNET_TRUSTED_PROXIES"), t.getMessage());
        assertTrue(t.getMessage().contains("nonsense"), t.getMessage());
    }

    @Test
    void directIsAutoOnOrOff() {
        assertEquals("on", of(Map.of("guildnet.proxy.direct", "on")).direct());
        assertEquals("off", of(Map.of("guildnet.proxy.direct", " OFF ")).direct());
        assertEquals("auto", of(Map.of("guildnet.proxy.direct", "Auto")).direct());
        for (String bad : List.of("yes", "true", "1", "direct")) {
            IllegalArgumentException e = fails("guildnet.proxy.direct", bad);
            assertTrue(e.getMessage().contains("GUILDNET_PROXY_DIRECT"), e.getMessage());
            assertTrue(e.getMessage().contains("auto, on or off"), e.getMessage());
        }
    }
}
