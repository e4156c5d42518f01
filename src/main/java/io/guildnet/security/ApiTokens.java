package io.guildnet.security;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.logging.Logger;

/**
 * The API tokens the Host App accepts and the principal each one stands for.
 *
 * <p>The admin token comes from {@code GUILDNET_API_TOKEN}, else from
 * {@code $GUILDNET_HOME/state/api-token} (generated once, 0600). An optional
 * tokens file maps more tokens to named principals, one {@code name token} pair
 * per line. Comparison is constant-time over SHA-256 digests of every entry.
 */
public final class ApiTokens {

    private static final Logger LOG = Logger.getLogger(ApiTokens.class.getName());
    public static final String ADMIN = "admin";

    private record Entry(byte[] digest, String principal) {}

    private final List<Entry> entries;
    private final String adminToken;
    private final String adminSource;

    private ApiTokens(String adminToken, String adminSource, List<Entry> entries) {
        this.adminToken = adminToken;
        this.adminSource = adminSource;
        this.entries = List.copyOf(entries);
    }

    public static ApiTokens load(Optional<String> envToken, Path tokenFile, Optional<Path> tokensFile) throws IOException {
        String admin;
        String source;
        if (envToken.isPresent()) {
            admin = envToken.get();
            source = "GUILDNET_API_TOKEN";
        } else if (Files.isRegularFile(tokenFile) && !Files.readString(tokenFile).isBlank()) {
            admin = Files.readString(tokenFile, StandardCharsets.UTF_8).trim();
            SecureFiles.restrict(tokenFile);
            source = tokenFile.toString();
        } else {
            byte[] raw = new byte[32];
            new SecureRandom().nextBytes(raw);
            admin = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
            SecureFiles.privateDir(tokenFile.getParent());
            SecureFiles.writeAtomically(tokenFile, (admin + "\n").getBytes(StandardCharsets.UTF_8));
            source = tokenFile.toString();
            LOG.info("Generated the API token into " + tokenFile + " (mode 0600)");
        }
        List<Entry> list = new ArrayList<>();
        list.add(new Entry(sha256(admin), "user:" + ADMIN));
        if (tokensFile.isPresent()) list.addAll(parseTokensFile(tokensFile.get()));
        LOG.info("API token source: " + source + (tokensFile.isPresent() ? "; extra tokens from " + tokensFile.get() : ""));
        return new ApiTokens(admin, source, list);
    }

    static List<Entry> parseTokensFile(Path file) throws IOException {
        List<Entry> out = new ArrayList<>();
        int n = 0;
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            n++;
            String s = line.strip();
            if (s.isEmpty() || s.startsWith("#")) continue;
            String[] parts = s.split("\\s+");
            if (parts.length != 2 || !parts[0].matches("[A-Za-z0-9._@-]{1,64}") || parts[1].length() < 16) {
                throw new IOException("GUILDNET_TOKENS_FILE " + file + " line " + n
                        + ": expected '<name> <token>' with a name of [A-Za-z0-9._@-] and a token of 16+ characters");
            }
            out.add(new Entry(sha256(parts[1]), "user:" + parts[0]));
        }
        return out;
    }

    /** The principal a presented token stands for; every entry is compared so timing does not tell which matched. */
    public Optional<String> principalFor(String presented) {
        if (presented == null || presented.isEmpty()) return Optional.empty();
        byte[] d = sha256(presented);
        String found = null;
        for (Entry e : entries) {
            if (MessageDigest.isEqual(d, e.digest) && found == null) found = e.principal;
        }
        return Optional.ofNullable(found);
    }

    /** For the local CLI and tests only; never logged. */
    public String adminToken() { return adminToken; }

    public String adminSource() { return adminSource; }

    static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
