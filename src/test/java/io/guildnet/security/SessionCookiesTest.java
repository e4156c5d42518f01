package io.guildnet.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class SessionCookiesTest {

    private static final long TTL = 3600;

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private Instant now;

        MutableClock(Instant start) { this.now = start; }

        void advance(Duration d) { now = now.plus(d); }

        @Override public ZoneId getZone() { return ZoneOffset.UTC; }

        @Override public Clock withZone(ZoneId zone) { return this; }

        @Override public Instant instant() { return now; }
    }

    private final MasterKey key = MasterKey.fromPassphrase("session test key", "test");
    private final MutableClock clock = new MutableClock(Instant.parse("2030-01-01T00:00:00Z"));
    private final SessionCookies cookies = new SessionCookies(key, TTL, clock);

    @Test
    void issuedCookieVerifiesToItsPrincipal() {
        String v = cookies.issue("user:alice");
        assertEquals(Optional.of("user:alice"), cookies.verify(v));
    }

    @Test
    void cookieSurvivesARestartWithTheSameMasterKey() {
        String v = cookies.issue("user:alice");
        SessionCookies restarted = new SessionCookies(MasterKey.fromPassphrase("session test key", "again"), TTL, clock);
        assertEquals(Optional.of("user:alice"), restarted.verify(v));
    }

    @Test
    void eachIssueIsDistinct() {
        assertNotEquals(cookies.issue("user:alice"), cookies.issue("user:alice"));
    }

    @Test
    void cookieWithSwappedPrincipalIsRejected() {
        String v = cookies.issue("user:alice");
        String forged = b64("user:admin") + v.substring(v.indexOf('.'));
        assertEquals(Optional.empty(), cookies.verify(forged));
    }

    @Test
    void cookieWithExtendedExpiryIsRejected() {
        String v = cookies.issue("user:alice");
        String[] p = v.split("\\.");
        long exp = Long.parseLong(p[1]);
        String forged = p[0] + "." + (exp + 100_000) + "." + p[2] + "." + p[3];
        assertEquals(Optional.empty(), cookies.verify(forged));
    }

    @Test
    void cookieWithDamagedSignatureIsRejected() {
        String v = cookies.issue("user:alice");
        char last = v.charAt(v.length() - 2);
        String damaged = v.substring(0, v.length() - 2) + (last == 'A' ? 'B' : 'A') + v.charAt(v.length() - 1);
        assertEquals(Optional.empty(), cookies.verify(damaged));
        assertEquals(Optional.empty(), cookies.verify(v.substring(0, v.lastIndexOf('.'))));
    }

    @Test
    void cookieSignedUnderAnotherMasterKeyIsRejected() {
        SessionCookies other = new SessionCookies(MasterKey.fromPassphrase("another key", "test"), TTL, clock);
        String v = other.issue("user:alice");
        assertEquals(Optional.of("user:alice"), other.verify(v));
        assertEquals(Optional.empty(), cookies.verify(v));
    }

    @Test
    void cookieIsValidUntilJustBeforeExpiryAndRejectedFromThen() {
        String v = cookies.issue("user:alice");
        clock.advance(Duration.ofSeconds(TTL - 1));
        assertEquals(Optional.of("user:alice"), cookies.verify(v));
        clock.advance(Duration.ofSeconds(1));
        assertEquals(Optional.empty(), cookies.verify(v));
        clock.advance(Duration.ofDays(30));
        assertEquals(Optional.empty(), cookies.verify(v));
    }

    @Test
    void garbageValuesAreRejected() {
        assertEquals(Optional.empty(), cookies.verify(null));
        assertEquals(Optional.empty(), cookies.verify(""));
        assertEquals(Optional.empty(), cookies.verify("no-dots-here"));
        assertEquals(Optional.empty(), cookies.verify(".sig"));
        assertEquals(Optional.empty(), cookies.verify("a.b.c.!!!"));
        assertEquals(Optional.empty(), cookies.verify("x".repeat(2000)));
    }

    @Test
    void ttlIsReported() {
        assertEquals(TTL, cookies.ttlSeconds());
    }

    private static String b64(String s) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes(StandardCharsets.UTF_8));
    }
}
