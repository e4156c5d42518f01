package io.guildnet.security;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

class MasterKeyTest {

    @TempDir
    Path tmp;

    @ParameterizedTest
    @NullSource
    @ValueSource(strings = {"", " ", "\t\n  "})
    void emptyOrBlankPassphraseIsRejectedNeverAZeroKey(String passphrase) {
        assertThrows(IllegalArgumentException.class, () -> MasterKey.fromPassphrase(passphrase, "test"));
    }

    @Test
    void samePassphraseGivesSameKeyAndDifferentPassphraseAnotherKey() {
        MasterKey a1 = MasterKey.fromPassphrase("correct horse", "a");
        MasterKey a2 = MasterKey.fromPassphrase("correct horse", "b");
        MasterKey b = MasterKey.fromPassphrase("battery staple", "c");
        assertEquals(a1.id(), a2.id());
        assertArrayEquals(a1.derive("secrets", 32), a2.derive("secrets", 32));
        assertNotEquals(a1.id(), b.id());
        assertFalse(java.util.Arrays.equals(a1.derive("secrets", 32), b.derive("secrets", 32)));
    }

    @Test
    void passphraseSurroundingWhitespaceIsIgnored() {
        assertEquals(MasterKey.fromPassphrase("passphrase", "x").id(), MasterKey.fromPassphrase("  passphrase\n", "x").id());
    }

    @Test
    void idIsShortHexFingerprintThatDoesNotRevealThePassphrase() {
        MasterKey k = MasterKey.fromPassphrase("my-secret-passphrase", "x");
        assertTrue(k.id().matches("[0-9a-f]{12}"), k.id());
        assertFalse(k.id().contains("secret"));
    }

    @Test
    void subKeysDifferByPurposeAndHaveRequestedLength() {
        MasterKey k = MasterKey.fromPassphrase("p", "x");
        byte[] secrets = k.derive("secrets", 32);
        byte[] session = k.derive("session", 32);
        assertEquals(32, secrets.length);
        assertEquals(16, k.derive("secrets", 16).length);
        assertFalse(java.util.Arrays.equals(secrets, session));
    }

    @Test
    void sourceIsRecorded() {
        assertEquals("GUILDNET_MASTER_KEY", MasterKey.fromPassphrase("p", "GUILDNET_MASTER_KEY").source());
    }

    @Test
    void loadWithoutEnvGeneratesPrivateKeyFileOnceAndReusesIt() throws IOException {
        Path keyFile = tmp.resolve("home").resolve("state").resolve("master.key");

        MasterKey first = MasterKey.load(Optional.empty(), keyFile);

        assertTrue(Files.isRegularFile(keyFile));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(keyFile));
        assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(keyFile.getParent()));
        String content = Files.readString(keyFile, StandardCharsets.US_ASCII).trim();
        assertEquals(32, Base64.getDecoder().decode(content).length, "256-bit random key");
        assertEquals(keyFile.toString(), first.source());

        MasterKey second = MasterKey.load(Optional.empty(), keyFile);
        assertEquals(first.id(), second.id());
        assertEquals(content, Files.readString(keyFile, StandardCharsets.US_ASCII).trim(), "key file not rewritten");
        assertEquals(MasterKey.fromPassphrase(content, "x").id(), first.id());
    }

    @Test
    void twoGeneratedKeyFilesHoldDifferentKeys() throws IOException {
        MasterKey a = MasterKey.load(Optional.empty(), tmp.resolve("a/master.key"));
        MasterKey b = MasterKey.load(Optional.empty(), tmp.resolve("b/master.key"));
        assertNotEquals(a.id(), b.id());
    }

    @Test
    void loadTightensPermissionsOfAnExistingKeyFile() throws IOException {
        Path keyFile = tmp.resolve("master.key");
        Files.writeString(keyFile, "existing-passphrase\n");
        Files.setPosixFilePermissions(keyFile, PosixFilePermissions.fromString("rw-r--r--"));

        MasterKey k = MasterKey.load(Optional.empty(), keyFile);

        assertEquals(MasterKey.fromPassphrase("existing-passphrase", "x").id(), k.id());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(keyFile));
    }

    @Test
    void envPassphraseWinsOverKeyFile() throws IOException {
        Path keyFile = tmp.resolve("state/master.key");
        MasterKey fromFile = MasterKey.load(Optional.empty(), keyFile);

        MasterKey fromEnv = MasterKey.load(Optional.of("env passphrase"), keyFile);

        assertEquals(MasterKey.fromPassphrase("env passphrase", "x").id(), fromEnv.id());
        assertNotEquals(fromFile.id(), fromEnv.id());
        assertEquals("GUILDNET_MASTER_KEY", fromEnv.source());
    }

    @Test
    void envPassphraseDoesNotCreateAKeyFile() throws IOException {
        Path keyFile = tmp.resolve("state/master.key");
        MasterKey.load(Optional.of("env passphrase"), keyFile);
        assertFalse(Files.exists(keyFile));
    }

    @Test
    void blankEnvPassphraseIsRejected() {
        assertThrows(IllegalArgumentException.class, () -> MasterKey.load(Optional.of("  "), tmp.resolve("master.key")));
    }

    @Test
    void emptyKeyFileIsAnErrorNotANewKey() throws IOException {
        Path keyFile = tmp.resolve("master.key");
        Files.writeString(keyFile, "  \n");
        IOException e = assertThrows(IOException.class, () -> MasterKey.load(Optional.empty(), keyFile));
        assertTrue(e.getMessage().contains(keyFile.toString()), e.getMessage());
        assertEquals("  \n", Files.readString(keyFile), "file left as it was");
    }

    @Test
    void randomPassphrasesDifferAndAreUsable() {
        String a = MasterKey.randomPassphrase();
        String b = MasterKey.randomPassphrase();
        assertNotEquals(a, b);
        assertEquals(32, Base64.getDecoder().decode(a).length);
        assertNotEquals(MasterKey.fromPassphrase(a, "x").id(), MasterKey.fromPassphrase(b, "x").id());
    }
}
