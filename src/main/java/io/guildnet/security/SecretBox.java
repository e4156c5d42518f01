package io.guildnet.security;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * AES-256-GCM for secrets at rest.
 *
 * <p>Envelope: {@code gn1:<keyId>:<base64(nonce ‖ ciphertext ‖ tag)>}. The key id
 * tells a wrong key apart from a damaged value; the context (e.g. the credential
 * id) is bound as associated data, so a ciphertext moved to another record fails.
 */
public final class SecretBox {

    public static final String PREFIX = "gn1:";
    private static final int NONCE = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec key;
    private final String keyId;
    private final SecureRandom random = new SecureRandom();

    public SecretBox(MasterKey master) {
        this.key = new SecretKeySpec(master.derive("secrets/aes-256-gcm", 32), "AES");
        this.keyId = master.id();
    }

    public String keyId() { return keyId; }

    public String encrypt(String plaintext, String context) {
        try {
            byte[] nonce = new byte[NONCE];
            random.nextBytes(nonce);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = ByteBuffer.allocate(NONCE + ct.length).put(nonce).put(ct).array();
            return PREFIX + keyId + ":" + Base64.getEncoder().encodeToString(out);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    public String decrypt(String envelope, String context) throws SecretException {
        if (envelope == null || !envelope.startsWith(PREFIX)) {
            throw new SecretException("not an encrypted value");
        }
        int sep = envelope.indexOf(':', PREFIX.length());
        if (sep < 0) throw new SecretException("malformed encrypted value");
        String id = envelope.substring(PREFIX.length(), sep);
        if (!id.equals(keyId)) {
            throw new SecretException("secret was encrypted with master key " + id
                    + " but the configured master key is " + keyId
                    + "; set GUILDNET_MASTER_KEY (or state/master.key) back to the key that wrote it");
        }
        byte[] raw;
        try {
            raw = Base64.getDecoder().decode(envelope.substring(sep + 1));
        } catch (IllegalArgumentException e) {
            throw new SecretException("malformed encrypted value");
        }
        if (raw.length < NONCE + TAG_BITS / 8) throw new SecretException("malformed encrypted value");
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, raw, 0, NONCE));
            c.updateAAD(context.getBytes(StandardCharsets.UTF_8));
            byte[] pt = c.doFinal(raw, NONCE, raw.length - NONCE);
            return new String(pt, StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new SecretException("encrypted value failed authentication (damaged, or stored under another record)");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Key id recorded in an envelope, or null when it is not one. */
    public static String keyIdOf(String envelope) {
        if (envelope == null || !envelope.startsWith(PREFIX)) return null;
        int sep = envelope.indexOf(':', PREFIX.length());
        return sep < 0 ? null : envelope.substring(PREFIX.length(), sep);
    }
}
