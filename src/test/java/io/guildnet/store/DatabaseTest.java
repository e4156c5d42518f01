package io.guildnet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatabaseTest {

    @TempDir
    Path tmp;

    // ---- opening and migrating --------------------------------------------------------------

    @Test
    void freshFileIsMigratedToLatestVersion() throws Exception {
        Path file = tmp.resolve("state/guildnet.sqlite");
        try (Database db = Database.open(file)) {
            assertEquals(Migrations.latest(), Migrations.version(db));
            assertEquals(file, db.file());
        }
        assertEquals(Migrations.latest(), userVersionOf(file), "PRAGMA user_version on disk");
        assertTrue(columnsOf(file, "audit").containsAll(List.of("request_id", "status")));
    }

    @Test
    void databaseFileIsPrivateAndItsDirectoryToo() throws Exception {
        Path dir = tmp.resolve("home/state");
        Path file = dir.resolve("guildnet.sqlite");
        try (Database db = Database.open(file)) {
            assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(file));
            assertEquals(PosixFilePermissions.fromString("rwx------"), Files.getPosixFilePermissions(dir));
            for (String suffix : new String[] {"-wal", "-shm"}) {
                Path side = Path.of(file + suffix);
                if (Files.exists(side)) {
                    assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(side), suffix);
                }
            }
        }
    }

    @Test
    void reopeningKeepsDataAndVersion() throws Exception {
        Path file = tmp.resolve("guildnet.sqlite");
        try (Database db = Database.open(file)) {
            db.write(c -> { new MetaRepository().put(c, "k", "v"); return null; });
        }
        try (Database db = Database.open(file)) {
            assertEquals(Migrations.latest(), Migrations.version(db));
            assertEquals(Optional.of("v"), db.read(c -> new MetaRepository().get(c, "k")));
        }
    }

    @Test
    void versionOneDatabaseKeepsItsRowsAndGainsVersionTwoColumns() throws Exception {
        Path file = tmp.resolve("old.sqlite");
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            for (String sql : Migrations.statements(resource("db/migration/V1__initial_schema.sql"))) s.execute(sql);
            s.execute("INSERT INTO audit(id, ts, actor, action, entity_type, entity_id, details) "
                    + "VALUES('a1', '2030-01-01T00:00:00Z', 'user:admin', 'cluster.create', 'cluster', 'c1', '{}')");
            s.execute("INSERT INTO clusters(id, name, state, created_at, updated_at) "
                    + "VALUES('c1', 'prod', 'ready', '2030-01-01T00:00:00Z', NULL)");
            s.execute("PRAGMA user_version = 1");
        }
        assertFalse(columnsOf(file, "audit").contains("request_id"), "precondition: V1 schema");

        try (Database db = Database.open(file)) {
            assertEquals(Migrations.latest(), Migrations.version(db));
            List<AuditEntry> audit = db.read(c -> new AuditRepository().query(c,
                    new AuditRepository.Filter(null, null, null, null, null), 10));
            assertEquals(1, audit.size());
            AuditEntry e = audit.get(0);
            assertEquals("a1", e.id());
            assertEquals("cluster.create", e.action());
            assertNull(e.requestId());
            assertNull(e.status());
            assertEquals(Optional.of(new ClusterRecord("c1", "prod", "ready", "2030-01-01T00:00:00Z", null)),
                    db.read(c -> new ClusterRepository().get(c, "c1")));

            // the new columns are usable
            db.write(c -> {
                new AuditRepository().insert(c, new AuditEntry("a2", "2030-01-02T00:00:00Z", "user:admin", "x", "cluster",
                        "c1", null, "req-1", 201));
                return null;
            });
            AuditEntry newest = db.read(c -> new AuditRepository().query(c,
                    new AuditRepository.Filter(null, null, null, null, null), 1)).get(0);
            assertEquals("req-1", newest.requestId());
            assertEquals(201, newest.status());
        }
        assertTrue(columnsOf(file, "audit").containsAll(List.of("request_id", "status")));
    }

    @Test
    void databaseNewerThanThisAppIsRefused() throws Exception {
        Path file = tmp.resolve("newer.sqlite");
        int newer = Migrations.latest() + 1;
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE future(x)");
            s.execute("PRAGMA user_version = " + newer);
        }

        SQLException e = assertThrows(SQLException.class, () -> Database.open(file));

        assertTrue(e.getMessage().contains("newer"), e.getMessage());
        assertEquals(newer, userVersionOf(file), "left untouched");
    }

    @Test
    void directoryThatCannotBeCreatedFailsToOpen() throws Exception {
        Path blocker = Files.writeString(tmp.resolve("not-a-dir"), "x");
        assertThrows(IOException.class, () -> Database.open(blocker.resolve("guildnet.sqlite")));
    }

    // ---- transactions -----------------------------------------------------------------------

    @Test
    void writeCommitsAllWorkAndReturnsItsResult() throws Exception {
        try (Database db = Database.open(tmp.resolve("db.sqlite"))) {
            String out = db.write(c -> {
                insertMeta(c, "a", "1");
                insertMeta(c, "b", "2");
                return "done";
            });
            assertEquals("done", out);
            assertEquals(2, countTestMeta(db));
        }
    }

    @Test
    void writeRollsBackEverythingWhenWorkThrowsSqlException() throws Exception {
        try (Database db = Database.open(tmp.resolve("db.sqlite"))) {
            SQLException boom = new SQLException("boom");
            SQLException thrown = assertThrows(SQLException.class, () -> db.write(c -> {
                insertMeta(c, "a", "1");
                insertMeta(c, "b", "2");
                throw boom;
            }));
            assertSame(boom, thrown);
            assertEquals(0, countTestMeta(db));
        }
    }

    @Test
    void writeRollsBackEverythingWhenWorkThrowsRuntimeException() throws Exception {
        try (Database db = Database.open(tmp.resolve("db.sqlite"))) {
            assertThrows(IllegalStateException.class, () -> db.write(c -> {
                insertMeta(c, "a", "1");
                throw new IllegalStateException("bug");
            }));
            assertEquals(0, countTestMeta(db));
        }
    }

    @Test
    void writeRollsBackWhenAStatementFailsHalfway() throws Exception {
        try (Database db = Database.open(tmp.resolve("db.sqlite"))) {
            assertThrows(SQLException.class, () -> db.write(c -> {
                insertMeta(c, "a", "1");
                insertMeta(c, "a", "duplicate key");
                return null;
            }));
            assertEquals(0, countTestMeta(db));
        }
    }

    @Test
    void connectionsWorkNormallyAfterARollback() throws Exception {
        try (Database db = Database.open(tmp.resolve("db.sqlite"))) {
            for (int i = 0; i < 6; i++) { // more failures than pooled connections
                assertThrows(SQLException.class, () -> db.write(c -> {
                    insertMeta(c, "x", "1");
                    throw new SQLException("fail");
                }));
            }
            db.write(c -> { insertMeta(c, "kept", "1"); return null; });
            // a read-side insert runs in auto-commit mode: it must persist on its own
            db.read(c -> { insertMeta(c, "auto", "1"); return null; });
            assertEquals(2, countTestMeta(db));
        }
    }

    @Test
    void freshDatabaseIsWritable() throws Exception {
        try (Database db = Database.open(tmp.resolve("db.sqlite"))) {
            assertTrue(db.writable());
            assertEquals(Optional.empty(), db.read(c -> new MetaRepository().get(c, "ready_probe")),
                    "readiness probe leaves nothing behind");
        }
    }

    @Test
    void closedDatabaseRefusesWork() throws Exception {
        Database db = Database.open(tmp.resolve("db.sqlite"));
        db.close();
        assertThrows(SQLException.class, () -> db.read(c -> null));
        assertThrows(SQLException.class, () -> db.write(c -> null));
        assertFalse(db.writable());
    }

    // ---- helpers ----------------------------------------------------------------------------

    private static void insertMeta(Connection c, String key, String value) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("INSERT INTO meta(key, value) VALUES(?, ?)")) {
            ps.setString(1, "test." + key);
            ps.setString(2, value);
            ps.executeUpdate();
        }
    }

    private static int countTestMeta(Database db) throws SQLException {
        return db.read(c -> {
            try (Statement s = c.createStatement();
                 ResultSet rs = s.executeQuery("SELECT COUNT(*) FROM meta WHERE key LIKE 'test.%'")) {
                rs.next();
                return rs.getInt(1);
            }
        });
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = DatabaseTest.class.getClassLoader().getResourceAsStream(name)) {
            assertTrue(in != null, "missing " + name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static int userVersionOf(Path file) throws SQLException {
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA user_version")) {
            return rs.getInt(1);
        }
    }

    private static List<String> columnsOf(Path file, String table) throws SQLException {
        List<String> out = new ArrayList<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + file);
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("PRAGMA table_info(" + table + ")")) {
            while (rs.next()) out.add(rs.getString("name"));
        }
        return out;
    }
}
