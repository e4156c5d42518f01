package io.guildnet.batch.transfer;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.Serializable;
import java.io.StringReader;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * The file half of an export: written chunk by chunk, forced to disk after each chunk, and
 * described by a {@link State} (length, rows, CSV columns) that the job persists with the
 * chunk. Reopening at a state truncates whatever a crash wrote after it, so the finished file
 * has every row exactly once. Files are created owner-only (0600).
 */
public final class ExportFile implements AutoCloseable {

    /** Where the file stands after a committed chunk. */
    public record State(long offset, long rows, List<String> columns) implements Serializable {
        private static final long serialVersionUID = 1L;
    }

    private final Path file;
    private final TransferFormat format;
    private FileChannel out;
    private State state;

    public ExportFile(Path file, TransferFormat format) {
        this.file = file;
        this.format = format;
    }

    /** Starts the file ({@code from == null}: header with {@code columns}) or reopens it at a committed state. */
    public State open(State from, List<String> columns) throws IOException {
        Files.createDirectories(file.getParent());
        if (from != null && !Files.exists(file)) {
            throw new IOException(file.getFileName() + " was deleted (DELETE …/file or GUILDNET_BATCH_TRANSFER_RETENTION_HOURS), so this"
                    + " export cannot continue from its checkpoint: submit the export again");
        }
        if (!Files.exists(file)) createPrivate(file);
        out = FileChannel.open(file, StandardOpenOption.WRITE);
        if (from == null) {
            out.truncate(0);
            write(format.header(columns));
            out.force(false);
            state = new State(out.size(), 0, List.copyOf(columns));
        } else {
            if (out.size() < from.offset()) throw new IOException(file.getFileName() + " is shorter (" + out.size()
                    + " bytes) than its checkpoint (" + from.offset() + " bytes): it was changed outside the job");
            out.truncate(from.offset()); // drop what a crash wrote after the checkpoint
            state = from;
        }
        out.position(state.offset());
        return state;
    }

    /** Appends rows and forces them to disk; returns the state to persist with this chunk. */
    public State append(List<JsonObject> rows) throws IOException {
        StringBuilder sb = new StringBuilder();
        long n = state.rows();
        for (JsonObject r : rows) {
            sb.append(format.row(r, state.columns(), n == 0));
            n++;
        }
        write(sb.toString());
        out.force(false);
        state = new State(out.position(), n, state.columns());
        return state;
    }

    public State state() { return state; }

    private void write(String s) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.UTF_8));
        while (b.hasRemaining()) out.write(b);
    }

    @Override
    public void close() throws IOException {
        if (out != null) out.close();
        out = null;
    }

    /**
     * Writes the closing text (JSON's {@code ]}) once, however often it runs: a finish step
     * restarted after a crash checks whether the footer is already there.
     */
    public static void finish(Path file, TransferFormat format) throws IOException {
        if (format != TransferFormat.JSON) return;
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long end = ch.size();
            int tail = (int) Math.min(end, 64);
            ByteBuffer b = ByteBuffer.allocate(tail);
            ch.read(b, end - tail);
            String s = new String(b.array(), StandardCharsets.UTF_8);
            String trimmed = s.stripTrailing();
            if (trimmed.endsWith("]")) return;
            long keep = end - (s.getBytes(StandardCharsets.UTF_8).length - trimmed.getBytes(StandardCharsets.UTF_8).length);
            ch.truncate(keep);
            String footer = trimmed.endsWith("[") ? "]\n" : "\n]\n";
            ch.write(ByteBuffer.wrap(footer.getBytes(StandardCharsets.UTF_8)), keep);
            ch.force(true);
        }
    }

    /** The CSV columns: the primary key first, then every other field of any row, sorted (one extra pass over the table). */
    public static List<String> csvColumns(TableStore store, String db, String table, String pk, int pageSize) throws Exception {
        TreeSet<String> keys = new TreeSet<>();
        JsonValue after = null;
        while (true) {
            List<JsonObject> page = store.page(db, table, after, pageSize);
            for (JsonObject r : page) keys.addAll(r.keySet());
            if (page.size() < pageSize) break;
            after = page.get(page.size() - 1).get(pk);
        }
        keys.remove(pk);
        List<String> out = new ArrayList<>();
        out.add(pk);
        out.addAll(keys);
        return out;
    }

    static void createPrivate(Path f) throws IOException {
        try {
            Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(f);
        }
    }

    /** A key as the text a checkpoint keeps (its JSON, so 10 and "10" stay apart). */
    public static String keyText(JsonValue key) {
        return key == null ? null : key.toString();
    }

    public static JsonValue parseKey(String text) {
        if (text == null) return null;
        try (var r = TransferFormat.P.createReader(new StringReader(text))) {
            return r.readValue();
        }
    }
}
