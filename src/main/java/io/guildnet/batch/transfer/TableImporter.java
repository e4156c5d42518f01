package io.guildnet.batch.transfer;

import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.stream.JsonParser;
import java.io.BufferedReader;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;

/**
 * Imports a file into a table chunk by chunk with idempotent upserts. The checkpoint is the
 * number of rows already written; a resumed import skips them, and a chunk replayed after a
 * crash only rewrites the same rows, so no row is ever duplicated.
 */
public final class TableImporter implements AutoCloseable {

    /** Where an import stands. */
    public record Checkpoint(long rows) implements Serializable {}

    private final TableStore store;
    private final String db;
    private final String table;
    private final Path file;
    private final TransferFormat format;
    private final int chunk;
    private Iterator<JsonObject> rows;
    private AutoCloseable source;
    private Checkpoint cp;
    private long read;
    private final java.util.concurrent.atomic.AtomicLong bytes = new java.util.concurrent.atomic.AtomicLong();

    public TableImporter(TableStore store, String db, String table, Path file, TransferFormat format, int chunk) {
        this.store = store;
        this.db = db;
        this.table = table;
        this.file = file;
        this.format = format;
        this.chunk = chunk;
    }

    public Checkpoint open(Checkpoint from) throws Exception {
        rows = switch (format) {
            case NDJSON -> lines(false);
            case CSV -> lines(true);
            case JSON -> jsonArray();
        };
        cp = from == null ? new Checkpoint(0) : from;
        for (long i = 0; i < cp.rows() && rows.hasNext(); i++) rows.next();
        read = cp.rows();
        return cp;
    }

    /** The next row of the file (for a chunk step's reader), or null at its end. */
    public JsonObject nextRow() {
        if (!rows.hasNext()) return null;
        read++;
        return rows.next();
    }

    /** Rows handed out so far (including those skipped when resuming). */
    public long rowsRead() { return read; }

    /** How many rows a file holds (one parsing pass; for progress). */
    public static long countRows(Path file, TransferFormat format) throws Exception {
        try (TableImporter t = new TableImporter(null, null, null, file, format, 1)) {
            t.open(null);
            long n = 0;
            while (t.nextRow() != null) n++;
            return n;
        }
    }

    /** Bytes of the file consumed so far (read ahead by a buffer, so a little more than the rows handed out). */
    public long bytesRead() { return bytes.get(); }

    private java.io.Reader reader() throws java.io.IOException {
        java.io.InputStream in = new java.io.FilterInputStream(Files.newInputStream(file)) {
            @Override public int read() throws java.io.IOException {
                int c = super.read();
                if (c >= 0) bytes.incrementAndGet();
                return c;
            }

            @Override public int read(byte[] b, int off, int len) throws java.io.IOException {
                int n = super.read(b, off, len);
                if (n > 0) bytes.addAndGet(n);
                return n;
            }
        };
        return new java.io.InputStreamReader(in, StandardCharsets.UTF_8);
    }

    /** Upserts the next chunk; returns the new checkpoint, or {@code null} when the file is done. */
    public Checkpoint nextChunk() throws Exception {
        List<JsonObject> batch = new ArrayList<>();
        while (batch.size() < chunk && rows.hasNext()) batch.add(rows.next());
        if (batch.isEmpty()) return null;
        store.upsert(db, table, batch);
        cp = new Checkpoint(cp.rows() + batch.size());
        read = cp.rows();
        return cp;
    }

    public Checkpoint checkpoint() { return cp; }

    private Iterator<JsonObject> lines(boolean csv) throws Exception {
        BufferedReader r = new BufferedReader(reader(), 1 << 16);
        source = r;
        List<String> header = new ArrayList<>();
        if (csv) {
            String h = record(r);
            if (h != null) header.addAll(TransferFormat.csvCells(h));
        }
        return new Iterator<JsonObject>() {
            JsonObject next = advance();

            JsonObject advance() {
                try {
                    String line;
                    while ((line = csv ? record(r) : r.readLine()) != null) {
                        if (line.isBlank()) continue;
                        if (!csv) return TransferFormat.parseJson(line);
                        List<String> cells = TransferFormat.csvCells(line);
                        JsonObjectBuilder b = TransferFormat.P.createObjectBuilder();
                        for (int i = 0; i < header.size(); i++) {
                            String v = i < cells.size() ? cells.get(i) : "";
                            if (v.isEmpty()) b.addNull(header.get(i));
                            else b.add(header.get(i), v);
                        }
                        return b.build();
                    }
                    return null;
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }

            @Override public boolean hasNext() { return next != null; }

            @Override public JsonObject next() {
                if (next == null) throw new NoSuchElementException();
                JsonObject n = next;
                next = advance();
                return n;
            }
        };
    }

    /** One CSV record: lines are joined while a quoted cell is open. */
    static String record(BufferedReader r) throws java.io.IOException {
        String line = r.readLine();
        if (line == null) return null;
        StringBuilder sb = new StringBuilder(line);
        while (quotes(sb) % 2 == 1) {
            String more = r.readLine();
            if (more == null) break;
            sb.append('\n').append(more);
        }
        return sb.toString();
    }

    private static long quotes(CharSequence s) {
        return s.chars().filter(c -> c == '"').count();
    }

    private Iterator<JsonObject> jsonArray() throws Exception {
        JsonParser p = TransferFormat.P.createParser(new BufferedReader(reader(), 1 << 16));
        source = p;
        if (!p.hasNext() || p.next() != JsonParser.Event.START_ARRAY) throw new IllegalArgumentException("a JSON import must be one array of objects");
        return new Iterator<JsonObject>() {
            JsonObject next = advance();

            JsonObject advance() {
                while (p.hasNext()) {
                    JsonParser.Event e = p.next();
                    if (e == JsonParser.Event.START_OBJECT) return p.getObject();
                    if (e == JsonParser.Event.END_ARRAY) return null;
                    throw new IllegalArgumentException("a JSON import must be an array of objects, found " + e);
                }
                return null;
            }

            @Override public boolean hasNext() { return next != null; }

            @Override public JsonObject next() {
                if (next == null) throw new NoSuchElementException();
                JsonObject n = next;
                next = advance();
                return n;
            }
        };
    }

    @Override
    public void close() throws Exception {
        if (source != null) source.close();
    }
}
