package io.guildnet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.guildnet.store.AuditRepository.Filter;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditRepositoryTest {

    private static final Filter ALL = new Filter(null, null, null, null, null);

    @TempDir
    Path tmp;

    private Database db;
    private final AuditRepository repo = new AuditRepository();

    // Inserted in this order; the timestamps deliberately do not follow insertion order for e3.
    private final AuditEntry e1 = new AuditEntry("e1", "2030-01-01T00:00:00Z", "user:admin", "cluster.create", "cluster", "c1",
            "{\"name\":\"prod\"}", "req-1", 201);
    private final AuditEntry e2 = new AuditEntry("e2", "2030-01-02T00:00:00Z", "user:alice", "cluster.update", "cluster", "c1",
            null, "req-2", 200);
    private final AuditEntry e3 = new AuditEntry("e3", "2030-01-01T12:00:00Z", "user:admin", "settings.put", "settings", "global",
            null, null, null);
    private final AuditEntry e4 = new AuditEntry("e4", "2030-01-03T00:00:00Z", "local", "cluster.delete", "cluster", "c2",
            null, "req-4", 204);

    @BeforeEach
    void open() throws Exception {
        db = Database.open(tmp.resolve("guildnet.sqlite"));
        db.write(c -> {
            for (AuditEntry e : List.of(e1, e2, e3, e4)) repo.insert(c, e);
            return null;
        });
    }

    @AfterEach
    void close() {
        db.close();
    }

    private List<AuditEntry> query(Filter f, int limit) throws SQLException {
        return db.read(c -> repo.query(c, f, limit));
    }

    @Test
    void returnsEveryFieldNewestInsertedFirst() throws Exception {
        assertEquals(List.of(e4, e3, e2, e1), query(ALL, 100));
    }

    @Test
    void limitKeepsTheNewest() throws Exception {
        assertEquals(List.of(e4, e3), query(ALL, 2));
        assertEquals(List.of(), query(ALL, 0));
    }

    @Test
    void filtersByActor() throws Exception {
        assertEquals(List.of(e3, e1), query(new Filter("user:admin", null, null, null, null), 100));
    }

    @Test
    void filtersByAction() throws Exception {
        assertEquals(List.of(e2), query(new Filter(null, "cluster.update", null, null, null), 100));
    }

    @Test
    void filtersByEntity() throws Exception {
        assertEquals(List.of(e4, e2, e1), query(new Filter(null, null, "cluster", null, null), 100));
        assertEquals(List.of(e2, e1), query(new Filter(null, null, "cluster", "c1", null), 100));
        assertEquals(List.of(e3), query(new Filter(null, null, null, "global", null), 100));
    }

    @Test
    void filtersBySinceInclusive() throws Exception {
        assertEquals(List.of(e4, e3, e2), query(new Filter(null, null, null, null, "2030-01-01T12:00:00Z"), 100));
    }

    @Test
    void combinesFiltersAndLimit() throws Exception {
        assertEquals(List.of(e2), query(new Filter(null, null, "cluster", "c1", "2030-01-01T06:00:00Z"), 100));
        assertEquals(List.of(e4), query(new Filter(null, null, "cluster", null, null), 1));
        assertEquals(List.of(), query(new Filter("user:alice", "cluster.create", null, null, null), 100));
    }

    @Test
    void duplicateIdIsRejected() {
        assertThrows(SQLException.class, () -> db.write(c -> { repo.insert(c, e1); return null; }));
    }
}
