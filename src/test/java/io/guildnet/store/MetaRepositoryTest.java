package io.guildnet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetaRepositoryTest {

    @TempDir
    Path tmp;

    @Test
    void putGetAndOverwrite() throws Exception {
        MetaRepository repo = new MetaRepository();
        try (Database db = Database.open(tmp.resolve("guildnet.sqlite"))) {
            assertEquals(Optional.empty(), db.read(c -> repo.get(c, "key_check")));
            db.write(c -> { repo.put(c, "key_check", "one"); return null; });
            assertEquals(Optional.of("one"), db.read(c -> repo.get(c, "key_check")));
            db.write(c -> { repo.put(c, "key_check", "two"); return null; });
            assertEquals(Optional.of("two"), db.read(c -> repo.get(c, "key_check")));
            assertEquals(Optional.empty(), db.read(c -> repo.get(c, "other")));
        }
    }
}
