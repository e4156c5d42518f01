package io.guildnet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class AllowlistTest {

    @Test
    void emptyAllowsNothing() {
        Allowlist a = Allowlist.parse("");
        assertTrue(a.isEmpty());
        assertFalse(a.allows("127.0.0.1", 80));
        assertFalse(Allowlist.empty().allows("localhost", 80));
        assertTrue(Allowlist.parse(null).isEmpty());
    }

    @Test
    void ipv4CidrEdges() {
        Allowlist a = Allowlist.parse("10.20.0.0/16");
        assertTrue(a.allows("10.20.0.0", 1));
        assertTrue(a.allows("10.20.255.255", 65535));
        assertFalse(a.allows("10.21.0.0", 80));
        assertFalse(a.allows("10.19.255.255", 80));
        assertFalse(a.allows("11.20.0.1", 80));
    }

    @Test
    void cidrWithHostBitsSetMatchesItsNetwork() {
        Allowlist a = Allowlist.parse("192.168.1.77/24");
        assertTrue(a.allows("192.168.1.1", 80));
        assertFalse(a.allows("192.168.2.1", 80));
    }

    @Test
    void ipv4Slash32IsOneAddress() {
        Allowlist a = Allowlist.parse("127.0.0.1/32");
        assertTrue(a.allows("127.0.0.1", 8080));
        assertFalse(a.allows("127.0.0.2", 8080));
        assertFalse(a.allows("127.0.0.0", 8080));
    }

    @Test
    void oddPrefixLengths() {
        Allowlist a = Allowlist.parse("100.64.0.0/10");
        assertTrue(a.allows("100.64.0.1", 1));
        assertTrue(a.allows("100.127.255.255", 1));
        assertFalse(a.allows("100.128.0.0", 1));
        assertFalse(a.allows("100.63.255.255", 1));
        Allowlist b = Allowlist.parse("128.0.0.0/1");
        assertTrue(b.allows("200.1.1.1", 1));
        assertFalse(b.allows("127.255.255.255", 1));
    }

    @Test
    void slashZeroMatchesEveryAddressOfItsFamilyOnly() {
        Allowlist v4 = Allowlist.parse("0.0.0.0/0");
        assertTrue(v4.allows("1.2.3.4", 80));
        assertTrue(v4.allows("255.255.255.255", 80));
        assertFalse(v4.allows("::1", 80));
        Allowlist v6 = Allowlist.parse("::/0");
        assertTrue(v6.allows("2001:db8::1", 80));
        assertFalse(v6.allows("1.2.3.4", 80));
    }

    @Test
    void ipv6Cidrs() {
        Allowlist a = Allowlist.parse("fd7a:115c:a1e0::/48, ::1/128");
        assertTrue(a.allows("fd7a:115c:a1e0::1", 443));
        assertTrue(a.allows("fd7a:115c:a1e0:ffff:ffff:ffff:ffff:ffff", 443));
        assertTrue(a.allows("[fd7a:115c:a1e0:1::2]", 443));
        assertFalse(a.allows("fd7a:115c:a1e1::1", 443));
        assertTrue(a.allows("::1", 1));
        assertTrue(a.allows("0:0:0:0:0:0:0:1", 1), "non-canonical spelling of the same address");
        assertFalse(a.allows("::2", 1));
    }

    @Test
    void namesNeverMatchCidrs() {
        Allowlist a = Allowlist.parse("0.0.0.0/0 ::/0");
        assertFalse(a.allows("localhost", 80));
        assertFalse(a.allows("example.com", 80));
        assertFalse(a.allows("127.1", 80), "a short numeric form is a name, never resolved");
        assertFalse(a.allows("2130706433", 80));
        assertFalse(a.allows("127.0.0.1.", 80));
    }

    @Test
    void hostPortEntriesMatchExactlyIgnoringCase() {
        Allowlist a = Allowlist.parse("code.internal:8080,127.0.0.1:9000");
        assertTrue(a.allows("code.internal", 8080));
        assertTrue(a.allows("CODE.Internal", 8080));
        assertFalse(a.allows("code.internal", 8081));
        assertFalse(a.allows("code.internal.evil", 8080));
        assertTrue(a.allows("127.0.0.1", 9000));
        assertFalse(a.allows("127.0.0.1", 9001));
    }

    @Test
    void ipv6HostPortEntry() {
        Allowlist a = Allowlist.parse("[::1]:8080");
        assertTrue(a.allows("::1", 8080));
        assertTrue(a.allows("[::1]", 8080));
        assertFalse(a.allows("::1", 8081));
    }

    @Test
    void entriesSeparatedByCommasOrWhitespace() {
        Allowlist a = Allowlist.parse(" 10.0.0.0/8,\n127.0.0.1:80\t a.example:1 ,, ");
        assertEquals(List.of("10.0.0.0/8", "127.0.0.1:80", "a.example:1"), a.entries());
        assertTrue(a.allows("10.9.9.9", 1));
        assertTrue(a.allows("a.example", 1));
    }

    @Test
    void mergeAllowsBoth() {
        Allowlist a = Allowlist.parse("10.0.0.0/8").merge(Allowlist.parse("b.example:443"));
        assertTrue(a.allows("10.1.1.1", 5));
        assertTrue(a.allows("b.example", 443));
        assertFalse(a.allows("c.example", 443));
        assertEquals(2, a.entries().size());
    }

    @Test
    void badEntriesRejectedNamingTheEntry() {
        for (String bad : List.of("10.0.0.0/33", "::/129", "10.0.0.0/-1", "10.0.0.0/x", "300.0.0.0/8", "example.com/8",
                "10.0.0/8", "just-a-name", "host:0", "host:65536", "host:", ":80", "::1:80", "[::1]", "a/b:80")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Allowlist.parse("127.0.0.1/8," + bad), bad);
            assertTrue(e.getMessage().contains(bad), e.getMessage());
        }
    }

    @Test
    void hostPortParse() {
        assertEquals(new Allowlist.HostPort("example.com", 443), Allowlist.HostPort.parse("example.com:443"));
        assertEquals(new Allowlist.HostPort("127.0.0.1", 1), Allowlist.HostPort.parse("127.0.0.1:1"));
        assertEquals(new Allowlist.HostPort("::1", 65535), Allowlist.HostPort.parse("[::1]:65535"));
        assertEquals(new Allowlist.HostPort("fd00::a:b", 8080), Allowlist.HostPort.parse(" [fd00::a:b]:8080 "));
    }

    @Test
    void hostPortParseRejects() {
        for (String bad : List.of("example.com", "example.com:", "example.com:0", "example.com:65536", "example.com:-1",
                "example.com:http", ":80", "[::1]", "[::1]:", "[::1]8080", "::1:80", "[]:80", "a b:80", "a/b:80", "a?b:80",
                "a@b:80", "[::1:80", "")) {
            assertThrows(IllegalArgumentException.class, () -> Allowlist.HostPort.parse(bad), bad);
        }
    }
}
