package io.guildnet.rethink;

import io.guildnet.api.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The per-cluster database API (anchor §1.4 shapes, its bugs fixed) over a {@link RethinkBackend}:
 * databases, tables and schemas, rows paged by the table's own primary key, views (saved filters),
 * audit and permissions. Metadata lives in each database's meta tables ({@code _info},
 * {@code _schemas}, {@code _audit}, {@code _permissions}, {@code _views}), so it moves and is
 * backed up with the data. Import/export are in {@link DataTransfer}.
 */
public final class DatabaseService {

    public static final int MAX_PAGE = 1000;
    public static final int DEFAULT_PAGE = 50;
    public static final int MAX_INSERT = 10_000;
    static final Set<String> TYPES = Set.of("string", "number", "boolean", "timestamp", "json");

    private final String org;
    private final Supplier<RethinkBackend> backend;
    private final Clock clock;
    private final OpsSink ops;
    private static final AtomicLong LAST_MICROS = new AtomicLong();

    /** Receives the anchor's per-table operation counters. */
    public interface OpsSink {
        void inc(String db, String table, String op, long n);

        OpsSink NONE = (d, t, o, n) -> { };
    }

    public DatabaseService(String org, Supplier<RethinkBackend> backend, Clock clock, OpsSink ops) {
        this.org = org;
        this.backend = backend;
        this.clock = clock;
        this.ops = ops;
    }

    public String org() { return org; }

    RethinkBackend be() { return backend.get(); }

    OpsSink ops() { return ops; }

    String phys(String db) { return DbNames.physical(org, db); }

    // ---- databases -----------------------------------------------------------------------------

    public JsonArray listDatabases(Caller c) {
        RethinkBackend b = be();
        String prefix = DbNames.prefix(org);
        JsonArrayBuilder a = Values.P.createArrayBuilder();
        for (String p : b.dbList()) {
            if (!p.startsWith(prefix)) continue;
            String id = p.substring(prefix.length());
            Role role = roleOrNull(c, id, null);
            if (role == null) continue; // databases the caller cannot read are not listed
            a.add(dbView(b, id, p));
        }
        return a.build();
    }

    private JsonObject dbView(RethinkBackend b, String id, String p) {
        Map<String, Object> info = null;
        try {
            info = b.get(p, DbNames.INFO, "db");
        } catch (BackendException e) {
            if (e.reason() != BackendException.Reason.NOT_FOUND) throw e;
        }
        JsonObjectBuilder o = Values.P.createObjectBuilder().add("id", id).add("org_id", org)
                .add("name", info != null && info.get("name") != null ? String.valueOf(info.get("name")) : id);
        if (info != null && info.get("description") != null && !String.valueOf(info.get("description")).isEmpty()) {
            o.add("description", String.valueOf(info.get("description")));
        }
        if (info != null && info.get("created_at") != null) o.add("created_at", String.valueOf(info.get("created_at")));
        return o.build();
    }

    public JsonObject createDatabase(Caller c, JsonObject body) {
        io.guildnet.api.JsonInput.onlyFields(body, Set.of("id", "name", "description"));
        String id = DbNames.dbId(io.guildnet.api.JsonInput.string(body, "id"));
        require(c, id, null, "db.create");
        String name = io.guildnet.api.JsonInput.string(body, "name");
        String desc = io.guildnet.api.JsonInput.string(body, "description");
        RethinkBackend b = be();
        String p = phys(id);
        try {
            b.dbCreate(p);
        } catch (BackendException e) {
            if (e.reason() == BackendException.Reason.ALREADY_EXISTS) throw new ApiException(409, "already_exists", "database " + id + " already exists");
            throw e;
        }
        ensureMeta(b, p);
        Map<String, Object> info = new LinkedHashMap<>();
        info.put("id", "db");
        info.put("name", name == null || name.isBlank() ? id : name.trim());
        info.put("description", desc == null ? "" : desc);
        info.put("created_at", now());
        b.insert(p, DbNames.INFO, List.of(info), true);
        if (!c.hostAdmin()) grant(b, p, c.principal(), "db:" + id, Role.MAINTAINER, "system");
        audit(b, p, c, "db", id, null, "create_db", Map.of("name", info.get("name")));
        return dbView(b, id, p);
    }

