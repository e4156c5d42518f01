package io.guildnet.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The key material behind every secret at rest.
 *
 * <p>From {@code GUILDNET_MASTER_KEY} (any non-empty passphrase; stretched with
 * HKDF, never zero-padded) or, without it, a random 256-bit key generated once
 * into {@code $GUILDNET_HOME/state/master.key} (0600). An empty value is never a key.
 */
public final class MasterKey {

    private static final byte[] SALT = "guildnet/master-key/v1".getBytes(StandardCharsets.UTF_8);

    private final byte[] root;
    private final String source;
    private final String id;

    private MasterKey(byte[] root, String source) {
        this.root = root;
        this.source = source;
        this.id = HexFormat.of().formatHex(derive("key-id", 6));
    }

    /** A key from a passphrase (env var or a rotation request). */
    public static MasterKey fromPassphrase(String passphrase, String source) {
        if (passphrase == null || passphrase.isBlank()) {
            throw new IllegalArgumentException("master key must not be empty");
        }
        byte[] ikm = passphrase.trim().getBytes(StandardCharsets.UTF_8);
        return new MasterKey(Hkdf.extract(SALT, ikm), source);
    }

    /** The configured key, or the generated key file (created once). */
    public static MasterKey load(Optional<String> envKey, Path keyFile) throws IOException {
        if (envKey.isPresent()) return fromPassphrase(envKey.get(), "GUILDNET_MASTER_KEY");
        if (Files.isRegularFile(keyFile)) {
            String s = Files.readString(keyFile, StandardCharsets.US_ASCII).trim();
            if (s.isEmpty()) throw new IOException("master key file " + keyFile + " is empty; restore it or remove it only if no secrets are stored");
            SecureFiles.restrict(keyFile);
            return fromPassphrase(s, keyFile.toString());
        }
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        String encoded = Base64.getEncoder().encodeToString(raw);
        SecureFiles.privateDir(keyFile.getParent());
        SecureFiles.writeAtomically(keyFile, (encoded + "\n").getBytes(StandardCharsets.US_ASCII));
        return fromPassphrase(encoded, keyFile.toString());
    }

    /** Generates a fresh random passphrase (for rotation to a file-held key). */
    public static String randomPassphrase() {
        byte[] raw = new byte[32];
        new SecureRandom().nextBytes(raw);
        return Base64.getEncoder().encodeToString(raw);
    }

    /** A sub-key for one purpose ("secrets", "session", ...). */
    public byte[] derive(String purpose, int length) {
        return Hkdf.expand(root, ("guildnet/" + purpose).getBytes(StandardCharsets.UTF_8), length);
    }

    /** A short public fingerprint that tells keys apart without revealing them. */
    public String id() { return id; }

    /** Where the key came from (env var name or file path), for log messages. */
    public String source() { return source; }
}
