package io.guildnet.batch.transfer;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.Serializable;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Exports one table to a file chunk by chunk. After each chunk the file is forced to disk and
 * a {@link Checkpoint} (last key written, file length, rows) is returned; resuming from a
 * checkpoint truncates whatever a crash left after it and goes on from the next key, so the
 * finished file has every row exactly once, in key order.
 */
public final class TableExporter implements AutoCloseable {

    /** Where an export stands: persisted by the job after every chunk. */
    public record Checkpoint(String lastKey, long offset, long rows, List<String> columns) implements Serializable {}

    private final TableStore store;
    private final String db;
    private final String table;
    private final Path file;
    private final TransferFormat format;
    private final int chunk;
    private FileChannel out;
    private Checkpoint cp;
    private String pk;

    public TableExporter(TableStore store, String db, String table, Path file, TransferFormat format, int chunk) {
        this.store = store;
        this.db = db;
        this.table = table;
        this.file = file;
        this.format = format;
        this.chunk = chunk;
    }

    /** Opens the file fresh ({@code from == null}) or at a checkpoint. */
    public Checkpoint open(Checkpoint from) throws Exception {
        pk = store.primaryKey(db, table);
        Files.createDirectories(file.getParent());
        out = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (from == null) {
            out.truncate(0);
            List<String> columns = new ArrayList<>();
            if (format == TransferFormat.CSV) {
                // CSV needs its columns up front: the key first, then the first row's fields
                columns.add(pk);
                for (JsonObject r : store.page(db, table, null, 1)) r.keySet().stream().filter(k -> !k.equals(pk)).sorted().forEach(columns::add);
            }
            write(format.header(columns));
            cp = new Checkpoint(null, out.size(), 0, List.copyOf(columns));
        } else {
            out.truncate(from.offset()); // drop what a crash wrote after the checkpoint
            cp = from;
        }
        out.position(cp.offset());
        return cp;
    }

    /** Writes the next chunk; returns the new checkpoint, or {@code null} when the table is done. */
    public Checkpoint nextChunk() throws Exception {
        List<JsonObject> rows = store.page(db, table, cp.lastKey(), chunk);
        if (rows.isEmpty()) return null;
        StringBuilder sb = new StringBuilder();
        long n = cp.rows();
        String last = cp.lastKey();
        for (JsonObject r : rows) {
            sb.append(format.row(r, cp.columns(), n == 0));
            n++;
            last = key(r);
        }
        write(sb.toString());
        out.force(false);
        cp = new Checkpoint(last, out.position(), n, cp.columns());
        return cp;
    }

    /** Writes the closing text (JSON's {@code ]}) once every chunk is written. */
    public void finish() throws IOException {
        write(format.footer(cp.rows() == 0));
        out.force(true);
    }

    public Checkpoint checkpoint() { return cp; }

    private String key(JsonObject r) {
        var v = r.get(pk);
        return v instanceof jakarta.json.JsonString s ? s.getString() : String.valueOf(v);
    }

    private void write(String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) out.write(b);
    }

    @Override
    public void close() throws IOException {
        if (out != null) out.close();
    }
}
