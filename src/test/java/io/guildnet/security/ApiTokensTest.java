package io.guildnet.security;

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
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ApiTokensTest {

    private static final String ALICE = "alice-token-0123456789";
    private static final String BOB = "bob-token-abcdefghijkl";

    @TempDir
    Path tmp;

    private Path tokenFile() {
        return tmp.resolve("home").resolve("state").resolve("api-token");
    }

    private Path tokensFile(String content) throws IOException {
        Path f = tmp.resolve("tokens.txt");
        Files.writeString(f, content, StandardCharsets.UTF_8);
        return f;
    }

    @Test
    void generatesPrivateAdminTokenFileWhenNoneConfigured() throws IOException {
        ApiTokens t = ApiTokens.load(Optional.empty(), tokenFile(), Optional.empty());

        assertTrue(Files.isRegularFile(tokenFile()));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(tokenFile()));
        assertEquals(t.adminToken(), Files.readString(tokenFile()).trim());
        assertTrue(t.adminToken().length() >= 32, "long random token");
        assertEquals(Optional.of("user:admin"), t.principalFor(t.adminToken()));
        assertEquals(tokenFile().toString(), t.adminSource());
    }

    @Test
    void generatedTokenIsReusedOnNextLoad() throws IOException {
        ApiTokens first = ApiTokens.load(Optional.empty(), tokenFile(), Optional.empty());
        ApiTokens second = ApiTokens.load(Optional.empty(), tokenFile(), Optional.empty());

        assertEquals(first.adminToken(), second.adminToken());
        assertEquals(Optional.of("user:admin"), second.principalFor(first.adminToken()));
    }

    @Test
    void generatedTokensDifferBetweenHomes() throws IOException {
        ApiTokens a = ApiTokens.load(Optional.empty(), tmp.resolve("a/api-token"), Optional.empty());
        ApiTokens b = ApiTokens.load(Optional.empty(), tmp.resolve("b/api-token"), Optional.empty());
        assertNotEquals(a.adminToken(), b.adminToken());
    }

    @Test
    void existingTokenFileIsReadTrimmedAndRestricted() throws IOException {
        Path f = tmp.resolve("api-token");
        Files.writeString(f, "  file-token-value-123456  \n");
        Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));

        ApiTokens t = ApiTokens.load(Optional.empty(), f, Optional.empty());

        assertEquals("file-token-value-123456", t.adminToken());
        assertEquals(Optional.of("user:admin"), t.principalFor("file-token-value-123456"));
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(f));
    }

    @Test
    void envTokenWinsOverTokenFile() throws IOException {
        ApiTokens generated = ApiTokens.load(Optional.empty(), tokenFile(), Optional.empty());

        ApiTokens t = ApiTokens.load(Optional.of("env-token-value-7890"), tokenFile(), Optional.empty());

        assertEquals(Optional.of("user:admin"), t.principalFor("env-token-value-7890"));
        assertEquals(Optional.empty(), t.principalFor(generated.adminToken()));
        assertEquals("GUILDNET_API_TOKEN", t.adminSource());
    }

    @Test
    void envTokenDoesNotWriteATokenFile() throws IOException {
        ApiTokens.load(Optional.of("env-token-value-7890"), tokenFile(), Optional.empty());
        assertFalse(Files.exists(tokenFile()));
    }

    @Test
    void tokensFileMapsTokensToNamedPrincipalsIgnoringCommentsAndBlankLines() throws IOException {
        Path f = tokensFile("# extra tokens\n\n  alice " + ALICE + "\n   \n\tbob\t" + BOB + "  \n# trailing comment\n");

        ApiTokens t = ApiTokens.load(Optional.of("admin-token-value-1234"), tokenFile(), Optional.of(f));

        assertEquals(Optional.of("user:alice"), t.principalFor(ALICE));
        assertEquals(Optional.of("user:bob"), t.principalFor(BOB));
        assertEquals(Optional.of("user:admin"), t.principalFor("admin-token-value-1234"));
    }

    @Test
    void unknownEmptyOrNullTokenHasNoPrincipal() throws IOException {
        Path f = tokensFile("alice " + ALICE + "\n");
        ApiTokens t = ApiTokens.load(Optional.of("admin-token-value-1234"), tokenFile(), Optional.of(f));

        assertEquals(Optional.empty(), t.principalFor("not-a-known-token-000"));
        assertEquals(Optional.empty(), t.principalFor(ALICE + "x"));
        assertEquals(Optional.empty(), t.principalFor(ALICE.substring(1)));
        assertEquals(Optional.empty(), t.principalFor("alice"));
        assertEquals(Optional.empty(), t.principalFor(""));
        assertEquals(Optional.empty(), t.principalFor(null));
    }

    @Test
    void lineWithOneFieldIsRejectedNamingTheLine() throws IOException {
        Path f = tokensFile("# header\nalice " + ALICE + "\nbob\n");

        IOException e = assertThrows(IOException.class,
                () -> ApiTokens.load(Optional.of("admin-token-value-1234"), tokenFile(), Optional.of(f)));
        assertTrue(e.getMessage().contains("line 3"), e.getMessage());
        assertFalse(e.getMessage().contains(ALICE), "message does not echo tokens");
    }

    @Test
    void tokenShorterThanSixteenCharactersIsRejectedNamingTheLine() throws IOException {
        Path f = tokensFile("alice 0123456789abcde\n"); // 15 characters

        IOException e = assertThrows(IOException.class,
                () -> ApiTokens.load(Optional.of("admin-token-value-1234"), tokenFile(), Optional.of(f)));
        assertTrue(e.getMessage().contains("line 1"), e.getMessage());
    }

    @Test
    void tokenOfExactlySixteenCharactersIsAccepted() throws IOException {
        Path f = tokensFile("alice 0123456789abcdef\n");
        ApiTokens t = ApiTokens.load(Optional.of("admin-token-value-1234"), tokenFile(), Optional.of(f));
        assertEquals(Optional.of("user:alice"), t.principalFor("0123456789abcdef"));
    }

    @Test
    void lineWithThreeFieldsOrABadNameIsRejected() throws IOException {
        Path three = tokensFile("alice " + ALICE + " extra\n");
        IOException e1 = assertThrows(IOException.class,
                () -> ApiTokens.load(Optional.of("admin-token-value-1234"), tokenFile(), Optional.of(three)));
        assertTrue(e1.getMessage().contains("line 1"), e1.getMessage());

        Path badName = tokensFile("\nal/ice " + ALICE + "\n");
        IOException e2 = assertThrows(IOException.class,
                () -> ApiTokens.load(Optional.of("admin-token-value-1234"), tokenFile(), Optional.of(badName)));
        assertTrue(e2.getMessage().contains("line 2"), e2.getMessage());
    }
}
