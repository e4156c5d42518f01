package io.guildnet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterRepositoryTest {

    @TempDir
    Path tmp;

    private Database db;
    private final ClusterRepository repo = new ClusterRepository();

    @BeforeEach
    void open() throws Exception {
        db = Database.open(tmp.resolve("guildnet.sqlite"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private void upsert(ClusterRecord r) throws Exception {
        db.write(c -> { repo.upsert(c, r); return null; });
    }

    @Test
    void upsertThenGetRoundTrips() throws Exception {
        ClusterRecord r = new ClusterRecord("c1", "prod", "pending", "2030-01-01T00:00:00Z", null);
        upsert(r);
        assertEquals(Optional.of(r), db.read(c -> repo.get(c, "c1")));
        assertEquals(Optional.empty(), db.read(c -> repo.get(c, "c2")));
    }

    @Test
    void upsertUpdatesNameAndStateButKeepsCreationTime() throws Exception {
        upsert(new ClusterRecord("c1", "prod", "pending", "2030-01-01T00:00:00Z", null));
        upsert(new ClusterRecord("c1", "production", "ready", "2099-12-31T00:00:00Z", "2030-01-02T00:00:00Z"));

        assertEquals(Optional.of(new ClusterRecord("c1", "production", "ready", "2030-01-01T00:00:00Z", "2030-01-02T00:00:00Z")),
                db.read(c -> repo.get(c, "c1")));
        assertEquals(1, db.read(repo::list).size());
    }

    @Test
    void listIsOrderedByCreationTimeThenId() throws Exception {
        ClusterRecord late = new ClusterRecord("a", "late", "ready", "2030-01-03T00:00:00Z", null);
        ClusterRecord earlyB = new ClusterRecord("b", "early-b", "ready", "2030-01-01T00:00:00Z", null);
        ClusterRecord earlyA = new ClusterRecord("z", "early-z", "ready", "2030-01-01T00:00:00Z", null);
        ClusterRecord mid = new ClusterRecord("m", "mid", "ready", "2030-01-02T00:00:00Z", null);
        for (ClusterRecord r : List.of(late, earlyA, mid, earlyB)) upsert(r);

        assertEquals(List.of(earlyB, earlyA, mid, late), db.read(repo::list));
    }

    @Test
    void deleteRemovesTheCluster() throws Exception {
        upsert(new ClusterRecord("c1", "prod", "ready", "2030-01-01T00:00:00Z", null));
        upsert(new ClusterRecord("c2", "dev", "ready", "2030-01-01T00:00:00Z", null));

        assertTrue(db.<Boolean>write(c -> repo.delete(c, "c1")));
        assertFalse(db.<Boolean>write(c -> repo.delete(c, "c1")));

        assertEquals(List.of("c2"), db.read(repo::list).stream().map(ClusterRecord::id).toList());
    }
}
