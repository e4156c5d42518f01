package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.api.ApiException;
import io.guildnet.batch.transfer.TableExporter;
import io.guildnet.batch.transfer.TableImporter;
import io.guildnet.batch.transfer.TransferFormat;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The transfer jobs' table store over a cluster's database (in-memory RethinkDB): typed key cursors, permissions, schema coercion. */
class RethinkTablesTest {

    final InMemoryBackend backend = new InMemoryBackend();
    final DatabaseService svc = new DatabaseService("c1", () -> backend, Clock.systemUTC(), DatabaseService.OpsSink.NONE);
    final Caller admin = Caller.admin("local");
    final RethinkTables.Store store = new RethinkTables.Store(svc, admin);

    @TempDir
    Path dir;

    @BeforeEach
    void tables() {
        svc.createDatabase(admin, DatabaseServiceTest.obj("{\"id\":\"shop\"}"));
        svc.createTable(admin, "shop", DatabaseServiceTest.obj("{\"name\":\"mixed\",\"primary_key\":\"k\"}"));
        svc.createTable(admin, "shop", DatabaseServiceTest.obj("{\"name\":\"copy\",\"primary_key\":\"k\"}"));
        List<Map<String, Object>> rows = new ArrayList<>();
        // numbers sort before strings, and 10 sorts after 9 but "10" before "9": a cursor kept as text would skip or repeat rows
        for (int i = 0; i < 25; i++) {
            rows.add(row(i, "n" + i));
            rows.add(row(String.valueOf(i), "s" + i));
        }
        rows.add(row(2.5, "half"));
        backend.insert(svc.phys("shop"), "mixed", rows, false);
    }

    static Map<String, Object> row(Object k, String v) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("k", k);
        m.put("v", v);
        m.put("nested", Map.of("a", List.of(1, "x")));
        return m;
    }

    @ParameterizedTest
    @EnumSource(value = TransferFormat.class, names = {"JSON", "NDJSON"})
    void numberAndStringKeysRoundTripThroughSmallChunks(TransferFormat f) throws Exception {
        Path file = dir.resolve("mixed." + f.extension());
        TableExporter.Checkpoint mid;
        try (TableExporter ex = new TableExporter(store, "shop", "mixed", file, f, 7)) {
            ex.open(null);
            ex.nextChunk();
            mid = ex.nextChunk();
        }
        assertEquals("12", mid.lastKey(), "the checkpoint keeps the number 12 (the 14th key, after 2.5) as JSON");
        try (TableExporter ex = new TableExporter(store, "shop", "mixed", file, f, 7)) {
            ex.open(mid);
            while (ex.nextChunk() != null) { }
            assertEquals(51, ex.checkpoint().rows());
            ex.finish();
        }
        try (TableImporter im = new TableImporter(store, "shop", "copy", file, f, 10)) {
            im.open(null);
            while (im.nextChunk() != null) { }
        }
        List<Map<String, Object>> src = backend.query(svc.phys("shop"), "mixed", RethinkBackend.Query.page(null, 1000));
        List<Map<String, Object>> dst = backend.query(svc.phys("shop"), "copy", RethinkBackend.Query.page(null, 1000));
        assertEquals(51, dst.size());
        assertEquals(Values.json(src), Values.json(dst));
        assertEquals(13L, backend.get(svc.phys("shop"), "copy", 13L).get("k"));
        assertEquals("13", backend.get(svc.phys("shop"), "copy", "13").get("k"));
    }

    @Test
    void csvImportIsCoercedByTheDestinationSchema() throws Exception {
        svc.createTable(admin, "shop", DatabaseServiceTest.obj("{\"name\":\"typed\",\"primary_key\":\"k\",\"schema\":["
                + "{\"name\":\"k\",\"type\":\"number\",\"required\":true},{\"name\":\"v\",\"type\":\"string\"}]}"));
        Path file = dir.resolve("mixed.csv");
        java.nio.file.Files.writeString(file, "k,v\n1,a\n10,b\n2,\"c,d\"\n");
        try (TableImporter im = new TableImporter(store, "shop", "typed", file, TransferFormat.CSV, 2)) {
            im.open(null);
            while (im.nextChunk() != null) { }
        }
        assertEquals(List.of(1L, 2L, 10L), backend.query(svc.phys("shop"), "typed", RethinkBackend.Query.page(null, 10)).stream()
                .map(r -> r.get("k")).toList());
    }

    @Test
    void rowsWithoutTheirKeyAreRefusedSoAReplayCannotDuplicateThem() {
        ApiException e = assertThrows(ApiException.class, () -> store.upsert("shop", "copy", List.of(Values.object(Map.of("v", "no key")))));
        assertTrue(e.getMessage().contains("missing primary key k"), e.getMessage());
    }

    @Test
    void theSubmittersPermissionsApply() {
        RethinkTables.Store stranger = new RethinkTables.Store(svc, Caller.user("user:mallory"));
        ApiException e = assertThrows(ApiException.class, () -> stranger.primaryKey("shop", "mixed"));
        assertEquals(403, e.status());
        assertThrows(ApiException.class, () -> store.primaryKey("shop", "nope"));
        assertEquals(51, store.count("shop", "mixed"));
    }
}
