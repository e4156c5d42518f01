package io.guildnet.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.batch.transfer.TableExporter;
import io.guildnet.batch.transfer.TableImporter;
import io.guildnet.batch.transfer.TableStore;
import io.guildnet.batch.transfer.TransferFormat;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.io.TempDir;

/** Export/import chunk by chunk against an in-memory table store: round trips, and resuming after a crash without duplicates. */
class TableTransferTest {

    /** The in-memory double of the database layer: tables sorted by key, upserts counted. */
    static final class MemoryStore implements TableStore {
        final Map<String, TreeMap<String, JsonObject>> tables = new ConcurrentHashMap<>();
        int upserted;

        TreeMap<String, JsonObject> t(String db, String table) { return tables.computeIfAbsent(db + "/" + table, k -> new TreeMap<>()); }

        @Override public String primaryKey(String db, String table) { return "id"; }

        @Override public List<JsonObject> page(String db, String table, jakarta.json.JsonValue afterKey, int limit) {
            var m = afterKey == null ? t(db, table) : t(db, table).tailMap(((jakarta.json.JsonString) afterKey).getString(), false);
            return m.values().stream().limit(limit).toList();
        }

        @Override public void upsert(String db, String table, List<JsonObject> rows) {
            for (JsonObject r : rows) t(db, table).put(r.getString("id"), r);
            upserted += rows.size();
        }
    }

    @TempDir
    Path dir;

    static MemoryStore filled(int n) {
        MemoryStore s = new MemoryStore();
        List<JsonObject> rows = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            rows.add(Json.createObjectBuilder().add("id", String.format("k%05d", i)).add("name", "row, \"" + i + "\"")
                    .add("n", String.valueOf(i)).build());
        }
        s.upsert("app", "items", rows);
        return s;
    }

    @ParameterizedTest
    @EnumSource(TransferFormat.class)
    void exportThenImportRoundTrips(TransferFormat f) throws Exception {
        MemoryStore src = filled(237);
        Path file = dir.resolve("items." + f.extension());
        try (TableExporter ex = new TableExporter(src, "app", "items", file, f, 50)) {
            ex.open(null);
            int chunks = 0;
            while (ex.nextChunk() != null) chunks++;
            ex.finish();
            assertEquals(5, chunks);
            assertEquals(237, ex.checkpoint().rows());
        }
        MemoryStore dst = new MemoryStore();
        try (TableImporter im = new TableImporter(dst, "app", "copy", file, f, 40)) {
            im.open(null);
            while (im.nextChunk() != null) { }
            assertEquals(237, im.checkpoint().rows());
        }
        assertEquals(src.t("app", "items"), dst.t("app", "copy"));
    }

    @ParameterizedTest
    @EnumSource(TransferFormat.class)
    void anExportStoppedMidwayResumesFromItsCheckpointWithoutDuplicates(TransferFormat f) throws Exception {
        MemoryStore src = filled(230);
        Path file = dir.resolve("items." + f.extension());
        TableExporter.Checkpoint saved;
        try (TableExporter ex = new TableExporter(src, "app", "items", file, f, 50)) {
            ex.open(null);
            ex.nextChunk();
            saved = ex.nextChunk(); // the job persisted this one
            ex.nextChunk();         // written, but the process died before its checkpoint was kept
        }
        Files.writeString(file, "{\"id\":\"half-writ", StandardCharsets.UTF_8, StandardOpenOption.APPEND); // torn write
        try (TableExporter ex = new TableExporter(src, "app", "items", file, f, 50)) {
            assertEquals(saved, ex.open(saved));
            while (ex.nextChunk() != null) { }
            ex.finish();
        }
        MemoryStore dst = new MemoryStore();
        try (TableImporter im = new TableImporter(dst, "app", "copy", file, f, 1000)) {
            im.open(null);
            im.nextChunk();
        }
        assertEquals(230, dst.upserted, "every row exactly once in the file");
        assertEquals(src.t("app", "items"), dst.t("app", "copy"));
    }

    @ParameterizedTest
    @EnumSource(TransferFormat.class)
    void anImportResumedFromItsCheckpointSkipsWhatWasImported(TransferFormat f) throws Exception {
        MemoryStore src = filled(120);
        Path file = dir.resolve("items." + f.extension());
        try (TableExporter ex = new TableExporter(src, "app", "items", file, f, 1000)) {
            ex.open(null);
            ex.nextChunk();
            ex.finish();
        }
        MemoryStore dst = new MemoryStore();
        TableImporter.Checkpoint saved;
        try (TableImporter im = new TableImporter(dst, "app", "copy", file, f, 25)) {
            im.open(null);
            im.nextChunk();
            saved = im.nextChunk();
        }
        assertEquals(50, saved.rows());
        try (TableImporter im = new TableImporter(dst, "app", "copy", file, f, 25)) {
            im.open(saved);
            while (im.nextChunk() != null) { }
        }
        assertEquals(120, dst.upserted, "no row imported twice");
        assertEquals(src.t("app", "items"), dst.t("app", "copy"));
    }

    @ParameterizedTest
    @EnumSource(TransferFormat.class)
    void anEmptyTableExportsToAValidEmptyFile(TransferFormat f) throws Exception {
        MemoryStore src = new MemoryStore();
        Path file = dir.resolve("empty." + f.extension());
        try (TableExporter ex = new TableExporter(src, "app", "none", file, f, 10)) {
            ex.open(null);
            assertNull(ex.nextChunk());
            ex.finish();
        }
        MemoryStore dst = new MemoryStore();
        try (TableImporter im = new TableImporter(dst, "app", "none", file, f, 10)) {
            im.open(null);
            assertNull(im.nextChunk());
        }
        assertTrue(dst.t("app", "none").isEmpty());
    }
}
