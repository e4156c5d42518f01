package io.guildnet.bench;

import io.guildnet.rethink.Caller;
import io.guildnet.rethink.ChangefeedHub;
import io.guildnet.rethink.DataTransfer;
import io.guildnet.rethink.DatabaseService;
import io.guildnet.rethink.DbNames;
import io.guildnet.rethink.Discovery;
import io.guildnet.rethink.DriverBackend;
import io.guildnet.rethink.InMemoryBackend;
import io.guildnet.rethink.RethinkBackend;
import io.guildnet.rethink.RethinkLink;
import java.io.ByteArrayOutputStream;
import java.io.FileInputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Changefeed fan-out benchmark (scripts/bench/rethink-fanout.sh): N subscribers of one table,
 * R changes/s for S seconds; delivery latency (row written → frame received) p50/p99, dropped
 * events and lag notices; then import/export rows/s.
 *
 * <ul>
 *   <li>{@code hub} mode: the hub in this JVM, subscribers are in-process sinks; the source is
 *       the in-memory backend, or a real RethinkDB with {@code --rdb host:port} (loopback only).</li>
 *   <li>{@code sse} mode: real SSE clients against a running Host App ({@code --base}, {@code --cacert},
 *       {@code --token}, {@code --cluster}); changes are written through the REST API in batches.</li>
 * </ul>
 */
public final class RethinkFanoutBench {

    static final int BUCKET_US = 100, BUCKETS = 200_000; // 0.1 ms resolution up to 20 s
    static final AtomicLongArray HIST = new AtomicLongArray(BUCKETS);
    static final LongAdder RECEIVED = new LongAdder(), LAGGED = new LongAdder(), OVER = new LongAdder();

    static long nowMicros() {
        java.time.Instant i = java.time.Instant.now();
        return i.getEpochSecond() * 1_000_000L + i.getNano() / 1000;
    }

    static void record(String data) {
        if (data.startsWith("{\"type\":\"lagged\"")) {
            LAGGED.increment();
            return;
        }
        int i = data.indexOf("\"t0\":");
        if (i < 0 || data.contains("\"snapshot\":true")) return;
        int j = i + 5, k = j;
        while (k < data.length() && Character.isDigit(data.charAt(k))) k++;
        long lat = nowMicros() - Long.parseLong(data.substring(j, k));
        int b = (int) Math.max(0, Math.min(BUCKETS - 1, lat / BUCKET_US));
        if (lat / BUCKET_US >= BUCKETS) OVER.increment();
        HIST.incrementAndGet(b);
        RECEIVED.increment();
    }

