package io.guildnet.rethink;

import io.guildnet.api.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.stream.JsonParsingException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.StringReader;
import java.io.Writer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Import (CSV, JSON array, NDJSON and the anchor's {@code {"rows","dry_run","mapping"}} wrapper)
 * with a dry-run preview, schema coercion, batched inserts and per-row errors; and streamed export
 * (JSON, NDJSON, CSV with a deterministic header) paged by primary key so a large table never
 * sits in memory.
 */
public final class DataTransfer {

    public static final int BATCH = 500;
    static final int PREVIEW = 50, MAX_REPORTED_ERRORS = 100, MAX_IDS = 1000, EXPORT_PAGE = 500;

    private final DatabaseService db;

    public DataTransfer(DatabaseService db) {
        this.db = db;
    }

    /** An import request after parsing: rows (or per-row parse errors), the mapping and the dry-run flag. */
    record Parsed(List<Object> rows, Map<String, String> mapping, boolean dryRun) {}

    static Parsed parse(String contentType, String format, String body, boolean dryRunParam) {
        if (body == null || body.isBlank()) throw ApiException.badRequest("empty_body", "request body is empty");
        String ct = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        String f = format == null || format.isBlank() ? null : format.trim().toLowerCase(Locale.ROOT);
        if (f == null) {
            if (ct.startsWith("text/csv")) f = "csv";
            else if (ct.contains("ndjson") || ct.contains("jsonl") || ct.contains("json-seq")) f = "ndjson";
            else if (ct.contains("json") || ct.isEmpty()) f = "json";
            else throw new ApiException(415, "unsupported_body", "send text/csv, application/json or application/x-ndjson (or ?format=)");
        }
        List<Object> rows = new ArrayList<>();
        Map<String, String> mapping = Map.of();
        boolean dry = dryRunParam;
        switch (f) {
            case "csv" -> {
                List<List<String>> recs = Csv.parse(body);
                if (recs.isEmpty()) throw ApiException.badRequest("empty_csv", "the CSV has no header row");
                List<String> header = recs.get(0);
                for (String h : header) if (h.isBlank()) throw ApiException.badRequest("csv_parse", "the CSV header has an empty column name");
                for (int i = 1; i < recs.size(); i++) {
                    List<String> r = recs.get(i);
                    if (r.size() != header.size()) {
                        rows.add(new RowError("columns:" + r.size() + "!=" + header.size()));
                        continue;
                    }
                    Map<String, Object> m = new LinkedHashMap<>();
                    for (int j = 0; j < header.size(); j++) m.put(header.get(j), r.get(j));
                    rows.add(m);
                }
            }
            case "ndjson" -> {
                for (String line : body.split("\r?\n")) {
                    if (line.isBlank()) continue;
                    try (var r = Values.P.createReader(new StringReader(line))) {
                        JsonValue v = r.readValue();
                        rows.add(v instanceof JsonObject o ? Values.map(o) : new RowError("not_object"));
                    } catch (JsonParsingException e) {
                        rows.add(new RowError("bad_json"));
                    } catch (RuntimeException e) {
                        rows.add(new RowError("bad_json"));
                    }
                }
            }
            case "json" -> {
                JsonValue v;
                try (var r = Values.P.createReader(new StringReader(body))) {
                    v = r.readValue();
                } catch (RuntimeException e) {
                    throw ApiException.badRequest("bad_json", "request body is not valid JSON");
                }
                JsonValue rv = v;
                if (v instanceof JsonObject o) {
                    if (!o.containsKey("rows")) throw ApiException.badRequest("bad_rows", "a JSON object body must be {\"rows\": [...], \"dry_run\"?, \"mapping\"?}");
                    rv = o.get("rows");
                    if (o.containsKey("dry_run")) dry = dry || o.get("dry_run") == JsonValue.TRUE;
                    if (o.get("mapping") instanceof JsonObject mo) {
                        Map<String, String> mm = new LinkedHashMap<>();
                        mo.forEach((k, x) -> {
                            if (!(x instanceof JsonString s)) throw ApiException.badRequest("bad_rows", "mapping values must be strings");
                            mm.put(k, s.getString());
                        });
                        mapping = mm;
                    } else if (o.containsKey("mapping") && !o.isNull("mapping")) {
                        throw ApiException.badRequest("bad_rows", "mapping must be an object {source: destination}");
                    }
                    if (rv instanceof JsonObject single) rv = Values.P.createArrayBuilder().add(single).build();
                }
                if (!(rv instanceof JsonArray arr)) throw ApiException.badRequest("bad_rows", "rows must be an array of objects");
                for (JsonValue x : arr) rows.add(x instanceof JsonObject o ? Values.map(o) : new RowError("not_object"));
            }
            default -> throw ApiException.badRequest("unsupported_format", "format must be csv, json or ndjson");
        }
        return new Parsed(rows, mapping, dry);
    }

    record RowError(String error) {}

    static Map<String, Object> map(Map<String, Object> raw, Map<String, String> mapping) {
        if (mapping.isEmpty()) return new LinkedHashMap<>(raw);
        Map<String, Object> out = new LinkedHashMap<>();
        raw.forEach((k, v) -> {
            String dst = mapping.getOrDefault(k, k);
            if (dst != null && !dst.isEmpty()) out.put(dst, v);
        });
        return out;
    }

    /** Runs an import (or its dry run). */
    @SuppressWarnings("unchecked")
    public JsonObject importRows(Caller c, String dbId, String t, String contentType, String format, String body, boolean dryRun) {
        RethinkBackend b = db.be();
        db.getTable(c, dbId, t); // existence + row.read
        Parsed in = parse(contentType, format, body, dryRun);
        if (!in.dryRun()) db.require(c, dbId, t, "row.write");
        List<JsonObject> cols = db.columns(b, dbId, t);
        String p = db.phys(dbId);
        JsonArrayBuilder preview = Values.P.createArrayBuilder();
        JsonArrayBuilder errors = Values.P.createArrayBuilder();
        int reported = 0, failed = 0, inserted = 0, total = in.rows().size();
        List<Object> ids = new ArrayList<>();
        List<Map<String, Object>> batch = new ArrayList<>(BATCH);
        List<Integer> batchIdx = new ArrayList<>(BATCH);
        for (int i = 0; i < total; i++) {
            Object o = in.rows().get(i);
            Map<String, Object> raw = o instanceof Map<?, ?> m ? (Map<String, Object>) m : null;
            List<String> errs = new ArrayList<>();
            Map<String, Object> mapped = null;
            if (raw == null) errs.add(((RowError) o).error());
            else {
                mapped = map(raw, in.mapping());
                Coercion.coerce(mapped, cols);
                errs.addAll(Coercion.check(mapped, cols));
            }
            if (in.dryRun()) {
                if (i < PREVIEW) {
                    JsonObjectBuilder r = Values.P.createObjectBuilder().add("raw", raw == null ? JsonValue.NULL : Values.json(raw))
                            .add("mapped", mapped == null ? JsonValue.NULL : Values.json(mapped));
                    if (!errs.isEmpty()) r.add("errors", Values.P.createArrayBuilder(errs));
                    preview.add(r);
                }
                if (!errs.isEmpty()) failed++;
                continue;
            }
            if (!errs.isEmpty()) {
                failed++;
                if (reported++ < MAX_REPORTED_ERRORS) errors.add(Values.P.createObjectBuilder().add("row", i).add("errors", Values.P.createArrayBuilder(errs)));
                continue;
            }
            batch.add(mapped);
            batchIdx.add(i);
            if (batch.size() >= BATCH) {
                int[] r = flush(b, p, t, batch, batchIdx, ids, errors, reported);
                inserted += r[0];
                failed += r[1];
                reported += r[1];
            }
        }
        if (in.dryRun()) {
            return Values.P.createObjectBuilder().add("rows", preview).add("column_map", Values.json(in.mapping())).add("total", total)
                    .add("errors", failed).build();
        }
        if (!batch.isEmpty()) {
            int[] r = flush(b, p, t, batch, batchIdx, ids, errors, reported);
            inserted += r[0];
            failed += r[1];
        }
        db.ops().inc(dbId, t, "import", inserted);
        db.audit(b, p, c, "row", t, t, "import", Map.of("inserted", inserted, "failed", failed, "total", total));
        JsonObjectBuilder out = Values.P.createObjectBuilder().add("inserted", inserted)
                .add("ids", Values.json(ids.size() > MAX_IDS ? ids.subList(0, MAX_IDS) : ids)).add("failed", failed).add("total", total)
                .add("errors", errors);
        if (ids.size() > MAX_IDS) out.add("ids_truncated", true);
        return out.build();
    }

    /** Inserts one batch; a failing batch is retried row by row so each bad row is reported and the good ones land. */
    private static int[] flush(RethinkBackend b, String p, String t, List<Map<String, Object>> batch, List<Integer> idx, List<Object> ids,
                               JsonArrayBuilder errors, int reported) {
        int ok = 0, bad = 0;
        RethinkBackend.InsertResult r = b.insert(p, t, batch, false);
        if (r.errors() == 0) {
            ok = r.inserted();
            if (ids.size() < MAX_IDS + 1) ids.addAll(r.generatedKeys());
        } else {
            ok += r.inserted();
            if (ids.size() < MAX_IDS + 1) ids.addAll(r.generatedKeys());
            // which rows failed is not reported per row by RethinkDB: find them by key
            String pk = b.primaryKey(p, t);
            for (int i = 0; i < batch.size(); i++) {
                Object key = batch.get(i).get(pk);
                if (key == null) continue;
                Map<String, Object> stored = b.get(p, t, key);
                if (stored == null || !Values.json(stored).equals(Values.json(batch.get(i)))) {
                    bad++;
                    if (reported + bad <= MAX_REPORTED_ERRORS) {
                        errors.add(Values.P.createObjectBuilder().add("row", idx.get(i)).add("errors", Values.P.createArrayBuilder()
                                .add(stored == null ? "rejected:" + r.firstError() : "duplicate:" + pk)));
                    }
                }
            }
            int unexplained = Math.max(0, r.errors() - bad);
            if (unexplained > 0) {
                bad += unexplained;
                if (reported + bad <= MAX_REPORTED_ERRORS) {
                    errors.add(Values.P.createObjectBuilder().add("row", idx.get(0)).add("errors", Values.P.createArrayBuilder()
                            .add("batch:" + unexplained + " row(s) of rows " + idx.get(0) + ".." + idx.get(idx.size() - 1) + " failed: " + r.firstError())));
                }
            }
        }
        batch.clear();
        idx.clear();
        return new int[]{ok, bad};
    }

    // ---- export ------------------------------------------------------------------------------------

    public static String mediaType(String format) {
        return switch (format) {
            case "csv" -> "text/csv; charset=utf-8";
            case "ndjson" -> "application/x-ndjson";
            default -> "application/json";
        };
    }

    public static String normalizeFormat(String format) {
        String f = format == null || format.isBlank() ? "json" : format.trim().toLowerCase(Locale.ROOT);
        if (!Set.of("json", "ndjson", "csv").contains(f)) throw ApiException.badRequest("unsupported_format", "format must be json, ndjson or csv");
        return f;
    }

    /** Checks access and returns what the export streams; the write happens later, in {@link Export#write}. */
    public Export export(Caller c, String dbId, String t, String format, long limit) {
        String f = normalizeFormat(format);
        db.getTable(c, dbId, t);
        Role role = db.require(c, dbId, t, "row.read");
        RethinkBackend b = db.be();
        List<JsonObject> cols = db.columns(b, dbId, t);
        Set<String> masked = role.masked() ? DatabaseService.maskedColumns(cols) : Set.of();
        List<String> schemaOrder = new ArrayList<>();
        for (JsonObject col : cols) schemaOrder.add(col.getString("name"));
        return new Export(b, db.phys(dbId), t, f, limit, masked, schemaOrder, db, dbId);
    }

    /** A prepared export, streamed page by page. */
    public record Export(RethinkBackend b, String p, String t, String format, long limit, Set<String> masked, List<String> schemaOrder,
                         DatabaseService db, String dbId) {

        interface RowSink {
            void row(Map<String, Object> r) throws IOException;
        }

        private void scan(RowSink sink) throws IOException {
            String pk = b.primaryKey(p, t);
            Object after = null;
            long sent = 0;
            while (sent < limit) {
                int n = (int) Math.min(EXPORT_PAGE, limit - sent);
                List<Map<String, Object>> page = b.query(p, t, RethinkBackend.Query.page(after, n));
                for (Map<String, Object> r : page) sink.row(DatabaseService.mask(r, masked));
                sent += page.size();
                if (page.size() < n) break;
                after = page.get(page.size() - 1).get(pk);
            }
        }

        /** The CSV header: schema columns in order, then every other key seen, sorted. */
        List<String> header() throws IOException {
            TreeSet<String> extra = new TreeSet<>();
            scan(r -> extra.addAll(r.keySet()));
            List<String> h = new ArrayList<>(schemaOrder);
            extra.removeAll(schemaOrder);
            h.addAll(extra);
            return h;
        }

        public void write(OutputStream out) throws IOException {
            Writer w = new java.io.BufferedWriter(new java.io.OutputStreamWriter(out, java.nio.charset.StandardCharsets.UTF_8), 1 << 16);
            long[] count = {0};
            switch (format) {
                case "ndjson" -> scan(r -> {
                    w.write(Values.json(r).toString());
                    w.write('\n');
                    count[0]++;
                });
                case "csv" -> {
                    List<String> h = header();
                    w.write(String.join(",", h.stream().map(Csv::field).toList()));
                    w.write('\n');
                    scan(r -> {
                        StringBuilder sb = new StringBuilder();
                        for (int i = 0; i < h.size(); i++) {
                            if (i > 0) sb.append(',');
                            Object v = r.get(h.get(i));
                            if (v == null) continue;
                            sb.append(Csv.field(v instanceof String s ? s : Values.json(v).toString()));
                        }
                        sb.append('\n');
                        w.write(sb.toString());
                        count[0]++;
                    });
                }
                default -> {
                    w.write('[');
                    scan(r -> {
                        if (count[0]++ > 0) w.write(',');
                        w.write(Values.json(r).toString());
                    });
                    w.write("]");
                }
            }
            w.flush();
            db.ops().inc(dbId, t, "export", count[0]);
        }
    }
}
