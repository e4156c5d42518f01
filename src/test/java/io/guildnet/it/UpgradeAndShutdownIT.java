package io.guildnet.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** A Host App upgraded onto an existing (schema v1) state database keeps its data; graceful shutdown. */
class UpgradeAndShutdownIT {

    static LibertyServer server;

    @AfterAll
    static void stop() throws Exception {
        if (server != null) server.stop();
    }

    @Test
    void upgradesAnExistingDatabaseAndShutsDownGracefullyOnRequest() throws Exception {
        server = new LibertyServer("guildnetUpgrade");
        server.wipeHome();
        Files.createDirectories(server.home().resolve("state"));
        String url = "jdbc:sqlite:" + server.home().resolve("state/guildnet.sqlite");
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            for (String sql : script("db/migration/V1__initial_schema.sql").split(";\\s*\\n")) {
                String stmt = sql.lines().filter(l -> !l.strip().startsWith("--")).reduce("", (a, b) -> a + b + "\n").strip();
                if (!stmt.isEmpty()) s.execute(stmt);
            }
            s.execute("PRAGMA user_version = 1");
            s.execute("INSERT INTO clusters(id, name, state, created_at) VALUES('c1', 'old-cluster', 'ready', '2026-01-01T00:00:00Z')");
            s.execute("INSERT INTO audit(id, ts, actor, action, entity_type, entity_id) "
                    + "VALUES('a1', '2026-01-01T00:00:00Z', 'system', 'create', 'headscale', 'h1')");
        }

        server.start();
        JsonArray audit = Json.arr(server.get("/api/audit?entity_type=headscale").body());
        JsonObject old = audit.getJsonObject(0);
        assertEquals("a1", old.getString("id"));
        assertEquals("system", old.getString("actor"));
        try (Connection c = DriverManager.getConnection(url); Statement s = c.createStatement()) {
            try (ResultSet rs = s.executeQuery("PRAGMA user_version")) {
                rs.next();
                assertEquals(io.guildnet.store.Migrations.latest(), rs.getInt(1), "migrated to the latest schema");
            }
            try (ResultSet rs = s.executeQuery("SELECT name FROM clusters WHERE id = 'c1'")) {
                assertTrue(rs.next());
                assertEquals("old-cluster", rs.getString(1));
            }
        }

        HttpResponse<String> bye = server.json("POST", "/internal/shutdown", "");
        assertEquals(200, bye.statusCode(), bye.body());
        assertEquals("shutting down", Json.obj(bye.body()).getString("status"));
        boolean down = false;
        for (int i = 0; i < 100 && !down; i++) {
            try {
                server.get("/healthz");
                Thread.sleep(200);
            } catch (IOException e) {
                down = true;
            }
        }
        assertTrue(down, "the Host App must stop after /internal/shutdown");
        assertTrue(server.messagesLog().contains("Shutdown requested by local"), "shutdown is logged with its principal");
        server.stop(); // reports "not running"; keeps the harness state consistent
    }

    static String script(String resource) throws IOException {
        try (InputStream in = UpgradeAndShutdownIT.class.getClassLoader().getResourceAsStream(resource)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
