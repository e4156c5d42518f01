package io.guildnet.security;

import io.guildnet.api.ApiException;
import io.guildnet.store.Credential;
import io.guildnet.store.StateStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Instant;
import java.util.Optional;

/** Stores and reads secrets, always encrypted with the {@link Keyring}'s current key. */
@ApplicationScoped
public class SecretStore {

    @Inject
    Keyring keyring;

    @Inject
    StateStore store;

    /** Encrypts and stores within the caller's transaction. */
    public void put(Connection c, String id, String scopeType, String scopeId, String kind, String plaintext) throws SQLException {
        String env = keyring.box().encrypt(plaintext, id);
        store.credentials().put(c, new Credential(id, scopeType, scopeId, kind, env, Instant.now().toString()));
    }

    public Optional<String> get(String id) {
        Optional<Credential> cr = store.read(c -> store.credentials().get(c, id));
        if (cr.isEmpty()) return Optional.empty();
        try {
            return Optional.of(keyring.box().decrypt(cr.get().value(), id));
        } catch (SecretException e) {
            throw new ApiException(503, "secret_unreadable", "stored secret " + id + " cannot be read: " + e.getMessage());
        }
    }

    public boolean exists(String id) {
        return store.read(c -> store.credentials().get(c, id)).isPresent();
    }
}