    static double pct(double p) {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) total += HIST.get(i);
        long want = (long) Math.ceil(total * p), seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += HIST.get(i);
            if (seen >= want && total > 0) return (i + 1) * BUCKET_US / 1000.0;
        }
        return Double.NaN;
    }

    static Map<String, String> args(String[] a) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i + 1 < a.length; i += 2) m.put(a[i].replaceFirst("^--", ""), a[i + 1]);
        return m;
    }

    public static void main(String[] argv) throws Exception {
        Map<String, String> a = args(argv);
        String mode = a.getOrDefault("mode", "hub");
        int subs = Integer.parseInt(a.getOrDefault("subs", "1000"));
        int rate = Integer.parseInt(a.getOrDefault("rate", "1000"));
        int seconds = Integer.parseInt(a.getOrDefault("seconds", "30"));
        int ioRows = Integer.parseInt(a.getOrDefault("io-rows", "100000"));
        System.out.printf(Locale.ROOT, "machine: %d cores, Java %s; mode %s; %d subscribers, %d changes/s for %d s%n",
                Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), mode, subs, rate, seconds);
        if (mode.equals("sse")) sse(a, subs, rate, seconds, ioRows);
        else hub(a, subs, rate, seconds, ioRows);
        System.exit(0);
    }

    // ---- in-process hub ---------------------------------------------------------------------------

    static void hub(Map<String, String> a, int subs, int rate, int seconds, int ioRows) throws Exception {
        ScheduledExecutorService exec = Executors.newScheduledThreadPool(Runtime.getRuntime().availableProcessors() * 2);
        RethinkBackend backend;
        RethinkLink link = null;
        String rdb = a.get("rdb");
        if (rdb != null) {
            Discovery.Candidate c = Discovery.explicit(rdb);
            if (!io.guildnet.security.AuthPolicy.isLoopback(c.host()) && !c.host().equals("localhost")) throw new IllegalArgumentException("--rdb must be loopback");
            link = new RethinkLink("bench", () -> new RethinkLink.Target(List.of(c), new RethinkLink.Creds("admin", a.getOrDefault("rdb-pass", "")), "fp"),
                    () -> "fp", (h, p, cr) -> DriverBackend.connect(h, p, cr.user(), cr.password(), Duration.ofSeconds(3), exec, Duration.ofSeconds(60)),
                    null, exec, exec, Clock.systemUTC(), Duration.ofSeconds(5)).start(Duration.ofSeconds(5));
            backend = link.backend();
        } else backend = new InMemoryBackend(exec); // changes delivered off the writer thread, like a server
        RethinkLink l = link;
        java.util.function.Supplier<RethinkBackend> be = l == null ? () -> backend : l::backend;
        DatabaseService svc = new DatabaseService("bench", be, Clock.systemUTC(), DatabaseService.OpsSink.NONE);
        Caller admin = Caller.admin("user:admin");
        try {
            svc.deleteDatabase(admin, "fanout");
        } catch (RuntimeException ignored) {
            // first run
        }
        svc.createDatabase(admin, io.guildnet.rethink.Values.object(Map.of("id", "fanout")));
        svc.createTable(admin, "fanout", io.guildnet.rethink.Values.object(Map.of("name", "events")));
        ChangefeedHub.Stats stats = new ChangefeedHub.Stats();
        ChangefeedHub hub = new ChangefeedHub("bench", be, exec, exec, ChangefeedHub.Options.defaults(), stats, Clock.systemUTC());
        String phys = DbNames.physical("bench", "fanout");
        CountDownLatch ready = new CountDownLatch(subs);
        List<LongAdder> perSub = new ArrayList<>();
        for (int i = 0; i < subs; i++) {
            LongAdder mine = new LongAdder();
            perSub.add(mine);
            hub.subscribe(phys, "events", new ChangefeedHub.FrameSink() {
                boolean initSeen;

                @Override
                public CompletionStage<?> send(ChangefeedHub.Frame f) {
                    if (!f.comment()) {
                        if (!initSeen && f.data().startsWith("{\"type\":\"init\"")) {
                            initSeen = true;
                            ready.countDown();
                        } else if (f.data().contains("\"t0\":")) {
                            mine.increment();
                        }
                        record(f.data());
                    }
                    return CompletableFuture.completedFuture(null);
                }

                @Override
                public boolean isClosed() { return false; }

                @Override
                public void close() { }
            }, Set.of(), false, null);
        }
        ready.await(60, TimeUnit.SECONDS);
        long sent = write(rate, seconds, batch -> backend(be).insert(phys, "events", batch, false));
        settle();
        report(sent, subs, perSub.stream().mapToLong(LongAdder::sum).toArray(), stats);
        System.gc();
        Thread.sleep(500);
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        System.out.printf(Locale.ROOT, "heap after GC (bench JVM, hub + %d sinks): %.1f MiB used%n", subs, heap.getUsed() / 1048576.0);
        hub.close();

        // import / export
        svc.createTable(admin, "fanout", io.guildnet.rethink.Values.object(Map.of("name", "bulk")));
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < ioRows; i++) nd.append("{\"n\":").append(i).append(",\"name\":\"row-").append(i).append("\",\"ok\":true}\n");
        DataTransfer io = new DataTransfer(svc);
        long t0 = System.nanoTime();
        var r = io.importRows(admin, "fanout", "bulk", "application/x-ndjson", null, nd.toString(), false);
        double imp = (System.nanoTime() - t0) / 1e9;
        CountingStream out = new CountingStream();
        t0 = System.nanoTime();
        io.export(admin, "fanout", "bulk", "ndjson", Long.MAX_VALUE).write(out);
        double exp = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "import %d rows (NDJSON, batches of %d): %.2f s = %.0f rows/s%n", r.getInt("inserted"), DataTransfer.BATCH, imp,
                r.getInt("inserted") / imp);
        System.out.printf(Locale.ROOT, "export %d rows (NDJSON, %d bytes): %.2f s = %.0f rows/s%n", out.lines, out.bytes, exp, out.lines / exp);
        svc.deleteDatabase(admin, "fanout");
        if (link != null) link.close();
        exec.shutdownNow();
    }

    static RethinkBackend backend(java.util.function.Supplier<RethinkBackend> s) { return s.get(); }

    /** Waits until frames stop arriving (5 s without one), at most 180 s after the last write. */
    static void settle() throws InterruptedException {
        long t0 = System.nanoTime(), last = -1, quietSince = System.nanoTime();
        while (System.nanoTime() - t0 < 180_000_000_000L) {
            long now = RECEIVED.sum();
            if (now != last) {
                last = now;
                quietSince = System.nanoTime();
            } else if (System.nanoTime() - quietSince > 5_000_000_000L) break;
            Thread.sleep(500);
        }
        System.out.printf(Locale.ROOT, "deliveries settled %.1f s after the last write%n", (System.nanoTime() - t0) / 1e9 - 5);
    }

    static final class CountingStream extends OutputStream {
        long bytes, lines;

        @Override
        public void write(int b) {
            bytes++;
            if (b == '\n') lines++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
            for (int i = off; i < off + len; i++) if (b[i] == '\n') lines++;
        }
    }

    interface BatchWriter {
        void write(List<Map<String, Object>> rows) throws Exception;
    }

    /** Writes {@code rate} rows/s in 10 batches a second; returns the number written. */
    static long write(int rate, int seconds, BatchWriter w) throws Exception {
        int perTick = Math.max(1, rate / 10);
        long start = System.nanoTime(), sent = 0;
        for (int tick = 0; tick < seconds * 10; tick++) {
            long due = start + tick * 100_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            List<Map<String, Object>> batch = new ArrayList<>(perTick);
            for (int i = 0; i < perTick; i++) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("seq", sent + i);
                row.put("t0", nowMicros());
                batch.add(row);
            }
            w.write(batch);
            sent += perTick;
        }
        double took = (System.nanoTime() - start) / 1e9;
        System.out.printf(Locale.ROOT, "wrote %d changes in %.1f s (%.0f/s)%n", sent, took, sent / took);
        return sent;
    }

    static void report(long sent, int subs, long[] perSub, ChangefeedHub.Stats stats) {
        long expected = sent * subs, got = RECEIVED.sum();
        long complete = java.util.Arrays.stream(perSub).filter(n -> n == sent).count();
        System.out.printf(Locale.ROOT, "delivered %d of %d live frames (%.2f%%); %d of %d subscribers got every change%n", got, expected,
                100.0 * got / Math.max(1, expected), complete, subs);
        System.out.printf(Locale.ROOT, "delivery latency: p50 %.1f ms, p99 %.1f ms, p99.9 %.1f ms, max bucket %s%n", pct(0.5), pct(0.99), pct(0.999),
                OVER.sum() > 0 ? ">20 s (" + OVER.sum() + ")" : String.format(Locale.ROOT, "%.1f ms", pct(1.0)));
        System.out.printf(Locale.ROOT, "lagged notices %d; dropped events %d%s%n", LAGGED.sum() + (stats == null ? 0 : 0),
                stats == null ? expected - got : stats.dropped.get(), stats == null ? " (frames not received)" : " (hub)");
    }

    // ---- SSE against a running Host App ----------------------------------------------------------------

    static void sse(Map<String, String> a, int subs, int rate, int seconds, int ioRows) throws Exception {
        String base = a.get("base"), token = a.get("token"), cid = a.get("cluster");
        KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
        ks.load(null);
        try (FileInputStream in = new FileInputStream(a.get("cacert"))) {
            ks.setCertificateEntry("server", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ks);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        HttpClient http = HttpClient.newBuilder().sslContext(ssl).version(HttpClient.Version.HTTP_1_1)
                .executor(Executors.newFixedThreadPool(4)).connectTimeout(Duration.ofSeconds(60)).build();
        String db = base + "/api/cluster/" + cid + "/db";
        java.util.function.BiFunction<String, String, HttpResponse<String>> post = (path, body) -> {
            try {
                return http.send(HttpRequest.newBuilder(URI.create(db + path)).header("Authorization", "Bearer " + token)
                        .header("Content-Type", path.endsWith("import") ? "application/x-ndjson" : "application/json")
                        .timeout(Duration.ofMinutes(5)).POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        };
        HttpClient admin = HttpClient.newBuilder().sslContext(ssl).build();
        admin.send(HttpRequest.newBuilder(URI.create(db + "/fanout")).header("Authorization", "Bearer " + token).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
        check(post.apply("", "{\"id\":\"fanout\"}"), 201);
        check(post.apply("/fanout/tables", "{\"name\":\"events\"}"), 201);
        // import/export first, on a quiet server
        check(post.apply("/fanout/tables", "{\"name\":\"bulk\"}"), 201);
        StringBuilder nd = new StringBuilder();
        for (int i = 0; i < ioRows; i++) nd.append("{\"n\":").append(i).append(",\"name\":\"row-").append(i).append("\",\"ok\":true}\n");
        long t0 = System.nanoTime();
        HttpResponse<String> imp = post.apply("/fanout/tables/bulk/import", nd.toString());
        double impS = (System.nanoTime() - t0) / 1e9;
        check(imp, 200);
        t0 = System.nanoTime();
        HttpResponse<java.io.InputStream> exp = admin.send(HttpRequest.newBuilder(URI.create(db + "/fanout/tables/bulk/export?format=ndjson"))
                .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofInputStream());
        CountingStream out = new CountingStream();
        exp.body().transferTo(out);
        double expS = (System.nanoTime() - t0) / 1e9;
        System.out.printf(Locale.ROOT, "import over HTTP (%d bytes NDJSON): %s in %.2f s = %.0f rows/s%n", nd.length(),
                imp.body().replaceAll(",\"ids\":\\[[^]]*\\]", ""), impS, ioRows / impS);
        System.out.printf(Locale.ROOT, "export over HTTP: %d rows (%d bytes) in %.2f s = %.0f rows/s%n", out.lines, out.bytes, expS, out.lines / expS);
        CountDownLatch ready = new CountDownLatch(subs);
        List<LongAdder> perSub = new ArrayList<>();
        AtomicLong failedStreams = new AtomicLong();
        java.util.concurrent.atomic.AtomicReference<String> firstFailure = new java.util.concurrent.atomic.AtomicReference<>();
        for (int i = 0; i < subs; i++) {
            LongAdder mine = new LongAdder();
            perSub.add(mine);
            HttpRequest req = HttpRequest.newBuilder(URI.create(base + "/sse/cluster/" + cid + "/db/fanout/tables/events/changes"))
                    .header("Authorization", "Bearer " + token).header("Accept", "text/event-stream").build();
            http.sendAsync(req, HttpResponse.BodyHandlers.fromLineSubscriber(new Flow.Subscriber<String>() {
                boolean initSeen;
                Flow.Subscription s;

                public void onSubscribe(Flow.Subscription s) {
                    this.s = s;
                    s.request(Long.MAX_VALUE);
                }

                public void onNext(String line) {
                    if (!line.startsWith("data:")) return;
                    String d = line.substring(line.startsWith("data: ") ? 6 : 5);
                    if (!initSeen && d.startsWith("{\"type\":\"init\"")) {
                        initSeen = true;
                        ready.countDown();
                        return;
                    }
                    if (d.contains("\"t0\":") && !d.contains("\"snapshot\":true")) mine.increment();
                    record(d);
                }

                public void onError(Throwable t) {
                    failedStreams.incrementAndGet();
                    firstFailure.compareAndSet(null, String.valueOf(t));
                }

                public void onComplete() { }
            })).whenComplete((r, t) -> {
                if (t != null) {
                    failedStreams.incrementAndGet();
                    firstFailure.compareAndSet(null, String.valueOf(t));
                } else if (r.statusCode() != 200) {
                    failedStreams.incrementAndGet();
                    firstFailure.compareAndSet(null, "HTTP " + r.statusCode());
                }
            });
            if (i % 50 == 49) Thread.sleep(500); // open the streams in waves
        }
        boolean allReady = ready.await(120, TimeUnit.SECONDS);
        System.out.printf(Locale.ROOT, "streams ready: %d of %d (failed %d%s)%n", subs - ready.getCount(), subs, failedStreams.get(),
                firstFailure.get() == null ? "" : ", first failure: " + firstFailure.get());
        if (!allReady) System.out.println("WARNING: not every stream got its init frame");
        long sent = write(rate, seconds, batch -> {
            StringBuilder sb = new StringBuilder("[");
            for (Map<String, Object> r : batch) {
                if (sb.length() > 1) sb.append(',');
                sb.append("{\"seq\":").append(r.get("seq")).append(",\"t0\":").append(r.get("t0")).append('}');
            }
            check(post.apply("/fanout/tables/events/rows", sb.append(']').toString()), 201);
        });
        settle();
        report(sent, subs, perSub.stream().mapToLong(LongAdder::sum).toArray(), null);
        String pause = a.get("pause-file");
        if (pause != null) { // the script measures the server's heap while every stream is still open
            java.nio.file.Path f = java.nio.file.Path.of(pause);
            java.nio.file.Files.writeString(f, "streams open\n");
            for (int i = 0; i < 600 && java.nio.file.Files.exists(f); i++) Thread.sleep(100);
        }

        admin.send(HttpRequest.newBuilder(URI.create(db + "/fanout")).header("Authorization", "Bearer " + token).DELETE().build(),
                HttpResponse.BodyHandlers.discarding());
    }

    static void check(HttpResponse<String> r, int status) {
        if (r.statusCode() != status) throw new IllegalStateException("HTTP " + r.statusCode() + ": " + r.body());
    }

}
