package io.guildnet.batch.transfer;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.List;

/**
 * Exports one table to a file chunk by chunk (the whole export in one object: the benchmark
 * and unit tests use it; the batch job splits the same work into a chunk step's reader
 * and writer). After each chunk the file is forced to disk and a {@link Checkpoint} (last key
 * written as JSON, file length, rows) is returned; resuming from a checkpoint truncates
 * whatever a crash left after it and goes on from the next key, so the finished file has every
 * row exactly once, in key order.
 */
public final class TableExporter implements AutoCloseable {

    /** Where an export stands: persisted by the job after every chunk. {@code lastKey} is the key's JSON text. */
    public record Checkpoint(String lastKey, long offset, long rows, List<String> columns) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final TableStore store;
    private final String db;
    private final String table;
    private final TransferFormat format;
    private final int chunk;
    private final ExportFile file;
    private final Path path;
    private Checkpoint cp;
    private String pk;

    public TableExporter(TableStore store, String db, String table, Path file, TransferFormat format, int chunk) {
        this.store = store;
        this.db = db;
        this.table = table;
        this.format = format;
        this.chunk = chunk;
        this.file = new ExportFile(file, format);
        this.path = file;
    }

    /** Opens the file fresh ({@code from == null}) or at a checkpoint. */
    public Checkpoint open(Checkpoint from) throws Exception {
        pk = store.primaryKey(db, table);
        if (from == null) {
            List<String> columns = format == TransferFormat.CSV ? ExportFile.csvColumns(store, db, table, pk, chunk) : List.of();
            ExportFile.State s = file.open(null, columns);
            cp = new Checkpoint(null, s.offset(), 0, s.columns());
        } else {
            file.open(new ExportFile.State(from.offset(), from.rows(), from.columns()), from.columns());
            cp = from;
        }
        return cp;
    }

    /** Writes the next chunk; returns the new checkpoint, or {@code null} when the table is done. */
    public Checkpoint nextChunk() throws Exception {
        List<JsonObject> rows = store.page(db, table, ExportFile.parseKey(cp.lastKey()), chunk);
        if (rows.isEmpty()) return null;
        ExportFile.State s = file.append(rows);
        cp = new Checkpoint(ExportFile.keyText(rows.get(rows.size() - 1).get(pk)), s.offset(), s.rows(), s.columns());
        return cp;
    }

    /** Writes the closing text (JSON's {@code ]}) once every chunk is written. */
    public void finish() throws IOException {
        file.close();
        ExportFile.finish(path, format);
    }

    public Checkpoint checkpoint() { return cp; }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
