package io.guildnet.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MigrationsTest {

    @TempDir
    Path tmp;

    @Test
    void splitsAtSemicolonsEndingALineAndSkipsComments() {
        String script = "-- header comment\n"
                + "CREATE TABLE a (\n"
                + "    x TEXT, -- trailing remark stays inside the statement\n"
                + "    y TEXT\n"
                + ");\n"
                + "\n"
                + "   -- indented comment\n"
                + "INSERT INTO a VALUES('p;q', 'r');\n"
                + "CREATE INDEX a_x ON a(x)";
        List<String> s = Migrations.statements(script);
        assertEquals(List.of(
                "CREATE TABLE a (\n    x TEXT, -- trailing remark stays inside the statement\n    y TEXT\n)",
                "INSERT INTO a VALUES('p;q', 'r')",
                "CREATE INDEX a_x ON a(x)"), s);
    }

    @Test
    void handlesWindowsLineEndings() {
        assertEquals(List.of("SELECT 1", "SELECT 2"), Migrations.statements("SELECT 1;\r\n-- c\r\nSELECT 2;\r\n"));
    }

    @Test
    void emptyOrCommentOnlyScriptHasNoStatements() {
        assertEquals(List.of(), Migrations.statements(""));
        assertEquals(List.of(), Migrations.statements("-- nothing\n\n  -- here\n"));
    }

    @Test
    void shippedScriptsSplitIntoCommentFreeStatements() throws Exception {
        for (String name : Migrations.SCRIPTS) {
            String script;
            try (InputStream in = getClass().getClassLoader().getResourceAsStream(name)) {
                assertTrue(in != null, "missing " + name);
                script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<String> statements = Migrations.statements(script);
            assertFalse(statements.isEmpty(), name);
            for (String sql : statements) {
                assertFalse(sql.startsWith("--"), sql);
                assertFalse(sql.endsWith(";"), sql);
                assertTrue(sql.startsWith("CREATE") || sql.startsWith("ALTER"), sql);
            }
        }
    }

    @Test
    void latestIsTheNumberOfScripts() {
        assertEquals(Migrations.SCRIPTS.size(), Migrations.latest());
        assertTrue(Migrations.latest() >= 2);
    }

    @Test
    void applyingAgainToAMigratedDatabaseChangesNothing() throws Exception {
        try (Database db = Database.open(tmp.resolve("db.sqlite"))) {
            db.write(c -> { new MetaRepository().put(c, "k", "v"); return null; });
            Migrations.apply(db);
            Migrations.apply(db, 1);
            assertEquals(Migrations.latest(), Migrations.version(db));
            assertEquals(java.util.Optional.of("v"), db.read(c -> new MetaRepository().get(c, "k")));
        }
    }
}