    /** Creates the meta tables that are missing (databases made by the anchor lack some). */
    void ensureMeta(RethinkBackend b, String p) {
        List<String> have = b.tableList(p);
        for (String t : DbNames.META) {
            if (have.contains(t)) continue;
            try {
                b.tableCreate(p, t, "id");
            } catch (BackendException e) {
                if (e.reason() != BackendException.Reason.ALREADY_EXISTS) throw e;
            }
        }
    }

    private RethinkBackend existing(String id) {
        RethinkBackend b = be();
        String p = phys(DbNames.dbId(id));
        if (!b.dbList().contains(p)) throw ApiException.notFound("not_found", "no database " + id);
        return b;
    }

    public JsonObject getDatabase(Caller c, String id) {
        RethinkBackend b = existing(id);
        require(c, id, null, "row.read");
        return dbView(b, id, phys(id));
    }

    public JsonObject updateDatabase(Caller c, String id, JsonObject body) {
        io.guildnet.api.JsonInput.onlyFields(body, Set.of("name", "description"));
        RethinkBackend b = existing(id);
        require(c, id, null, "db.update");
        String p = phys(id);
        ensureMeta(b, p);
        Map<String, Object> info = b.get(p, DbNames.INFO, "db");
        if (info == null) {
            info = new LinkedHashMap<>(Map.of("id", "db", "name", id, "description", "", "created_at", now()));
        }
        Map<String, Object> diff = new LinkedHashMap<>();
        String name = io.guildnet.api.JsonInput.string(body, "name");
        if (name != null) {
            if (name.isBlank()) throw ApiException.badRequest("invalid_field", "name must not be empty", Map.of("field", "name"));
            info.put("name", name.trim());
            diff.put("name", name.trim());
        }
        String desc = io.guildnet.api.JsonInput.string(body, "description");
        if (desc != null) {
            info.put("description", desc);
            diff.put("description", desc);
        }
        b.insert(p, DbNames.INFO, List.of(info), true);
        audit(b, p, c, "db", id, null, "update_db", diff);
        return dbView(b, id, p);
    }

    public JsonObject deleteDatabase(Caller c, String id) {
        RethinkBackend b = existing(id);
        require(c, id, null, "db.delete");
        b.dbDrop(phys(id));
        return Values.P.createObjectBuilder().add("deleted", id).build();
    }

    // ---- tables --------------------------------------------------------------------------------

    public JsonArray listTables(Caller c, String db) {
        RethinkBackend b = existing(db);
        require(c, db, null, "row.read");
        String p = phys(db);
        JsonArrayBuilder a = Values.P.createArrayBuilder();
        for (String t : b.tableList(p)) {
            if (t.startsWith(DbNames.META_PREFIX)) continue;
            a.add(tableView(b, db, t));
        }
        return a.build();
    }

    JsonObject tableView(RethinkBackend b, String db, String t) {
        String p = phys(db);
        Map<String, Object> rec = schemaRecord(b, p, t);
        JsonObjectBuilder o = Values.P.createObjectBuilder().add("id", t).add("db_id", db).add("name", t)
                .add("primary_key", rec != null && rec.get("primary_key") != null ? String.valueOf(rec.get("primary_key")) : b.primaryKey(p, t))
                .add("schema", rec != null && rec.get("schema") instanceof List<?> l ? Values.json(l) : JsonValue.EMPTY_JSON_ARRAY);
        if (rec != null && rec.get("created_at") != null) o.add("created_at", String.valueOf(rec.get("created_at")));
        return o.build();
    }

    private Map<String, Object> schemaRecord(RethinkBackend b, String p, String t) {
        try {
            return b.get(p, DbNames.SCHEMAS, t);
        } catch (BackendException e) {
            if (e.reason() == BackendException.Reason.NOT_FOUND) return null;
            throw e;
        }
    }

    private void requireTable(RethinkBackend b, String db, String t) {
        DbNames.table(t);
        if (!b.tableList(phys(db)).contains(t)) throw ApiException.notFound("not_found", "no table " + t + " in database " + db);
    }

