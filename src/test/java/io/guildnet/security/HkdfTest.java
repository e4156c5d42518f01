package io.guildnet.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

class HkdfTest {

    private static final HexFormat HEX = HexFormat.of();

    // RFC 5869, appendix A.1 (test case 1, SHA-256).
    private static final byte[] TC1_IKM = HEX.parseHex("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b");
    private static final byte[] TC1_SALT = HEX.parseHex("000102030405060708090a0b0c");
    private static final byte[] TC1_INFO = HEX.parseHex("f0f1f2f3f4f5f6f7f8f9");
    private static final String TC1_PRK = "077709362c2e32df0ddc3f0dc47bba6390b6c73bb50f9c3122ec844ad7c2b3e5";
    private static final String TC1_OKM =
            "3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf34007208d5b887185865";

    @Test
    void extractMatchesRfc5869TestCase1Prk() {
        assertEquals(TC1_PRK, HEX.formatHex(Hkdf.extract(TC1_SALT, TC1_IKM)));
    }

    @Test
    void expandMatchesRfc5869TestCase1Okm() {
        assertEquals(TC1_OKM, HEX.formatHex(Hkdf.expand(HEX.parseHex(TC1_PRK), TC1_INFO, 42)));
    }

    @Test
    void deriveMatchesRfc5869TestCase1Okm() {
        assertEquals(TC1_OKM, HEX.formatHex(Hkdf.derive(TC1_SALT, TC1_IKM, TC1_INFO, 42)));
    }

    @Test
    void deriveEqualsExpandOfExtract() {
        byte[] salt = "some salt".getBytes(StandardCharsets.UTF_8);
        byte[] ikm = "input keying material".getBytes(StandardCharsets.UTF_8);
        byte[] info = "context".getBytes(StandardCharsets.UTF_8);
        for (int len : new int[] {1, 32, 33, 100}) {
            assertArrayEquals(Hkdf.expand(Hkdf.extract(salt, ikm), info, len), Hkdf.derive(salt, ikm, info, len),
                    "length " + len);
        }
    }

    @Test
    void missingSaltAndInfoBehaveAsRfc5869TestCase3() {
        // RFC 5869, appendix A.3: zero-length salt (treated as 32 zero bytes) and info.
        assertEquals("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d9d201395faa4b61a96c8",
                HEX.formatHex(Hkdf.derive(null, TC1_IKM, null, 42)));
        assertArrayEquals(Hkdf.derive(new byte[0], TC1_IKM, new byte[0], 42), Hkdf.derive(null, TC1_IKM, null, 42));
    }

    @Test
    void shorterOutputIsPrefixOfLongerOutput() {
        byte[] prk = HEX.parseHex(TC1_PRK);
        byte[] longer = Hkdf.expand(prk, TC1_INFO, 42);
        byte[] shorter = Hkdf.expand(prk, TC1_INFO, 10);
        assertEquals(HEX.formatHex(longer).substring(0, 20), HEX.formatHex(shorter));
    }

    @Test
    void expandRejectsNonPositiveOrOverlongLength() {
        byte[] prk = HEX.parseHex(TC1_PRK);
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(prk, TC1_INFO, 0));
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(prk, TC1_INFO, -1));
        assertThrows(IllegalArgumentException.class, () -> Hkdf.expand(prk, TC1_INFO, 255 * 32 + 1));
        assertEquals(255 * 32, Hkdf.expand(prk, TC1_INFO, 255 * 32).length);
    }
}
