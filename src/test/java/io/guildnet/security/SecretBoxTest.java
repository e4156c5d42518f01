package io.guildnet.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Base64;
import org.junit.jupiter.api.Test;

class SecretBoxTest {

    private static final String PLAINTEXT = "kubeconfig-secret-VALUE-42";

    private final MasterKey key = MasterKey.fromPassphrase("first key", "test");
    private final MasterKey otherKey = MasterKey.fromPassphrase("second key", "test");
    private final SecretBox box = new SecretBox(key);

    @Test
    void roundTripReturnsThePlaintext() throws SecretException {
        String env = box.encrypt(PLAINTEXT, "cred-1");
        assertEquals(PLAINTEXT, box.decrypt(env, "cred-1"));
    }

    @Test
    void roundTripKeepsUnicodeAndEmptyValues() throws SecretException {
        String text = "pässwörd ✓ 秘密";
        assertEquals(text, box.decrypt(box.encrypt(text, "c"), "c"));
        assertEquals("", box.decrypt(box.encrypt("", "c"), "c"));
    }

    @Test
    void anotherBoxOverTheSameKeyDecrypts() throws SecretException {
        String env = box.encrypt(PLAINTEXT, "cred-1");
        SecretBox again = new SecretBox(MasterKey.fromPassphrase("first key", "elsewhere"));
        assertEquals(PLAINTEXT, again.decrypt(env, "cred-1"));
    }

    @Test
    void samePlaintextEncryptsToDifferentEnvelopes() throws SecretException {
        String a = box.encrypt(PLAINTEXT, "cred-1");
        String b = box.encrypt(PLAINTEXT, "cred-1");
        assertNotEquals(a, b);
        assertEquals(PLAINTEXT, box.decrypt(a, "cred-1"));
        assertEquals(PLAINTEXT, box.decrypt(b, "cred-1"));
    }

    @Test
    void envelopeStartsWithVersionAndKeyIdAndHidesPlaintext() {
        String env = box.encrypt(PLAINTEXT, "cred-1");
        assertTrue(env.startsWith("gn1:" + key.id() + ":"), env);
        assertEquals(key.id(), box.keyId());
        assertEquals(key.id(), SecretBox.keyIdOf(env));
        assertFalse(env.contains(PLAINTEXT));
        String payload = env.substring(("gn1:" + key.id() + ":").length());
        // 12-byte nonce + ciphertext (same length as plaintext) + 16-byte tag
        assertEquals(12 + PLAINTEXT.length() + 16, Base64.getDecoder().decode(payload).length);
    }

    @Test
    void decryptingWithAnotherKeyFailsNamingBothKeyIdsButNotThePlaintext() {
        String env = box.encrypt(PLAINTEXT, "cred-1");
        SecretBox wrong = new SecretBox(otherKey);
        SecretException e = assertThrows(SecretException.class, () -> wrong.decrypt(env, "cred-1"));
        assertTrue(e.getMessage().contains(key.id()), e.getMessage());
        assertTrue(e.getMessage().contains(otherKey.id()), e.getMessage());
        assertFalse(e.getMessage().contains(PLAINTEXT), e.getMessage());
    }

    @Test
    void decryptingUnderAnotherContextFails() {
        String env = box.encrypt(PLAINTEXT, "cred-1");
        SecretException e = assertThrows(SecretException.class, () -> box.decrypt(env, "cred-2"));
        assertFalse(e.getMessage().contains(PLAINTEXT), e.getMessage());
    }

    @Test
    void tamperedCiphertextFails() {
        String env = box.encrypt(PLAINTEXT, "cred-1");
        String prefix = "gn1:" + key.id() + ":";
        byte[] raw = Base64.getDecoder().decode(env.substring(prefix.length()));
        for (int i : new int[] {0, 12, raw.length - 1}) { // nonce, ciphertext, tag
            byte[] copy = raw.clone();
            copy[i] ^= 0x01;
            String tampered = prefix + Base64.getEncoder().encodeToString(copy);
            assertThrows(SecretException.class, () -> box.decrypt(tampered, "cred-1"), "flipped byte " + i);
        }
    }

    @Test
    void truncatedOrMalformedEnvelopesFail() {
        String env = box.encrypt(PLAINTEXT, "cred-1");
        String prefix = "gn1:" + key.id() + ":";
        assertThrows(SecretException.class, () -> box.decrypt(env.substring(0, env.length() - 4), "cred-1"));
        assertThrows(SecretException.class, () -> box.decrypt(prefix + "AAAA", "cred-1"));
        assertThrows(SecretException.class, () -> box.decrypt(prefix + "!!not base64!!", "cred-1"));
        assertThrows(SecretException.class, () -> box.decrypt("gn1:" + key.id(), "cred-1"));
    }

    @Test
    void plaintextOrNullIsNotAnEnvelope() {
        assertThrows(SecretException.class, () -> box.decrypt(PLAINTEXT, "cred-1"));
        assertThrows(SecretException.class, () -> box.decrypt(null, "cred-1"));
        assertNull(SecretBox.keyIdOf(PLAINTEXT));
        assertNull(SecretBox.keyIdOf(null));
        assertNull(SecretBox.keyIdOf("gn1:nokeyid"));
    }
}
