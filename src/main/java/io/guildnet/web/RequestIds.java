package io.guildnet.web;

import java.security.SecureRandom;
import java.util.HexFormat;

/** Request ids: a sane incoming {@code X-Request-Id} is kept, otherwise 32 random hex characters. */
public final class RequestIds {

    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestIds() {}

    public static String accept(String incoming) {
        if (incoming != null) {
            String s = incoming.trim();
            if (!s.isEmpty() && s.length() <= 128 && s.matches("[A-Za-z0-9._:-]+")) return s;
        }
        return generate();
    }

    public static String generate() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return HexFormat.of().formatHex(b);
    }
}
