package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.api.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Clock;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DatabaseServiceTest {

    final InMemoryBackend backend = new InMemoryBackend();
    final DatabaseService svc = new DatabaseService("c1", () -> backend, Clock.systemUTC(), DatabaseService.OpsSink.NONE);
    final Caller admin = Caller.admin("user:admin");

    static JsonObject obj(String s) {
        return Json.createReader(new StringReader(s)).readObject();
    }

    static JsonValue val(String s) {
        return Json.createReader(new StringReader(s)).readValue();
    }

    void people() {
        svc.createDatabase(admin, obj("{\"id\":\"crm\",\"name\":\"CRM\"}"));
        svc.createTable(admin, "crm", obj("{\"name\":\"people\",\"primary_key\":\"email\",\"schema\":["
                + "{\"name\":\"email\",\"type\":\"string\",\"required\":true},{\"name\":\"age\",\"type\":\"number\"},"
                + "{\"name\":\"ssn\",\"type\":\"string\",\"mask\":true}]}"));
    }

    @Test
    void databasesAreListedUpdatedAndDeletedWithTheAnchorShape() {
        JsonObject db = svc.createDatabase(admin, obj("{\"id\":\"crm\",\"description\":\"customers\"}"));
        assertEquals("crm", db.getString("id"));
        assertEquals("c1", db.getString("org_id"));
        assertEquals("crm", db.getString("name"));
        assertEquals(409, assertThrows(ApiException.class, () -> svc.createDatabase(admin, obj("{\"id\":\"crm\"}"))).status());
        assertEquals("New", svc.updateDatabase(admin, "crm", obj("{\"name\":\"New\"}")).getString("name"));
        assertEquals(1, svc.listDatabases(admin).size());
        assertTrue(backend.dbList().contains("org_c1__crm"));
        assertEquals("crm", svc.deleteDatabase(admin, "crm").getString("deleted"));
        assertEquals(404, assertThrows(ApiException.class, () -> svc.getDatabase(admin, "crm")).status());
        assertEquals(0, svc.listDatabases(admin).size());
    }

    @Test
    void rowsPageByTheTablesOwnPrimaryKeyWithACursor() {
        people();
        JsonArray rows = Json.createArrayBuilder().build();
        var b = Json.createArrayBuilder();
        for (int i = 0; i < 7; i++) b.add(Json.createObjectBuilder().add("email", "p" + i + "@x").add("age", 20 + i));
        JsonObject ins = svc.insert(admin, "crm", "people", b.build());
        assertEquals(7, ins.getInt("inserted"), "every row counts, not only generated keys");
        assertEquals(0, ins.getJsonArray("ids").size());
        Set<String> seen = new HashSet<>();
        String cursor = null;
        int pages = 0;
        do {
            JsonObject page = svc.rows(admin, "crm", "people", 3, cursor);
            page.getJsonArray("items").forEach(v -> seen.add(v.asJsonObject().getString("email")));
            cursor = page.containsKey("next_cursor") ? page.getString("next_cursor") : null;
            pages++;
        } while (cursor != null);
        assertEquals(7, seen.size());
        assertEquals(3, pages);
        assertEquals("p0@x", svc.rows(admin, "crm", "people", 1, null).getJsonArray("items").getJsonObject(0).getString("email"));
        assertEquals(400, assertThrows(ApiException.class, () -> svc.rows(admin, "crm", "people", 1001, null)).status());
        assertTrue(rows.isEmpty());
    }

    @Test
    void numericKeysPageInNumericOrder() {
        svc.createDatabase(admin, obj("{\"id\":\"n\"}"));
        svc.createTable(admin, "n", obj("{\"name\":\"t\",\"primary_key\":\"k\"}"));
        svc.insert(admin, "n", "t", val("[{\"k\":10},{\"k\":9},{\"k\":100}]"));
        JsonObject p1 = svc.rows(admin, "n", "t", 2, null);
        assertEquals(9, p1.getJsonArray("items").getJsonObject(0).getInt("k"));
        assertEquals(10, p1.getJsonArray("items").getJsonObject(1).getInt("k"));
        JsonObject p2 = svc.rows(admin, "n", "t", 2, p1.getString("next_cursor"));
        assertEquals(100, p2.getJsonArray("items").getJsonObject(0).getInt("k"));
        assertFalse(p2.containsKey("next_cursor"));
        assertEquals("9", svc.patchRow(admin, "n", "t", "9", obj("{\"v\":1}")).getString("updated"), "a numeric key in the path is found");
    }

    @Test
    void insertReportsGeneratedKeysAndValidatesTheSchema() {
        svc.createDatabase(admin, obj("{\"id\":\"d\"}"));
        svc.createTable(admin, "d", obj("{\"name\":\"t\",\"schema\":[{\"name\":\"n\",\"type\":\"number\",\"required\":true}]}"));
        JsonObject r = svc.insert(admin, "d", "t", val("[{\"n\":1},{\"n\":2,\"id\":\"own\"}]"));
        assertEquals(2, r.getInt("inserted"));
        assertEquals(1, r.getJsonArray("ids").size());
        ApiException e = assertThrows(ApiException.class, () -> svc.insert(admin, "d", "t", val("[{\"n\":\"x\"},{}]")));
        assertEquals("invalid_rows", e.code());
        assertEquals(2, svc.rows(admin, "d", "t", 50, null).getJsonArray("items").size(), "nothing half-written");
        assertEquals(409, assertThrows(ApiException.class, () -> svc.insert(admin, "d", "t", val("{\"n\":3,\"id\":\"own\"}"))).status());
    }

    @Test
    void patchAndDeleteOfAMissingRowAre404() {
        people();
        svc.insert(admin, "crm", "people", val("{\"email\":\"a@x\",\"age\":1}"));
        assertEquals(404, assertThrows(ApiException.class, () -> svc.patchRow(admin, "crm", "people", "nope", obj("{\"age\":2}"))).status());
        assertEquals(404, assertThrows(ApiException.class, () -> svc.deleteRow(admin, "crm", "people", "nope")).status());
        svc.patchRow(admin, "crm", "people", "a@x", obj("{\"age\":2}"));
        assertEquals(2, svc.getRow(admin, "crm", "people", "a@x").getInt("age"));
        svc.deleteRow(admin, "crm", "people", "a@x");
        assertEquals(404, assertThrows(ApiException.class, () -> svc.getRow(admin, "crm", "people", "a@x")).status());
    }

    @Test
    void everyChangeIsAuditedWithUniqueIdsAndFilters() throws Exception {
        people();
        svc.insert(admin, "crm", "people", val("{\"email\":\"a@x\",\"age\":1}"));
        String mid = java.time.Instant.now().toString();
        Thread.sleep(2);
        for (int i = 0; i < 3; i++) svc.patchRow(admin, "crm", "people", "a@x", obj("{\"age\":" + (i + 2) + "}"));
        svc.deleteRow(admin, "crm", "people", "a@x");
        svc.createTable(admin, "crm", obj("{\"name\":\"other\"}"));
        JsonArray all = svc.audit(admin, "crm", null, 100, null);
        Set<String> ids = new HashSet<>();
        all.forEach(v -> ids.add(v.asJsonObject().getString("id")));
        assertEquals(all.size(), ids.size());
        assertEquals("create_table", all.getJsonObject(0).getString("action"), "newest first");
        JsonArray people = svc.audit(admin, "crm", "people", 100, null);
        assertEquals(3, people.stream().filter(v -> v.asJsonObject().getString("action").equals("update")).count(), "every update, not only the first");
        assertTrue(people.stream().allMatch(v -> v.asJsonObject().getString("table").equals("people")));
        assertEquals("user:admin", people.getJsonObject(0).getString("actor"));
        assertEquals(2, svc.audit(admin, "crm", "people", 2, null).size());
        JsonArray since = svc.audit(admin, "crm", "people", 100, mid);
        assertEquals(4, since.size());
    }

    @Test
    void permissionsDecideAndMaskAndPersistInTheDatabase() {
        people();
        svc.insert(admin, "crm", "people", val("{\"email\":\"a@x\",\"age\":1,\"ssn\":\"123\"}"));
        Caller bob = Caller.user("user:bob");
        assertEquals(403, assertThrows(ApiException.class, () -> svc.rows(bob, "crm", "people", 10, null)).status());
        assertEquals(0, svc.listDatabases(bob).size());
        svc.grant(admin, "crm", obj("{\"principal\":\"user:bob\",\"scope\":\"db:crm\",\"role\":\"viewer\"}"));
        JsonObject row = svc.rows(bob, "crm", "people", 10, null).getJsonArray("items").getJsonObject(0);
        assertEquals("***", row.getString("ssn"));
        assertEquals("123", svc.rows(admin, "crm", "people", 10, null).getJsonArray("items").getJsonObject(0).getString("ssn"));
        assertEquals(403, assertThrows(ApiException.class, () -> svc.insert(bob, "crm", "people", val("{\"email\":\"b@x\"}"))).status());
        // a table binding wins over the database binding
        svc.grant(admin, "crm", obj("{\"principal\":\"user:bob\",\"scope\":\"table:people\",\"role\":\"editor\"}"));
        svc.insert(bob, "crm", "people", val("{\"email\":\"b@x\"}"));
        assertEquals(403, assertThrows(ApiException.class, () -> svc.deleteTable(bob, "crm", "people")).status());
        // stored in the database: a fresh service (e.g. after a restart) sees them
        DatabaseService again = new DatabaseService("c1", () -> backend, Clock.systemUTC(), DatabaseService.OpsSink.NONE);
        assertEquals(2, again.permissions(admin, "crm").size());
        again.revoke(admin, "crm", "table:people", "user:bob");
        assertEquals(403, assertThrows(ApiException.class, () -> again.insert(bob, "crm", "people", val("{\"email\":\"c@x\"}"))).status());
        assertEquals(400, assertThrows(ApiException.class, () -> svc.grant(admin, "crm", obj("{\"principal\":\"bob\",\"scope\":\"db:crm\",\"role\":\"viewer\"}"))).status());
        svc.createDatabase(admin, obj("{\"id\":\"empty\"}"));
        assertEquals(JsonValue.ValueType.ARRAY, svc.permissions(admin, "empty").getValueType());
        assertEquals(0, svc.permissions(admin, "empty").size(), "[] not null");
    }

    @Test
    void viewsAreStoredAndRun() {
        people();
        svc.insert(admin, "crm", "people", val("[{\"email\":\"a@x\",\"age\":30},{\"email\":\"b@x\",\"age\":40},{\"email\":\"c@x\",\"age\":30}]"));
        svc.createView(admin, "crm", "people", obj("{\"name\":\"thirty\",\"filter\":{\"age\":30}}"));
        assertEquals(1, svc.listViews(admin, "crm", "people").size());
        JsonArray items = svc.runView(admin, "crm", "people", "thirty", 50, null).getJsonArray("items");
        assertEquals(2, items.size());
        svc.deleteView(admin, "crm", "people", "thirty");
        assertEquals(404, assertThrows(ApiException.class, () -> svc.runView(admin, "crm", "people", "thirty", 50, null)).status());
    }

    @Test
    void tablesCanBeUpdatedAndDeleted() {
        people();
        assertEquals("email", svc.getTable(admin, "crm", "people").getString("primary_key"));
        svc.updateSchema(admin, "crm", "people", obj("{\"schema\":[{\"name\":\"email\",\"type\":\"string\"}]}"));
        assertEquals(1, svc.getTable(admin, "crm", "people").getJsonArray("schema").size());
        assertEquals("primary_key_immutable", assertThrows(ApiException.class,
                () -> svc.updateSchema(admin, "crm", "people", obj("{\"schema\":[{\"name\":\"x\"}],\"primary_key\":\"id\"}"))).code());
        svc.deleteTable(admin, "crm", "people");
        assertEquals(0, svc.listTables(admin, "crm").size());
        assertEquals(404, assertThrows(ApiException.class, () -> svc.getTable(admin, "crm", "people")).status());
    }

    @Test
    void noConnectionIs503NotACrash() {
        DatabaseService down = new DatabaseService("c1", () -> {
            throw ApiException.unavailable("db_unavailable", "no connection");
        }, Clock.systemUTC(), DatabaseService.OpsSink.NONE);
        assertEquals("db_unavailable", assertThrows(ApiException.class, () -> down.audit(admin, "crm", null, 10, null)).code());
    }
}
