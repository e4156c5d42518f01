package io.guildnet.bench;

import io.guildnet.batch.transfer.TableExporter;
import io.guildnet.batch.transfer.TableImporter;
import io.guildnet.batch.transfer.TransferFormat;
import io.guildnet.rethink.Caller;
import io.guildnet.rethink.DatabaseService;
import io.guildnet.rethink.Discovery;
import io.guildnet.rethink.DriverBackend;
import io.guildnet.rethink.InMemoryBackend;
import io.guildnet.rethink.RethinkBackend;
import io.guildnet.rethink.RethinkTables;
import jakarta.json.Json;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * rethink-export / rethink-import throughput on the plain classes (no batch runtime, no HTTP):
 * ROWS rows imported from NDJSON, then exported and re-imported in each format, chunk CHUNK.
 * The in-memory backend by default; {@code --rdb 127.0.0.1:28015} uses a real RethinkDB (loopback only).
 * Usage: TransferBench rows chunk workdir [--rdb host:port]
 */
public final class TransferBench {

    public static void main(String[] args) throws Exception {
        int rows = Integer.parseInt(args[0]);
        int chunk = Integer.parseInt(args[1]);
        Path dir = Path.of(args[2]);
        String rdb = args.length > 4 && args[3].equals("--rdb") ? args[4] : null;
        Files.createDirectories(dir);
        ExecutorService exec = Executors.newCachedThreadPool();
        RethinkBackend backend;
        if (rdb != null) {
            Discovery.Candidate c = Discovery.explicit(rdb);
            if (!io.guildnet.security.AuthPolicy.isLoopback(c.host()) && !c.host().equals("localhost")) throw new IllegalArgumentException("--rdb must be loopback");
            backend = DriverBackend.connect(c.host(), c.port(), "admin", System.getenv().getOrDefault("RDB_PASS", ""), Duration.ofSeconds(3), exec,
                    Duration.ofSeconds(120));
        } else {
            backend = new InMemoryBackend();
        }
        String org = "bench" + System.currentTimeMillis();
        DatabaseService svc = new DatabaseService(org, () -> backend, Clock.systemUTC(), DatabaseService.OpsSink.NONE);
        Caller admin = Caller.admin("local");
        svc.createDatabase(admin, Json.createObjectBuilder().add("id", "bench").build());
        for (String t : new String[] {"src", "copy_json", "copy_ndjson", "copy_csv"}) {
            svc.createTable(admin, "bench", Json.createObjectBuilder().add("name", t).add("primary_key", "id").build());
        }
        RethinkTables.Store store = new RethinkTables.Store(svc, admin);

        Path seed = dir.resolve("seed.ndjson");
        try (BufferedWriter w = Files.newBufferedWriter(seed, StandardCharsets.UTF_8)) {
            for (int i = 0; i < rows; i++) {
                w.write("{\"id\":" + i + ",\"name\":\"user " + i + "\",\"email\":\"u" + i + "@example.test\",\"score\":" + (i * 7 % 1000)
                        + ",\"active\":" + (i % 3 == 0) + ",\"tags\":[\"a\",\"b\"]}\n");
            }
        }
        System.out.printf(Locale.ROOT, "== %d rows (%.1f MB NDJSON), chunk %d, backend %s%n", rows, Files.size(seed) / 1e6, chunk,
                rdb == null ? "memory" : "rethinkdb " + rdb);
        long t0 = System.nanoTime();
        importFile(store, "src", seed, TransferFormat.NDJSON, chunk);
        report("import ndjson (seed)", rows, t0, seed);
        for (TransferFormat f : TransferFormat.values()) {
            Path out = dir.resolve("export." + f.extension());
            t0 = System.nanoTime();
            long n;
            try (TableExporter ex = new TableExporter(store, "bench", "src", out, f, chunk)) {
                ex.open(null);
                while (ex.nextChunk() != null) { }
                ex.finish();
                n = ex.checkpoint().rows();
            }
            if (n != rows) throw new IllegalStateException("exported " + n + " rows, expected " + rows);
            report("export " + f.extension(), rows, t0, out);
            t0 = System.nanoTime();
            importFile(store, "copy_" + f.extension(), out, f, chunk);
            report("import " + f.extension(), rows, t0, out);
            if (backend.count(svc.org().isEmpty() ? "" : io.guildnet.rethink.DbNames.physical(org, "bench"), "copy_" + f.extension()) != rows) {
                throw new IllegalStateException("import of " + f + " lost rows");
            }
        }
        backend.close();
        exec.shutdownNow();
    }

    static void importFile(RethinkTables.Store store, String table, Path file, TransferFormat f, int chunk) throws Exception {
        try (TableImporter im = new TableImporter(store, "bench", table, file, f, chunk)) {
            im.open(null);
            while (im.nextChunk() != null) { }
        }
    }

    static void report(String what, int rows, long t0, Path file) throws Exception {
        double s = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "%-22s %8.0f rows/s  (%.2f s, file %.1f MB)%n", what, rows / s, s, Files.size(file) / 1e6);
    }
}