    public JsonObject createTable(Caller c, String db, JsonObject body) {
        io.guildnet.api.JsonInput.onlyFields(body, Set.of("name", "schema", "primary_key"));
        String name = io.guildnet.api.JsonInput.string(body, "name");
        if (name == null || name.isBlank()) throw ApiException.badRequest("invalid_spec", "name is required", Map.of("field", "name"));
        DbNames.table(name);
        String pk = io.guildnet.api.JsonInput.string(body, "primary_key");
        pk = pk == null || pk.isBlank() ? "id" : DbNames.field(pk.trim(), "primary_key");
        JsonArray schema = body.containsKey("schema") && !body.isNull("schema") ? validSchema(body.get("schema"), "invalid_spec") : JsonValue.EMPTY_JSON_ARRAY;
        RethinkBackend b = existing(db);
        require(c, db, null, "table.create");
        String p = phys(db);
        ensureMeta(b, p);
        try {
            b.tableCreate(p, name, pk);
        } catch (BackendException e) {
            if (e.reason() == BackendException.Reason.ALREADY_EXISTS) throw new ApiException(409, "already_exists", "table " + name + " already exists");
            throw e;
        }
        Map<String, Object> rec = new LinkedHashMap<>();
        rec.put("id", name);
        rec.put("db_id", db);
        rec.put("name", name);
        rec.put("primary_key", pk);
        rec.put("schema", Values.java(schema));
        rec.put("created_at", now());
        b.insert(p, DbNames.SCHEMAS, List.of(rec), true);
        audit(b, p, c, "table", name, name, "create_table", Map.of("primary_key", pk, "schema", Values.java(schema)));
        return tableView(b, db, name);
    }

    /** A schema: an array of ColumnDef objects with unique names and known types. */
    static JsonArray validSchema(JsonValue v, String code) {
        if (!(v instanceof JsonArray arr)) throw ApiException.badRequest(code, "schema must be an array of column definitions");
        Set<String> names = new LinkedHashSet<>();
        for (JsonValue x : arr) {
            if (!(x instanceof JsonObject col)) throw ApiException.badRequest(code, "each schema entry must be an object");
            if (!(col.get("name") instanceof JsonString n) || n.getString().isBlank()) throw ApiException.badRequest(code, "each column needs a name");
            if (!names.add(n.getString())) throw ApiException.badRequest(code, "duplicate column " + n.getString());
            JsonValue type = col.get("type");
            if (type != null && !(type instanceof JsonString ts && TYPES.contains(ts.getString()))) {
                throw ApiException.badRequest(code, "column " + n.getString() + ": type must be one of " + String.join("|", new java.util.TreeSet<>(TYPES)));
            }
            for (String f : new String[]{"required", "unique", "indexed", "mask"}) {
                JsonValue bv = col.get(f);
                if (bv != null && bv.getValueType() != JsonValue.ValueType.TRUE && bv.getValueType() != JsonValue.ValueType.FALSE) {
                    throw ApiException.badRequest(code, "column " + n.getString() + ": " + f + " must be a boolean");
                }
            }
        }
        return arr;
    }

    public JsonObject getTable(Caller c, String db, String t) {
        RethinkBackend b = existing(db);
        requireTable(b, db, t);
        require(c, db, t, "row.read");
        return tableView(b, db, t);
    }

    public JsonObject updateSchema(Caller c, String db, String t, JsonObject body) {
        io.guildnet.api.JsonInput.onlyFields(body, Set.of("schema", "primary_key"));
        if (!body.containsKey("schema") || !(body.get("schema") instanceof JsonArray a) || a.isEmpty()) {
            throw ApiException.badRequest("invalid_schema", "schema must be a non-empty array of column definitions");
        }
        JsonArray schema = validSchema(body.get("schema"), "invalid_schema");
        RethinkBackend b = existing(db);
        requireTable(b, db, t);
        require(c, db, t, "table.schema");
        String p = phys(db);
        ensureMeta(b, p);
        String actualPk = b.primaryKey(p, t);
        String pk = io.guildnet.api.JsonInput.string(body, "primary_key");
        if (pk != null && !pk.equals(actualPk)) {
            throw ApiException.badRequest("primary_key_immutable", "the primary key of " + t + " is " + actualPk + " and cannot be changed");
        }
        Map<String, Object> rec = schemaRecord(b, p, t);
        Map<String, Object> next = new LinkedHashMap<>();
        next.put("id", t);
        next.put("db_id", db);
        next.put("name", t);
        next.put("primary_key", actualPk);
        next.put("schema", Values.java(schema));
        next.put("created_at", rec != null && rec.get("created_at") != null ? rec.get("created_at") : now());
        b.insert(p, DbNames.SCHEMAS, List.of(next), true);
        audit(b, p, c, "table", t, t, "update_schema", Map.of("schema", Values.java(schema),
                "previous", rec == null || rec.get("schema") == null ? List.of() : rec.get("schema")));
        return Values.P.createObjectBuilder().add("updated", t).build();
    }

