package io.guildnet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JobRepositoryTest {

    @TempDir
    Path tmp;

    private Database db;
    private final JobRepository repo = new JobRepository();

    @BeforeEach
    void open() throws Exception {
        db = Database.open(tmp.resolve("guildnet.sqlite"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    private void upsert(JobRecord j) throws Exception {
        db.write(c -> { repo.upsert(c, j); return null; });
    }

    @Test
    void upsertThenGetRoundTripsEveryField() throws Exception {
        JobRecord j = new JobRecord("j1", "cluster.bootstrap", "{\"cluster\":\"c1\"}", "running", 0.25,
                "2030-01-01T00:00:00Z", "2030-01-01T00:01:00Z", null, null);
        upsert(j);
        assertEquals(Optional.of(j), db.read(c -> repo.get(c, "j1")));
        assertEquals(Optional.empty(), db.read(c -> repo.get(c, "j2")));
    }

    @Test
    void upsertUpdatesProgressAndOutcomeButNotKindSpecOrCreation() throws Exception {
        upsert(new JobRecord("j1", "cluster.bootstrap", "{\"cluster\":\"c1\"}", "running", 0.25,
                "2030-01-01T00:00:00Z", "2030-01-01T00:01:00Z", null, null));
        upsert(new JobRecord("j1", "other.kind", "{\"changed\":true}", "failed", 1.0,
                "2099-01-01T00:00:00Z", "2030-01-01T00:05:00Z", "{\"partial\":true}", "boom"));

        assertEquals(Optional.of(new JobRecord("j1", "cluster.bootstrap", "{\"cluster\":\"c1\"}", "failed", 1.0,
                        "2030-01-01T00:00:00Z", "2030-01-01T00:05:00Z", "{\"partial\":true}", "boom")),
                db.read(c -> repo.get(c, "j1")));
    }

    @Test
    void listIsNewestCreatedFirstWithLimit() throws Exception {
        JobRecord a = new JobRecord("a", "k", "{}", "done", 1.0, "2030-01-01T00:00:00Z", "2030-01-01T00:00:00Z", null, null);
        JobRecord b = new JobRecord("b", "k", "{}", "done", 1.0, "2030-01-03T00:00:00Z", "2030-01-03T00:00:00Z", null, null);
        JobRecord c2 = new JobRecord("c", "k", "{}", "queued", 0.0, "2030-01-02T00:00:00Z", "2030-01-02T00:00:00Z", null, null);
        for (JobRecord j : List.of(a, b, c2)) upsert(j);

        assertEquals(List.of(b, c2, a), db.read(c -> repo.list(c, 10)));
        assertEquals(List.of(b, c2), db.read(c -> repo.list(c, 2)));
    }
}
