package io.guildnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** defaults &lt; ~/.metaguildnet/config.yaml &lt; MGN_* &lt; flags. */
class CliConfigTest {

    @TempDir
    Path home;

    void writeConfig(String yaml) throws Exception {
        Files.createDirectories(home.resolve(".metaguildnet"));
        Files.writeString(home.resolve(".metaguildnet/config.yaml"), yaml);
    }

    @Test
    void eachLevelOverridesTheOneBefore() throws Exception {
        writeConfig("api:\n  base_url: https://file:8090\n  token: file-token\n  timeout: 10s\nclusters:\n  default: file-cluster\n"
                + "preferences:\n  color: never\n  format: yaml\n");
        Map<String, String> env = new HashMap<>(Map.of("MGN_API_TOKEN", "env-token", "MGN_DEFAULT_CLUSTER", "env-cluster"));
        Map<String, String> flags = new HashMap<>();
        flags.put("token", "flag-token");
        CliConfig c = CliConfig.resolve(env, home, null, flags);
        assertEquals("https://file:8090", c.get("api_url"));
        assertEquals("file " + home.resolve(".metaguildnet/config.yaml"), c.source("api_url"));
        assertEquals("flag-token", c.get("token"));
        assertEquals("flag", c.source("token"));
        assertEquals("env-cluster", c.get("cluster"));
        assertEquals("env MGN_DEFAULT_CLUSTER", c.source("cluster"));
        assertEquals("yaml", c.get("format"));
        assertEquals("never", c.get("color"));
        assertEquals("10s", c.get("timeout"));
        assertEquals("3", c.get("retries"));
        assertEquals("default", c.source("retries"));
        assertEquals(home.resolve(".guildnet").toString(), c.get("guildnet_home"));
    }

    @Test
    void defaultsWithoutAFileAndTheOriginalCliKeys() throws Exception {
        CliConfig d = CliConfig.resolve(Map.of(), home, null, Map.of());
        assertEquals("https://127.0.0.1:8090", d.get("api_url"));
        assertEquals("table", d.get("format"));
        assertEquals(null, d.get("token"));
        writeConfig("defaults:\n  cluster: old-style\n  format: json\n");
        CliConfig c = CliConfig.resolve(Map.of("GUILDNET_HOME", "/srv/gn"), home, null, Map.of());
        assertEquals("old-style", c.get("cluster"));
        assertEquals("json", c.get("format"));
        assertEquals("/srv/gn", c.get("guildnet_home"));
    }

    @Test
    void mgnConfigAndExplicitFileAndBadInput() throws Exception {
        Path other = home.resolve("other.yaml");
        Files.writeString(other, "api:\n  base_url: https://other:1\n");
        assertEquals("https://other:1", CliConfig.resolve(Map.of("MGN_CONFIG", other.toString()), home, null, Map.of()).get("api_url"));
        assertThrows(IllegalArgumentException.class, () -> CliConfig.resolve(Map.of(), home, home.resolve("missing.yaml"), Map.of()));
        Files.writeString(other, "- a list\n");
        assertThrows(IllegalArgumentException.class, () -> CliConfig.resolve(Map.of(), home, other, Map.of()));
        assertEquals(Duration.ofMinutes(5), CliConfig.duration("5m"));
        assertEquals(Duration.ofMillis(1500), CliConfig.duration("1.5s"));
        assertEquals(Duration.ofMillis(250), CliConfig.duration("250ms"));
        assertEquals(Duration.ofSeconds(30), CliConfig.duration("30"));
        assertThrows(IllegalArgumentException.class, () -> CliConfig.duration("soon"));
    }
}
