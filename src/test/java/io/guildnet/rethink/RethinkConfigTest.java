package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RethinkConfigTest {

    static RethinkConfig of(Map<String, String> m) {
        return RethinkConfig.from(k -> Optional.ofNullable(m.get(k)));
    }

    @Test
    void defaultsAreTheDriverAndTheAnchorsServiceName() {
        RethinkConfig c = of(Map.of());
        assertFalse(c.memory());
        assertEquals("rethinkdb", c.serviceName());
        assertNull(c.namespace());
        assertFalse(c.debugPrincipal());
        assertEquals(Duration.ofSeconds(15), c.heartbeat());
        assertEquals(1024, c.feedQueue());
    }

    @Test
    void knobsAreValidated() {
        assertTrue(of(Map.of("guildnet.rdb.backend", "Memory")).memory());
        assertTrue(assertThrows(IllegalArgumentException.class, () -> of(Map.of("guildnet.rdb.backend", "postgres"))).getMessage()
                .contains("GUILDNET_RDB_BACKEND"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> of(Map.of("guildnet.rdb.heartbeat.seconds", "30"))).getMessage()
                .contains("GUILDNET_RDB_HEARTBEAT_SECONDS"), "heartbeats stay at or under 20 s");
        assertEquals("db", of(Map.of("rethinkdb.namespace", " db ")).namespace());
        assertTrue(of(Map.of("guildnet.rdb.debug.principal", "1")).debugPrincipal());
    }
}
