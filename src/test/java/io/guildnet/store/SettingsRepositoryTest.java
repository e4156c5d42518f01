package io.guildnet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsRepositoryTest {

    @TempDir
    Path tmp;

    private Database db;
    private final SettingsRepository repo = new SettingsRepository();

    @BeforeEach
    void open() throws Exception {
        db = Database.open(tmp.resolve("guildnet.sqlite"));
    }

    @AfterEach
    void close() {
        db.close();
    }

    @Test
    void missingSettingIsEmpty() throws Exception {
        assertEquals(Optional.empty(), db.read(c -> repo.get(c, "tailscale", "")));
    }

    @Test
    void putThenGetReturnsTheDocument() throws Exception {
        db.write(c -> { repo.put(c, "tailscale", "", "{\"hostname\":\"gn\"}"); return null; });
        assertEquals(Optional.of("{\"hostname\":\"gn\"}"), db.read(c -> repo.get(c, "tailscale", "")));
    }

    @Test
    void putUpsertsOneRowPerKindAndScope() throws Exception {
        db.write(c -> { repo.put(c, "global", "", "{\"v\":1}"); return null; });
        db.write(c -> { repo.put(c, "global", "", "{\"v\":2}"); return null; });

        assertEquals(Optional.of("{\"v\":2}"), db.read(c -> repo.get(c, "global", "")));
        int rows = db.read(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM settings WHERE kind = 'global'")) {
                return rs.getInt(1);
            }
        });
        assertEquals(1, rows);
    }

    @Test
    void scopesAndKindsAreIndependent() throws Exception {
        db.write(c -> {
            repo.put(c, "cluster", "c1", "{\"n\":1}");
            repo.put(c, "cluster", "c2", "{\"n\":2}");
            repo.put(c, "database", "c1", "{\"n\":3}");
            return null;
        });
        assertEquals(Optional.of("{\"n\":1}"), db.read(c -> repo.get(c, "cluster", "c1")));
        assertEquals(Optional.of("{\"n\":2}"), db.read(c -> repo.get(c, "cluster", "c2")));
        assertEquals(Optional.of("{\"n\":3}"), db.read(c -> repo.get(c, "database", "c1")));
        assertEquals(Optional.empty(), db.read(c -> repo.get(c, "cluster", "")));
    }

    @Test
    void putRecordsUpdateTime() throws Exception {
        db.write(c -> { repo.put(c, "global", "", "{}"); return null; });
        String updated = db.read(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT updated_at FROM settings WHERE kind = 'global'")) {
                return rs.getString(1);
            }
        });
        java.time.Instant.parse(updated); // ISO instant
    }

    @Test
    void deleteRemovesOnlyTheNamedSetting() throws Exception {
        db.write(c -> { repo.put(c, "cluster", "c1", "{}"); repo.put(c, "cluster", "c2", "{}"); return null; });

        assertTrue(db.<Boolean>write(c -> repo.delete(c, "cluster", "c1")));
        assertFalse(db.<Boolean>write(c -> repo.delete(c, "cluster", "c1")));

        assertEquals(Optional.empty(), db.read(c -> repo.get(c, "cluster", "c1")));
        assertEquals(Optional.of("{}"), db.read(c -> repo.get(c, "cluster", "c2")));
    }
}
