package io.guildnet.security;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signed, stateless session cookies for the browser UI (iframes, EventSource and
 * WebSockets cannot carry an Authorization header).
 *
 * <p>Value: {@code base64url(principal).expiry.nonce.base64url(HMAC-SHA256)} with a
 * key derived from the master key, so sessions survive a restart of the Host App
 * and all end when the master key is rotated.
 */
public final class SessionCookies {

    public static final String NAME = "gn_session";

    private final SecretKeySpec key;
    private final long ttlSeconds;
    private final Clock clock;
    private final SecureRandom random = new SecureRandom();

    public SessionCookies(MasterKey master, long ttlSeconds, Clock clock) {
        this.key = new SecretKeySpec(master.derive("session/hmac-sha256", 32), "HmacSHA256");
        this.ttlSeconds = ttlSeconds;
        this.clock = clock;
    }

    public long ttlSeconds() { return ttlSeconds; }

    public String issue(String principal) {
        long exp = clock.instant().getEpochSecond() + ttlSeconds;
        byte[] n = new byte[9];
        random.nextBytes(n);
        String body = b64(principal.getBytes(StandardCharsets.UTF_8)) + "." + exp + "." + b64(n);
        return body + "." + b64(mac(body));
    }

    public Optional<String> verify(String value) {
        if (value == null || value.length() > 1024) return Optional.empty();
        int last = value.lastIndexOf('.');
        if (last <= 0) return Optional.empty();
        String body = value.substring(0, last);
        byte[] sig;
        try {
            sig = Base64.getUrlDecoder().decode(value.substring(last + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (!MessageDigest.isEqual(sig, mac(body))) return Optional.empty();
        String[] parts = body.split("\\.");
        if (parts.length != 3) return Optional.empty();
        try {
            long exp = Long.parseLong(parts[1]);
            if (clock.instant().getEpochSecond() >= exp) return Optional.empty();
            return Optional.of(new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    private byte[] mac(String body) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m.doFinal(body.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String b64(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
