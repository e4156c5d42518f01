package io.guildnet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.security.MasterKey;
import io.guildnet.security.SecretBox;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CredentialRepositoryTest {

    @TempDir
    Path tmp;

    private Database db;
    private final CredentialRepository repo = new CredentialRepository();
    private final SecretBox box = new SecretBox(MasterKey.fromPassphrase("credential test", "test"));

    @BeforeEach
    void open() throws Exception {
        db = Database.open(tmp.resolve("state/guildnet.sqlite"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private Credential cred(String id, String scopeType, String scopeId, String plaintext) {
        return new Credential(id, scopeType, scopeId, "kubeconfig", box.encrypt(plaintext, id), "2030-01-01T00:00:00Z");
    }

    @Test
    void refusesToStoreAValueThatIsNotAnEnvelope() throws Exception {
        Credential plain = new Credential("c1", "cluster", "k1", "kubeconfig", "apiVersion: v1", "2030-01-01T00:00:00Z");
        assertThrows(IllegalArgumentException.class, () -> db.write(c -> { repo.put(c, plain); return null; }));
        assertEquals(List.of(), db.read(repo::all));
    }

    @Test
    void storedEnvelopeRoundTripsAndDecrypts() throws Exception {
        Credential cr = cred("c1", "cluster", "k1", "secret kubeconfig");
        db.write(c -> { repo.put(c, cr); return null; });

        Optional<Credential> got = db.read(c -> repo.get(c, "c1"));

        assertEquals(Optional.of(cr), got);
        assertEquals("secret kubeconfig", box.decrypt(got.get().value(), "c1"));
        assertEquals(Optional.empty(), db.read(c -> repo.get(c, "missing")));
    }

    @Test
    void putReplacesAnExistingCredential() throws Exception {
        db.write(c -> { repo.put(c, cred("c1", "cluster", "k1", "old")); return null; });
        Credential rotated = new Credential("c1", "cluster", "k1", "kubeconfig", box.encrypt("new", "c1"), "2030-02-01T00:00:00Z");
        db.write(c -> { repo.put(c, rotated); return null; });

        assertEquals(List.of(rotated), db.read(repo::all));
    }

    @Test
    void allIsOrderedByIdAndDeleteRemovesOne() throws Exception {
        Credential b = cred("b", "cluster", "k1", "1");
        Credential a = cred("a", "global", "", "2");
        db.write(c -> { repo.put(c, b); repo.put(c, a); return null; });

        assertEquals(List.of(a, b), db.read(repo::all));
        assertTrue(db.<Boolean>write(c -> repo.delete(c, "a")));
        assertFalse(db.<Boolean>write(c -> repo.delete(c, "a")));
        assertEquals(List.of(b), db.read(repo::all));
    }

    @Test
    void deleteScopeRemovesOnlyThatScope() throws Exception {
        Credential k1a = cred("k1a", "cluster", "k1", "1");
        Credential k1b = cred("k1b", "cluster", "k1", "2");
        Credential k2 = cred("k2", "cluster", "k2", "3");
        Credential global = cred("g", "global", "k1", "4");
        db.write(c -> { repo.put(c, k1a); repo.put(c, k1b); repo.put(c, k2); repo.put(c, global); return null; });

        assertEquals(2, db.<Integer>write(c -> repo.deleteScope(c, "cluster", "k1")));

        assertEquals(List.of(global, k2), db.read(repo::all));
    }
}
