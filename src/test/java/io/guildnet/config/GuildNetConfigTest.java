package io.guildnet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.config.GuildNetConfig.AuthMode;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class GuildNetConfigTest {

    private static final Path USER_HOME = Path.of(System.getProperty("user.home"));

    @TempDir
    Path tmp;

    @Test
    void defaultsWhenNothingIsSet() {
        GuildNetConfig c = GuildNetConfig.fromMap(Map.of());

        assertTrue(c.home().endsWith(".guildnet"), c.home().toString());
        assertEquals(USER_HOME.resolve(".guildnet").toAbsolutePath().normalize(), c.home());
        assertEquals(new ListenAddress("127.0.0.1", 8090), c.listen());
        assertEquals(AuthMode.LOOPBACK_OR_TOKEN, c.authMode());
        assertEquals("loopback-or-token", c.authMode().wire());
        assertEquals(16L * 1024 * 1024, c.maxBodyBytes());
        assertEquals(12L * 3600, c.sessionTtlSeconds());
        assertEquals(Optional.empty(), c.apiToken());
        assertEquals(Optional.empty(), c.masterKey());
        assertEquals(Optional.empty(), c.tokensFile());
        assertEquals("GuildNet", c.name());
    }

    @Test
    void blankValuesFallBackToDefaults() {
        GuildNetConfig c = GuildNetConfig.fromMap(Map.of("guildnet.home", " ", "listen.local", "",
                "guildnet.auth.mode", "  ", "guildnet.max.body.bytes", " ", "guildnet.name", ""));
        assertEquals(USER_HOME.resolve(".guildnet").toAbsolutePath().normalize(), c.home());
        assertEquals(new ListenAddress("127.0.0.1", 8090), c.listen());
        assertEquals(AuthMode.LOOPBACK_OR_TOKEN, c.authMode());
        assertEquals(16L * 1024 * 1024, c.maxBodyBytes());
        assertEquals("GuildNet", c.name());
    }

    @Test
    void explicitValuesAreUsed() {
        GuildNetConfig c = GuildNetConfig.fromMap(Map.of(
                "guildnet.home", tmp.toString(),
                "listen.local", "[::1]:9000",
                "guildnet.auth.mode", "Token",
                "guildnet.api.token", "  the-token  ",
                "guildnet.master.key", "the master key",
                "guildnet.max.body.bytes", "1024",
                "guildnet.session.ttl.seconds", "60",
                "guildnet.name", "Lab"));
        assertEquals(tmp.toAbsolutePath().normalize(), c.home());
        assertEquals(new ListenAddress("::1", 9000), c.listen());
        assertEquals(AuthMode.TOKEN, c.authMode());
        assertEquals(Optional.of("the-token"), c.apiToken());
        assertEquals(Optional.of("the master key"), c.masterKey());
        assertEquals(1024, c.maxBodyBytes());
        assertEquals(60, c.sessionTtlSeconds());
        assertEquals("Lab", c.name());
    }

    @Test
    void stateLivesBelowHome() {
        GuildNetConfig c = GuildNetConfig.fromMap(Map.of("guildnet.home", tmp.toString()));
        Path home = tmp.toAbsolutePath().normalize();
        assertEquals(home.resolve("state"), c.stateDir());
        assertEquals(home.resolve("state/certs"), c.certsDir());
        assertEquals(home.resolve("state/guildnet.sqlite"), c.databaseFile());
        assertEquals(home.resolve("state/clusters/c1"), c.clusterStateDir("c1"));
    }

    @Test
    void homeIsNormalizedAndAbsolute() {
        GuildNetConfig c = GuildNetConfig.fromMap(Map.of("guildnet.home", tmp + "/a/../b"));
        assertEquals(tmp.resolve("b").toAbsolutePath().normalize(), c.home());
        assertTrue(c.home().isAbsolute());
    }

    @Test
    void tildeExpandsToUserHome() {
        GuildNetConfig c = GuildNetConfig.fromMap(Map.of("guildnet.home", "~/x", "guildnet.tokens.file", "~/tokens.txt"));
        assertEquals(USER_HOME.resolve("x").toAbsolutePath().normalize(), c.home());
        assertEquals(Optional.of(USER_HOME.resolve("tokens.txt")), c.tokensFile());
        assertEquals(USER_HOME.toAbsolutePath().normalize(),
                GuildNetConfig.fromMap(Map.of("guildnet.home", "~")).home());
    }

    @Test
    void tildeInsideAPathIsNotExpanded() {
        GuildNetConfig c = GuildNetConfig.fromMap(Map.of("guildnet.home", tmp + "/~/x"));
        assertEquals(tmp.resolve("~").resolve("x").toAbsolutePath().normalize(), c.home());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", " ", "\t"})
    void blankMasterKeyIsTreatedAsAbsent(String value) {
        assertEquals(Optional.empty(), GuildNetConfig.fromMap(Map.of("guildnet.master.key", value)).masterKey());
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void blankApiTokenIsTreatedAsAbsent(String value) {
        assertEquals(Optional.empty(), GuildNetConfig.fromMap(Map.of("guildnet.api.token", value)).apiToken());
    }

    @ParameterizedTest
    @ValueSource(strings = {"open", "none", "loopback", "tokens"})
    void invalidAuthModeNamesTheEnvVar(String mode) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GuildNetConfig.fromMap(Map.of("guildnet.auth.mode", mode)));
        assertTrue(e.getMessage().contains("GUILDNET_AUTH_MODE"), e.getMessage());
        assertTrue(e.getMessage().contains(mode), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "-1", "abc", "1.5", "99999999999999999999"})
    void nonPositiveOrNonNumericBodyLimitNamesTheEnvVar(String value) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GuildNetConfig.fromMap(Map.of("guildnet.max.body.bytes", value)));
        assertTrue(e.getMessage().contains("GUILDNET_MAX_BODY_BYTES"), e.getMessage());
    }

    @Test
    void nonPositiveSessionTtlNamesTheEnvVar() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GuildNetConfig.fromMap(Map.of("guildnet.session.ttl.seconds", "0")));
        assertTrue(e.getMessage().contains("GUILDNET_SESSION_TTL_SECONDS"), e.getMessage());
    }

    @Test
    void invalidListenAddressIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> GuildNetConfig.fromMap(Map.of("listen.local", "8090")));
    }

    @Test
    void authModeParsingIsCaseAndWhitespaceInsensitive() {
        assertEquals(Optional.of(AuthMode.TOKEN), AuthMode.parse(" TOKEN "));
        assertEquals(Optional.of(AuthMode.LOOPBACK_OR_TOKEN), AuthMode.parse("Loopback-Or-Token"));
        assertEquals(Optional.empty(), AuthMode.parse(null));
        assertEquals(Optional.empty(), AuthMode.parse("LOOPBACK_OR_TOKEN"));
    }
}