    public JsonObject deleteTable(Caller c, String db, String t) {
        RethinkBackend b = existing(db);
        requireTable(b, db, t);
        require(c, db, t, "table.delete");
        String p = phys(db);
        b.tableDrop(p, t);
        try {
            b.delete(p, DbNames.SCHEMAS, t);
        } catch (BackendException e) {
            if (e.reason() != BackendException.Reason.NOT_FOUND) throw e;
        }
        audit(b, p, c, "table", t, t, "delete_table", null);
        return Values.P.createObjectBuilder().add("deleted", t).build();
    }

    // ---- schema helpers -------------------------------------------------------------------------

    /** The table's column definitions (empty when it has none). */
    List<JsonObject> columns(RethinkBackend b, String db, String t) {
        Map<String, Object> rec = schemaRecord(b, phys(db), t);
        List<JsonObject> out = new ArrayList<>();
        if (rec != null && rec.get("schema") instanceof List<?> l) {
            for (Object o : l) if (Values.json(o) instanceof JsonObject jo) out.add(jo);
        }
        return out;
    }

    static Set<String> maskedColumns(List<JsonObject> cols) {
        Set<String> out = new LinkedHashSet<>();
        for (JsonObject c : cols) if (c.getBoolean("mask", false)) out.add(c.getString("name"));
        return out;
    }

    static Map<String, Object> mask(Map<String, Object> row, Set<String> masked) {
        if (row == null || masked.isEmpty()) return row;
        Map<String, Object> out = new LinkedHashMap<>(row);
        for (String m : masked) if (out.containsKey(m)) out.put(m, "***");
        return out;
    }

    // ---- rows ------------------------------------------------------------------------------------

    /** A page of rows in primary-key order: {@code {"items":[…],"next_cursor"?}}. */
    public JsonObject rows(Caller c, String db, String t, int limit, String cursor) {
        RethinkBackend b = existing(db);
        requireTable(b, db, t);
        Role role = require(c, db, t, "row.read");
        Set<String> masked = role.masked() ? maskedColumns(columns(b, db, t)) : Set.of();
        return page(b, phys(db), t, Map.of(), limit, cursor, masked);
    }

    JsonObject page(RethinkBackend b, String p, String t, Map<String, Object> equals, int limit, String cursor, Set<String> masked) {
        if (limit < 1 || limit > MAX_PAGE) throw ApiException.badRequest("invalid_limit", "limit must be a whole number from 1 to " + MAX_PAGE);
        String pk = b.primaryKey(p, t);
        Object after = cursor == null || cursor.isEmpty() ? null : decodeCursor(cursor);
        List<Map<String, Object>> rows = b.query(p, t, new RethinkBackend.Query(after, true, false, equals, limit + 1));
        JsonArrayBuilder items = Values.P.createArrayBuilder();
        int n = Math.min(limit, rows.size());
        for (int i = 0; i < n; i++) items.add(Values.object(mask(rows.get(i), masked)));
        JsonObjectBuilder o = Values.P.createObjectBuilder().add("items", items);
        if (rows.size() > limit) o.add("next_cursor", encodeCursor(rows.get(limit - 1).get(pk)));
        return o.build();
    }

    /** Cursors carry the last key with its JSON type ({@code k1.<base64url JSON>}); a bare string (the anchor's form) is a string key. */
    public static String encodeCursor(Object key) {
        return "k1." + Base64.getUrlEncoder().withoutPadding().encodeToString(Values.json(key).toString().getBytes(StandardCharsets.UTF_8));
    }

    public static Object decodeCursor(String cursor) {
        if (!cursor.startsWith("k1.")) return cursor;
        try {
            String json = new String(Base64.getUrlDecoder().decode(cursor.substring(3)), StandardCharsets.UTF_8);
            try (var r = Values.P.createReader(new java.io.StringReader(json))) {
                return Values.java(r.readValue());
            }
        } catch (RuntimeException e) {
            throw ApiException.badRequest("invalid_cursor", "cursor is not one this API returned");
        }
    }

