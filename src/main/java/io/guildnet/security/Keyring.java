package io.guildnet.security;

import io.guildnet.api.ApiException;
import io.guildnet.config.GuildNetConfig;
import io.guildnet.store.Credential;
import io.guildnet.store.StateStore;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The master key and everything derived from it: encryption of stored secrets,
 * the session-cookie key, and key rotation.
 *
 * <p>On start the key is checked against a value encrypted under it. A wrong key
 * leaves the Host App running but refuses every secret operation (503
 * {@code master_key_mismatch}) and fails readiness, changing nothing on disk.
 */
@ApplicationScoped
public class Keyring {

    private static final Logger LOG = Logger.getLogger(Keyring.class.getName());
    static final String CHECK_KEY = "master_key_check";
    static final String CHECK_CONTEXT = "meta:master_key_check";
    static final String CHECK_PLAIN = "guildnet-master-key-check";

    @Inject
    GuildNetConfig config;

    @Inject
    StateStore store;

    private volatile MasterKey master;
    private volatile SecretBox box;
    private volatile SessionCookies sessions;
    private volatile String problem;

    @PostConstruct
    void init() {
        Path keyFile = keyFile();
        try {
            MasterKey key = MasterKey.load(config.masterKey(), keyFile);
            Path pending = pendingKeyFile();
            if (config.masterKey().isEmpty() && Files.isRegularFile(pending) && !matches(key)) {
                // A rotation committed the database but crashed before promoting the new key file.
                MasterKey next = MasterKey.fromPassphrase(Files.readString(pending).trim(), keyFile.toString());
                if (matches(next)) {
                    Files.move(pending, keyFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
                    key = next;
                    LOG.info("Completed an interrupted master key rotation (promoted " + pending + ")");
                }
            }
            install(key);
            verifyOrRecord(key);
        } catch (IOException e) {
            problem = "cannot load the master key: " + e.getMessage();
            LOG.severe(problem);
        }
    }

    private void install(MasterKey key) {
        this.master = key;
        this.box = new SecretBox(key);
        this.sessions = new SessionCookies(key, config.sessionTtlSeconds(), Clock.systemUTC());
    }

    private void verifyOrRecord(MasterKey key) {
        SecretBox b = new SecretBox(key);
        Optional<String> check = store.read(c -> store.meta().get(c, CHECK_KEY));
        if (check.isPresent()) {
            try {
                b.decrypt(check.get(), CHECK_CONTEXT);
                problem = null;
            } catch (SecretException e) {
                problem = "the master key (" + key.source() + ", id " + key.id() + ") is not the key that encrypted the stored secrets (id "
                        + SecretBox.keyIdOf(check.get()) + "). Set GUILDNET_MASTER_KEY back to the original key; nothing was changed.";
                LOG.severe(problem);
            }
        } else {
            store.write(c -> {
                store.meta().put(c, CHECK_KEY, b.encrypt(CHECK_PLAIN, CHECK_CONTEXT));
                return null;
            });
            problem = null;
        }
        if (problem == null) LOG.info("Master key loaded from " + key.source() + " (id " + key.id() + ")");
    }

    private boolean matches(MasterKey key) {
        Optional<String> check = store.read(c -> store.meta().get(c, CHECK_KEY));
        if (check.isEmpty()) return true;
        try {
            new SecretBox(key).decrypt(check.get(), CHECK_CONTEXT);
            return true;
        } catch (SecretException e) {
            return false;
        }
    }

    Path keyFile() { return config.stateDir().resolve("master.key"); }

    Path pendingKeyFile() { return config.stateDir().resolve("master.key.new"); }

    /** Null when the key is usable, else why not. */
    public String problem() { return problem; }

    public String keyId() { return master == null ? null : master.id(); }

    public SecretBox box() {
        requireUsable();
        return box;
    }

    public SessionCookies sessions() {
        requireUsable();
        return sessions;
    }

    /** Session cookies even while secrets are unusable (logins keep working); null only if no key loaded. */
    public SessionCookies sessionsOrNull() { return sessions; }

    public MasterKey master() { return master; }

    private void requireUsable() {
        if (problem != null || box == null) {
            throw new ApiException(503, "master_key_mismatch", problem == null ? "master key not loaded" : problem);
        }
    }

    /**
     * Re-encrypts every stored credential under a new key in one transaction.
     *
     * @param newPassphrase the new key; null generates one (only when the key is held in the key file)
     * @return the number of credentials re-encrypted
     */
    public synchronized Rotation rotate(String newPassphrase) {
        requireUsable();
        boolean fileHeld = config.masterKey().isEmpty();
        if (newPassphrase == null && !fileHeld) {
            throw ApiException.badRequest("new_key_required",
                    "the master key comes from GUILDNET_MASTER_KEY: give the new key as new_key, then update the variable before the next restart");
        }
        String passphrase = newPassphrase == null ? MasterKey.randomPassphrase() : newPassphrase;
        MasterKey next = MasterKey.fromPassphrase(passphrase, fileHeld ? keyFile().toString() : "GUILDNET_MASTER_KEY (rotated)");
        if (next.id().equals(master.id())) throw ApiException.badRequest("same_key", "the new key is the current key");
        SecretBox oldBox = box;
        SecretBox newBox = new SecretBox(next);
        try {
            if (fileHeld) {
                SecureFiles.writeAtomically(pendingKeyFile(), (passphrase + "\n").getBytes(StandardCharsets.US_ASCII));
            }
            int n = store.write(c -> {
                List<Credential> all = store.credentials().all(c);
                List<Credential> out = new ArrayList<>(all.size());
                for (Credential cr : all) {
                    String plain;
                    try {
                        plain = oldBox.decrypt(cr.value(), cr.id());
                    } catch (SecretException e) {
                        throw new ApiException(409, "credential_unreadable",
                                "credential " + cr.id() + " cannot be decrypted with the current key: " + e.getMessage());
                    }
                    out.add(new Credential(cr.id(), cr.scopeType(), cr.scopeId(), cr.kind(),
                            newBox.encrypt(plain, cr.id()), Instant.now().toString()));
                }
                for (Credential cr : out) store.credentials().put(c, cr);
                store.meta().put(c, CHECK_KEY, newBox.encrypt(CHECK_PLAIN, CHECK_CONTEXT));
                return out.size();
            });
            if (fileHeld) {
                Files.move(pendingKeyFile(), keyFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
            install(next);
            LOG.info("Master key rotated to id " + next.id() + "; " + n + " credentials re-encrypted");
            return new Rotation(n, next.id(), fileHeld);
        } catch (IOException e) {
            LOG.log(Level.SEVERE, "master key rotation failed: " + e.getMessage(), e);
            throw new ApiException(500, "rotation_failed", "could not write the new key file: " + e.getMessage());
        } catch (RuntimeException e) {
            try {
                Files.deleteIfExists(pendingKeyFile());
            } catch (IOException ignored) {
                // the pending file is ignored unless it matches the database
            }
            throw e;
        }
    }

    /** Outcome of a rotation. */
    public record Rotation(int reencrypted, String keyId, boolean keyFileUpdated) {}
}
