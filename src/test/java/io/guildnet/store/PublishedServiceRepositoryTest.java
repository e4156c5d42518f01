package io.guildnet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PublishedServiceRepositoryTest {

    @TempDir
    Path tmp;

    private Database db;
    private final PublishedServiceRepository repo = new PublishedServiceRepository();

    private final PublishedService web = new PublishedService("c1", "web", "100.64.0.1:443", "2030-01-01T00:00:00Z");
    private final PublishedService api = new PublishedService("c1", "api", "100.64.0.2:8443", "2030-01-02T00:00:00Z");
    private final PublishedService other = new PublishedService("c2", "web", "100.64.0.3:443", "2030-01-01T00:00:00Z");

    @BeforeEach
    void open() throws Exception {
        db = Database.open(tmp.resolve("guildnet.sqlite"));
        db.write(c -> { repo.upsert(c, web); repo.upsert(c, api); repo.upsert(c, other); return null; });
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void listReturnsOneClustersServicesOrderedByName() throws Exception {
        assertEquals(List.of(api, web), db.read(c -> repo.list(c, "c1")));
        assertEquals(List.of(other), db.read(c -> repo.list(c, "c2")));
        assertEquals(List.of(), db.read(c -> repo.list(c, "c3")));
    }

    @Test
    void upsertReplacesAddressOfTheSameService() throws Exception {
        PublishedService moved = new PublishedService("c1", "web", "100.64.0.9:443", "2030-02-01T00:00:00Z");
        db.write(c -> { repo.upsert(c, moved); return null; });

        assertEquals(List.of(api, moved), db.read(c -> repo.list(c, "c1")));
        assertEquals(List.of(other), db.read(c -> repo.list(c, "c2")));
    }

    @Test
    void deleteRemovesOneService() throws Exception {
        assertTrue(db.<Boolean>write(c -> repo.delete(c, "c1", "web")));
        assertFalse(db.<Boolean>write(c -> repo.delete(c, "c1", "web")));

        assertEquals(List.of(api), db.read(c -> repo.list(c, "c1")));
        assertEquals(List.of(other), db.read(c -> repo.list(c, "c2")));
    }

    @Test
    void deleteClusterRemovesOnlyThatClustersServices() throws Exception {
        assertEquals(2, db.<Integer>write(c -> repo.deleteCluster(c, "c1")));

        assertEquals(List.of(), db.read(c -> repo.list(c, "c1")));
        assertEquals(List.of(other), db.read(c -> repo.list(c, "c2")));
    }
}