    /** Inserts one row (object) or many (array): {@code {"inserted": every row written, "ids": generated keys}}. */
    public JsonObject insert(Caller c, String db, String t, JsonValue body) {
        List<Map<String, Object>> rows = new ArrayList<>();
        if (body instanceof JsonObject o) rows.add(Values.map(o));
        else if (body instanceof JsonArray a) {
            for (JsonValue v : a) {
                if (!(v instanceof JsonObject o)) throw ApiException.badRequest("bad_payload", "every row must be a JSON object");
                rows.add(Values.map(o));
            }
        } else throw ApiException.badRequest("bad_payload", "expected a row object or an array of row objects");
        if (rows.isEmpty()) throw ApiException.badRequest("bad_payload", "no rows given");
        if (rows.size() > MAX_INSERT) throw ApiException.badRequest("bad_payload", "at most " + MAX_INSERT + " rows per request; use import for more");
        RethinkBackend b = existing(db);
        requireTable(b, db, t);
        require(c, db, t, "row.write");
        List<JsonObject> cols = columns(b, db, t);
        JsonArrayBuilder problems = Values.P.createArrayBuilder();
        boolean bad = false;
        for (int i = 0; i < rows.size(); i++) {
            List<String> errs = Coercion.check(rows.get(i), cols);
            if (!errs.isEmpty()) {
                bad = true;
                problems.add(Values.P.createObjectBuilder().add("row", i).add("errors", Values.P.createArrayBuilder(errs)));
            }
        }
        if (bad) throw ApiException.badRequest("invalid_rows", "some rows do not match the table schema; nothing was inserted", problems.build());
        String p = phys(db);
        RethinkBackend.InsertResult r = b.insert(p, t, rows, false);
        if (r.errors() > 0 && r.inserted() == 0) {
            throw new ApiException(409, "insert_failed", r.firstError() == null ? "insert failed" : r.firstError());
        }
        ops.inc(db, t, "insert", r.inserted());
        audit(b, p, c, "row", t, t, "insert", Map.of("count", r.inserted(), "ids", r.generatedKeys()));
        JsonObjectBuilder o = Values.P.createObjectBuilder().add("inserted", r.inserted()).add("ids", Values.json(r.generatedKeys()));
        if (r.errors() > 0) o.add("errors", r.errors()).add("first_error", r.firstError());
        return o.build();
    }

    /** The stored key a path segment names: the string itself, else the number it spells. */
    Object resolveKey(RethinkBackend b, String p, String t, String raw) {
        if (b.get(p, t, raw) != null) return raw;
        Object n = numberOrNull(raw);
        if (n != null && b.get(p, t, n) != null) return n;
        return null;
    }

