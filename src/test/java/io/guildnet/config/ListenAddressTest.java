package io.guildnet.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ListenAddressTest {

    @ParameterizedTest
    @CsvSource({
            "127.0.0.1:8090, 127.0.0.1, 8090",
            "[::1]:9000,     ::1,       9000",
            "0.0.0.0:443,    0.0.0.0,   443",
            "localhost:1,    localhost, 1",
            "host:65535,     host,      65535",
    })
    void parsesHostAndPort(String raw, String host, int port) {
        assertEquals(new ListenAddress(host, port), ListenAddress.parse(raw));
    }

    @Test
    void surroundingWhitespaceIsIgnored() {
        assertEquals(new ListenAddress("127.0.0.1", 8090), ListenAddress.parse("  127.0.0.1:8090 \n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"8090", "host:", "host:0", "host:70000", "host:65536", "a:b:c", ":8090", "host:-1",
            "host:http", "[::1]", "[::1]9000", "[::1:9000", "::1:9000", ""})
    void rejectsMalformedAddresses(String raw) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ListenAddress.parse(raw));
        assertTrue(e.getMessage().contains("LISTEN_LOCAL"), e.getMessage());
    }

    @Test
    void authorityBracketsIpv6() {
        assertEquals("[::1]:9000", new ListenAddress("::1", 9000).authority());
        assertEquals("127.0.0.1:8090", new ListenAddress("127.0.0.1", 8090).authority());
    }

    @Test
    void originOfWildcardUsesIpv4Loopback() {
        assertEquals("https://127.0.0.1:443", ListenAddress.parse("0.0.0.0:443").origin());
    }

    @Test
    void originKeepsConcreteHostAndBracketsIpv6() {
        assertEquals("https://127.0.0.1:8090", ListenAddress.parse("127.0.0.1:8090").origin());
        assertEquals("https://[::1]:9000", ListenAddress.parse("[::1]:9000").origin());
        assertEquals("https://guildnet.local:8443", ListenAddress.parse("guildnet.local:8443").origin());
    }
}
