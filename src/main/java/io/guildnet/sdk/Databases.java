package io.guildnet.sdk;

import static io.guildnet.sdk.Transport.enc;
import static io.guildnet.sdk.Transport.query;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.Consumer;

/** The RethinkDB API of one cluster: {@code /api/cluster/{cid}/db} and its live changes. */
public final class Databases {
    private final Transport t;
    private final String cluster;
    private final ExecutorService streams;

    Databases(Transport t, String cluster, ExecutorService streams) {
        this.t = t;
        this.cluster = cluster;
        this.streams = streams;
    }

    private String path(String rest) {
        return "/api/cluster/" + enc(cluster) + "/db" + rest;
    }

    private String table(String db, String table) {
        return "/" + enc(db) + "/tables/" + enc(table);
    }

    /** {@code [{id, org_id, name, description?, created_at?}]} */
    public List<JsonObject> list() {
        return t.json("GET", path(""), null).asJsonArray().getValuesAs(JsonObject.class);
    }

    /** Creates a database; {@code id} is a-z0-9_- (1–64). @throws ConflictException {@code already_exists} */
    public JsonObject create(String id, String name, String description) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("id", id);
        if (name != null) b.add("name", name);
        if (description != null) b.add("description", description);
        return t.object("POST", path(""), b.build());
    }

    public JsonObject get(String db) {
        return t.object("GET", path("/" + enc(db)), null);
    }

    public void delete(String db) {
        t.object("DELETE", path("/" + enc(db)), null);
    }

    /** The cluster's database link: {@code {cluster, status: ok|unavailable, addr, via, backend, …}} (always 200). */
    public JsonObject health() {
        return t.object("GET", path("/health"), null);
    }

    public List<JsonObject> tables(String db) {
        return t.json("GET", path("/" + enc(db) + "/tables"), null).asJsonArray().getValuesAs(JsonObject.class);
    }

    /** Creates a table; {@code schema} is a list of ColumnDef objects or null, {@code primaryKey} null for {@code id}. */
    public JsonObject createTable(String db, String name, JsonArray schema, String primaryKey) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("name", name);
        if (schema != null) b.add("schema", schema);
        if (primaryKey != null) b.add("primary_key", primaryKey);
        return t.object("POST", path("/" + enc(db) + "/tables"), b.build());
    }

    public void deleteTable(String db, String table) {
        t.object("DELETE", path(table(db, table)), null);
    }

    /** One page of rows: {@code {items:[…], next_cursor?}}. */
    public JsonObject rows(String db, String table, Integer limit, String cursor) {
        return t.object("GET", path(table(db, table) + "/rows" + query("limit", limit, "cursor", cursor)), null);
    }

    /** Inserts a row (object) or rows (array): {@code {inserted, ids}}. */
    public JsonObject insert(String db, String table, JsonValue rowOrRows) {
        return t.object("POST", path(table(db, table) + "/rows"), rowOrRows);
    }

    public JsonObject row(String db, String table, String id) {
        return t.object("GET", path(table(db, table) + "/rows/" + enc(id)), null);
    }

    public void updateRow(String db, String table, String id, JsonObject patch) {
        t.object("PATCH", path(table(db, table) + "/rows/" + enc(id)), patch);
    }

    public void deleteRow(String db, String table, String id) {
        t.object("DELETE", path(table(db, table) + "/rows/" + enc(id)), null);
    }

    /**
     * Imports rows. {@code format} is {@code csv}, {@code json} or {@code ndjson}; with {@code dryRun}
     * nothing is written and the mapping preview comes back.
     */
    public JsonObject importRows(String db, String table, String format, byte[] body, boolean dryRun) {
        String type = switch (format) {
            case "csv" -> "text/csv";
            case "ndjson" -> "application/x-ndjson";
            case "json" -> "application/json";
            default -> throw new IllegalArgumentException("format must be csv, json or ndjson: " + format);
        };
        HttpResponse<String> r = t.send("POST", path(table(db, table) + "/import" + query("format", format, "dry_run", dryRun ? "1" : null)),
                type, body, "application/json");
        return Transport.parse(r.body()).asJsonObject();
    }

    /** Streams an export ({@code json}, {@code ndjson} or {@code csv}) into {@code out}; returns the bytes written. */
    public long export(String db, String table, String format, Integer limit, OutputStream out) {
        HttpResponse<InputStream> r = t.stream("GET", path(table(db, table) + "/export" + query("format", format, "limit", limit)), null);
        try (InputStream in = r.body()) {
            return in.transferTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The export as a string (small tables). */
    public String export(String db, String table, String format) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        export(db, table, format, null, out);
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * Subscribes to the table's live changes ({@code init}, snapshot {@code insert}s, then
     * {@code insert}/{@code update}/{@code delete}, {@code error}, {@code lagged}); the handler runs on
     * a background thread until the subscription is closed.
     */
    public Subscription subscribe(String db, String table, Consumer<JsonObject> handler) {
        HttpResponse<InputStream> r = t.stream("GET", "/sse/cluster/" + enc(cluster) + "/db/" + enc(db) + "/tables/" + enc(table) + "/changes",
                "text/event-stream");
        Subscription s = new Subscription(r.body());
        streams.execute(() -> {
            try {
                Transport.readEvents(r.body(), e -> {
                    JsonValue v = e.json();
                    if (v.getValueType() == JsonValue.ValueType.OBJECT) handler.accept(v.asJsonObject());
                    return true;
                });
            } finally {
                s.finished();
            }
        });
        return s;
    }
}