    private static Object numberOrNull(String s) {
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            try {
                double d = Double.parseDouble(s);
                return Double.isFinite(d) ? d : null;
            } catch (NumberFormatException e2) {
                return null;
            }
        }
    }

    public JsonObject patchRow(Caller c, String db, String t, String rowId, JsonObject patch) {
        RethinkBackend b = existing(db);
        requireTable(b, db, t);
        require(c, db, t, "row.write");
        String p = phys(db);
        String pk = b.primaryKey(p, t);
        if (patch.containsKey(pk) && !String.valueOf(Values.java(patch.get(pk))).equals(rowId)) {
            throw ApiException.badRequest("primary_key_immutable", "the primary key " + pk + " of a row cannot be changed");
        }
        Map<String, Object> m = Values.map(patch);
        m.remove(pk);
        List<String> errs = Coercion.checkPatch(m, columns(b, db, t));
        if (!errs.isEmpty()) throw ApiException.badRequest("invalid_rows", "the patch does not match the table schema", Map.of("errors", errs));
        Object key = resolveKey(b, p, t, rowId);
        RethinkBackend.Change ch = key == null ? null : b.update(p, t, key, m);
        if (ch == null) throw ApiException.notFound("not_found", "no row " + rowId + " in " + t);
        audit(b, p, c, "row", t + "/" + rowId, t, "update", Map.of("patch", m, "before", ch.before()));
        return Values.P.createObjectBuilder().add("updated", rowId).build();
    }

    public JsonObject deleteRow(Caller c, String db, String t, String rowId) {
        RethinkBackend b = existing(db);
        requireTable(b, db, t);
        require(c, db, t, "row.write");
        String p = phys(db);
        Object key = resolveKey(b, p, t, rowId);
        Map<String, Object> old = key == null ? null : b.delete(p, t, key);
        if (old == null) throw ApiException.notFound("not_found", "no row " + rowId + " in " + t);
        audit(b, p, c, "row", t + "/" + rowId, t, "delete", Map.of("before", old));
        return Values.P.createObjectBuilder().add("deleted", rowId).build();
    }

    public JsonObject getRow(Caller c, String db, String t, String rowId) {
        RethinkBackend b = existing(db);
        requireTable(b, db, t);
        Role role = require(c, db, t, "row.read");
        String p = phys(db);
        Object key = resolveKey(b, p, t, rowId);
        if (key == null) throw ApiException.notFound("not_found", "no row " + rowId + " in " + t);
        Set<String> masked = role.masked() ? maskedColumns(columns(b, db, t)) : Set.of();
        return Values.object(mask(b.get(p, t, key), masked));
    }

    // ---- views (saved filters) --------------------------------------------------------------------

    public JsonArray listViews(Caller c, String db, String t) {
        RethinkBackend b = existing(db);
        requireTable(b, db, t);
        require(c, db, t, "row.read");
        String p = phys(db);
        ensureMeta(b, p);
        JsonArrayBuilder a = Values.P.createArrayBuilder();
        for (Map<String, Object> v : b.query(p, DbNames.VIEWS, new RethinkBackend.Query(null, false, false, Map.of("table", t), 1000))) {
            a.add(Values.object(v));
        }
        return a.build();
    }

    public JsonObject createView(Caller c, String db, String t, JsonObject body) {
        io.guildnet.api.JsonInput.onlyFields(body, Set.of("name", "filter", "description"));
        String name = io.guildnet.api.JsonInput.string(body, "name");
        if (name == null || !name.matches("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")) {
            throw ApiException.badRequest("invalid_view", "name must be 1-64 characters of A-Z, a-z, 0-9, _, . and -");
        }
        JsonValue f = body.getOrDefault("filter", JsonValue.EMPTY_JSON_OBJECT);
        if (!(f instanceof JsonObject filter)) throw ApiException.badRequest("invalid_view", "filter must be an object of field: value equalities");
        for (Map.Entry<String, JsonValue> e : filter.entrySet()) {
            if (e.getValue() instanceof JsonObject || e.getValue() instanceof JsonArray || e.getValue() == JsonValue.NULL) {
                throw ApiException.badRequest("invalid_view", "filter values must be strings, numbers or booleans (field " + e.getKey() + ")");
            }
        }
        RethinkBackend b = existing(db);
        requireTable(b, db, t);
        require(c, db, t, "row.write");
        String p = phys(db);
        ensureMeta(b, p);
        String id = t + "/" + name;
        if (b.get(p, DbNames.VIEWS, id) != null) throw new ApiException(409, "already_exists", "view " + name + " already exists");
        Map<String, Object> v = new LinkedHashMap<>();
        v.put("id", id);
        v.put("table", t);
        v.put("name", name);
        v.put("filter", Values.map(filter));
        String desc = io.guildnet.api.JsonInput.string(body, "description");
        if (desc != null) v.put("description", desc);
        v.put("created_by", c.principal());
        v.put("created_at", now());
        b.insert(p, DbNames.VIEWS, List.of(v), false);
        audit(b, p, c, "table", t, t, "create_view", Map.of("name", name, "filter", Values.map(filter)));
        return Values.object(v);
    }

    private Map<String, Object> view(RethinkBackend b, String p, String t, String name) {
        Map<String, Object> v = b.tableList(p).contains(DbNames.VIEWS) ? b.get(p, DbNames.VIEWS, t + "/" + name) : null;
        if (v == null) throw ApiException.notFound("not_found", "no view " + name + " on " + t);
        return v;
    }

    @SuppressWarnings("unchecked")
    public JsonObject runView(Caller c, String db, String t, String name, int limit, String cursor) {
        RethinkBackend b = existing(db);
        requireTable(b, db, t);
        Role role = require(c, db, t, "row.read");
        String p = phys(db);
        Map<String, Object> v = view(b, p, t, name);
        Map<String, Object> filter = v.get("filter") instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
        Set<String> masked = role.masked() ? maskedColumns(columns(b, db, t)) : Set.of();
        return page(b, p, t, filter, limit, cursor, masked);
    }

    public JsonObject deleteView(Caller c, String db, String t, String name) {
        RethinkBackend b = existing(db);
        requireTable(b, db, t);
        require(c, db, t, "row.write");
        String p = phys(db);
        view(b, p, t, name);
        b.delete(p, DbNames.VIEWS, t + "/" + name);
        audit(b, p, c, "table", t, t, "delete_view", Map.of("name", name));
        return Values.P.createObjectBuilder().add("deleted", name).build();
    }

    // ---- audit -------------------------------------------------------------------------------------

    /** Unique, time-ordered ids: microseconds (16 digits, strictly increasing here) + random suffix. */
    static String auditId(Instant now) {
        long micros = now.getEpochSecond() * 1_000_000L + now.getNano() / 1000;
        long m = LAST_MICROS.updateAndGet(prev -> Math.max(prev + 1, micros));
        return String.format("%016d-%06x", m, ThreadLocalRandom.current().nextInt(1 << 24));
    }

    static String auditLowerBound(Instant since) {
        long micros = since.getEpochSecond() * 1_000_000L + since.getNano() / 1000;
        return String.format("%016d", micros);
    }

    void audit(RethinkBackend b, String p, Caller c, String scope, String scopeId, String table, String action, Object diff) {
        Instant now = clock.instant();
        Map<String, Object> e = new LinkedHashMap<>();
        e.put("id", auditId(now));
        e.put("scope", scope);
        e.put("scope_id", scopeId);
        if (table != null) e.put("table", table);
        e.put("actor", c.principal());
        e.put("action", action);
        if (diff != null) e.put("diff", diff);
        e.put("ts", now.toString());
        if (c.requestId() != null) e.put("request_id", c.requestId());
        try {
            ensureMeta(b, p);
            b.insert(p, DbNames.AUDIT, List.of(e), false);
        } catch (BackendException ex) {
            // the change happened; a lost audit line is loud, never a failed request
            java.util.logging.Logger.getLogger(DatabaseService.class.getName()).severe("audit " + action + " on " + p + " not recorded: " + ex.getMessage());
        }
    }

    public JsonArray audit(Caller c, String db, String table, int limit, String since) {
        Instant from = null;
        if (since != null && !since.isBlank()) {
            try {
                from = Instant.parse(since.trim());
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("invalid_since", "since must be an RFC 3339 time such as 2026-01-02T03:04:05Z");
            }
        }
        if (limit < 1 || limit > MAX_PAGE) throw ApiException.badRequest("invalid_limit", "limit must be a whole number from 1 to " + MAX_PAGE);
        RethinkBackend b = existing(db);
        require(c, db, table, "audit.read");
        String p = phys(db);
        JsonArrayBuilder a = Values.P.createArrayBuilder();
        if (!b.tableList(p).contains(DbNames.AUDIT)) return a.build();
        Map<String, Object> eq = table == null || table.isBlank() ? Map.of() : Map.of("table", table);
        for (Map<String, Object> e : b.query(p, DbNames.AUDIT,
                new RethinkBackend.Query(from == null ? null : auditLowerBound(from), false, true, eq, limit))) {
            a.add(Values.object(e));
        }
        return a.build();
    }

    // ---- permissions -----------------------------------------------------------------------------------

    /** The caller's role on a database (and table): a table binding wins over a database binding. */
    Role roleOrNull(Caller c, String db, String table) {
        if (c.hostAdmin()) return Role.ADMIN;
        RethinkBackend b = be();
        String p = phys(db);
        List<Map<String, Object>> bindings;
        try {
            bindings = b.query(p, DbNames.PERMISSIONS, new RethinkBackend.Query(null, false, false, Map.of("principal", c.principal()), 1000));
        } catch (BackendException e) {
            if (e.reason() == BackendException.Reason.NOT_FOUND) return null;
            throw e;
        }
        Role dbRole = null, tableRole = null;
        for (Map<String, Object> m : bindings) {
            Role r = Role.parse(String.valueOf(m.get("role"))).orElse(null);
            String scope = String.valueOf(m.get("scope"));
            if (scope.equals("db:" + db)) dbRole = r;
            else if (table != null && scope.equals("table:" + table)) tableRole = r;
        }
        return tableRole != null ? tableRole : dbRole;
    }

    Role require(Caller c, String db, String table, String action) {
        if (action.equals("db.create")) {
            if (c.hostAdmin()) return Role.ADMIN;
            throw ApiException.forbidden("forbidden", c.principal() + " may not create databases (host admins only)");
        }
        Role r = roleOrNull(c, db, table);
        if (r == null || !r.allows(action)) {
            throw new ApiException(403, "forbidden", c.principal() + " may not " + action + " on " + (table == null ? "db:" + db : "table:" + table),
                    Map.of("action", action, "role", r == null ? "none" : r.wire()));
        }
        return r;
    }

    private void grant(RethinkBackend b, String p, String principal, String scope, Role role, String by) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", scope + "|" + principal);
        m.put("principal", principal);
        m.put("scope", scope);
        m.put("role", role.wire());
        m.put("created_at", now());
        m.put("created_by", by);
        b.insert(p, DbNames.PERMISSIONS, List.of(m), true);
    }

    public JsonArray permissions(Caller c, String db) {
        RethinkBackend b = existing(db);
        require(c, db, null, "row.read");
        String p = phys(db);
        JsonArrayBuilder a = Values.P.createArrayBuilder();
        if (!b.tableList(p).contains(DbNames.PERMISSIONS)) return a.build();
        for (Map<String, Object> m : b.query(p, DbNames.PERMISSIONS, new RethinkBackend.Query(null, false, false, Map.of(), MAX_PAGE))) {
            Map<String, Object> v = new LinkedHashMap<>(m);
            v.remove("id");
            a.add(Values.object(v));
        }
        return a.build();
    }

    private String validScope(String db, String scope) {
        if (scope == null) throw ApiException.badRequest("invalid_perm", "scope is required (db:<id> or table:<name>)");
        if (scope.equals("db:" + db)) return scope;
        if (scope.startsWith("table:")) {
            DbNames.table(scope.substring(6));
            return scope;
        }
        throw ApiException.badRequest("invalid_perm", "scope must be db:" + db + " or table:<name>");
    }

    private static String validPrincipal(String principal) {
        if (principal == null || !principal.matches("(user|role):[A-Za-z0-9._@-]{1,64}")) {
            throw ApiException.badRequest("invalid_perm", "principal must be user:<name> or role:<name>");
        }
        return principal;
    }

    public JsonObject grant(Caller c, String db, JsonObject body) {
        io.guildnet.api.JsonInput.onlyFields(body, Set.of("principal", "scope", "role"));
        String principal = validPrincipal(io.guildnet.api.JsonInput.string(body, "principal"));
        String scope = validScope(db, io.guildnet.api.JsonInput.string(body, "scope"));
        Role role = Role.parse(io.guildnet.api.JsonInput.string(body, "role"))
                .orElseThrow(() -> ApiException.badRequest("invalid_perm", "role must be admin, maintainer, editor or viewer"));
        RethinkBackend b = existing(db);
        String table = scope.startsWith("table:") ? scope.substring(6) : null;
        require(c, db, table, "perm.manage");
        String p = phys(db);
        ensureMeta(b, p);
        grant(b, p, principal, scope, role, c.principal());
        audit(b, p, c, "db", db, table, "grant", Map.of("principal", principal, "scope", scope, "role", role.wire()));
        Map<String, Object> m = b.get(p, DbNames.PERMISSIONS, scope + "|" + principal);
        m.remove("id");
        return Values.object(m);
    }

    public JsonObject revoke(Caller c, String db, String scope, String principal) {
        validScope(db, scope);
        validPrincipal(principal);
        RethinkBackend b = existing(db);
        String table = scope.startsWith("table:") ? scope.substring(6) : null;
        require(c, db, table, "perm.manage");
        String p = phys(db);
        boolean had = b.tableList(p).contains(DbNames.PERMISSIONS) && b.delete(p, DbNames.PERMISSIONS, scope + "|" + principal) != null;
        if (!had) throw ApiException.notFound("not_found", "no binding of " + principal + " on " + scope);
        audit(b, p, c, "db", db, table, "revoke", Map.of("principal", principal, "scope", scope));
        return Values.P.createObjectBuilder().add("revoked", true).build();
    }

    String now() { return clock.instant().toString(); }
}
