package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ChangefeedHubTest {

    final ScheduledExecutorService exec = Executors.newScheduledThreadPool(4);
    final ChangefeedHub.Stats stats = new ChangefeedHub.Stats();
    final AtomicInteger feedsOpened = new AtomicInteger();
    final InMemoryBackend mem = new InMemoryBackend();
    /** Counts backend changefeeds, to show subscribers share one. */
    final RethinkBackend counting = new Delegate(mem) {
        @Override
        public FeedHandle changes(String db, String table, FeedListener l) {
            feedsOpened.incrementAndGet();
            return super.changes(db, table, l);
        }
    };

    ChangefeedHub hub(int queue, Duration grace, Duration heartbeat) {
        return new ChangefeedHub("c1", () -> counting, exec, exec,
                new ChangefeedHub.Options(queue, grace, heartbeat, 2, 64, 10_000, 8), stats, Clock.systemUTC());
    }

    @AfterEach
    void stop() {
        exec.shutdownNow();
    }

    static class Sink implements ChangefeedHub.FrameSink {
        final List<ChangefeedHub.Frame> frames = new CopyOnWriteArrayList<>();
        volatile boolean closed;
        volatile CompletableFuture<Void> gate; // when set, sends stay pending (a slow client)

        @Override
        public CompletionStage<?> send(ChangefeedHub.Frame f) {
            if (closed) return CompletableFuture.failedFuture(new IllegalStateException("closed"));
            frames.add(f);
            CompletableFuture<Void> g = gate;
            return g != null ? g : CompletableFuture.completedFuture(null);
        }

        @Override
        public boolean isClosed() { return closed; }

        @Override
        public void close() { closed = true; }

        List<JsonObject> data() {
            return frames.stream().filter(f -> !f.comment()).map(f -> Json.createReader(new StringReader(f.data())).readObject()).toList();
        }

        List<String> types() { return data().stream().map(o -> o.getString("type")).toList(); }
    }

    static void await(BooleanSupplier c, String what) throws InterruptedException {
        long end = System.currentTimeMillis() + 5000;
        while (!c.getAsBoolean()) {
            if (System.currentTimeMillis() > end) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(10);
        }
    }

    void table() {
        mem.dbCreate("d");
        mem.tableCreate("d", "t", "id");
    }

    @Test
    void newSubscribersGetCurrentRowsThenLiveEventsWithIds() throws Exception {
        table();
        mem.insert("d", "t", List.of(Map.of("id", "a", "v", 1)), false);
        ChangefeedHub h = hub(100, Duration.ofMillis(100), Duration.ofSeconds(10));
        Sink s = new Sink();
        h.subscribe("d", "t", s, Set.of(), false, null);
        await(() -> s.types().size() >= 2, "init + snapshot");
        assertEquals(List.of("init", "insert"), s.types());
        assertTrue(s.data().get(1).getBoolean("snapshot"));
        mem.insert("d", "t", List.of(Map.of("id", "b", "v", 2)), false);
        mem.update("d", "t", "b", Map.of("v", 3));
        mem.delete("d", "t", "a");
        await(() -> s.types().size() >= 5, "live events");
        assertEquals(List.of("init", "insert", "insert", "update", "delete"), s.types());
        JsonObject upd = s.data().get(3);
        assertEquals(2, upd.getJsonObject("before").getInt("v"));
        assertEquals(3, upd.getJsonObject("after").getInt("v"));
        assertEquals("b", upd.getString("row_id"));
        assertEquals("a", s.data().get(4).getJsonObject("before").getString("id"));
        assertTrue(s.frames.get(s.frames.size() - 1).id() != null);
        h.close();
    }

    @Test
    void subscribersOfOneTableShareOneFeedWhichIsCancelledAfterTheLastLeaves() throws Exception {
        table();
        ChangefeedHub h = hub(100, Duration.ofMillis(200), Duration.ofMillis(50));
        Sink a = new Sink(), b = new Sink();
        ChangefeedHub.Subscription sa = h.subscribe("d", "t", a, Set.of(), false, null);
        h.subscribe("d", "t", b, Set.of(), false, null);
        await(() -> a.types().contains("init") && b.types().contains("init"), "both synced");
        mem.insert("d", "t", List.of(Map.of("id", "x")), false);
        await(() -> a.types().contains("insert") && b.types().contains("insert"), "both got the insert");
        assertEquals(1, feedsOpened.get());
        assertEquals(1, h.feedCount());
        assertEquals(2, h.subscriberCount());
        sa.close();
        b.closed = true; // the browser went away: noticed on the next heartbeat
        await(() -> h.subscriberCount() == 0, "both gone");
        await(() -> h.feedCount() == 0, "feed cancelled after the grace");
        assertEquals(0, stats.feeds.get());
        h.close();
    }

    /** A sink whose sends complete later, on another thread, now and then (a client whose socket filled up). */
    class JitterySink extends Sink {
        final java.util.Random rnd = new java.util.Random(7);

        final AtomicInteger overlaps = new AtomicInteger();
        CompletableFuture<Void> outstanding = CompletableFuture.completedFuture(null);

        @Override
        public synchronized CompletionStage<?> send(ChangefeedHub.Frame f) {
            // the hub must wait for a send to complete before the next one (that is its backpressure)
            if (!outstanding.isDone()) overlaps.incrementAndGet();
            frames.add(f);
            if (rnd.nextInt(50) != 0) return CompletableFuture.completedFuture(null);
            CompletableFuture<Void> later = new CompletableFuture<>();
            outstanding = later;
            exec.schedule(() -> later.complete(null), rnd.nextInt(3), java.util.concurrent.TimeUnit.MILLISECONDS);
            return later;
        }
    }

    @Test
    void everyEventArrivesOnceAndInOrderWhileHeartbeatsAndSlowSendsInterleave() throws Exception {
        table();
        ChangefeedHub h = hub(100_000, Duration.ofSeconds(1), Duration.ofMillis(1));
        List<Sink> sinks = List.of(new Sink(), new JitterySink(), new JitterySink(), new Sink());
        for (Sink s : sinks) h.subscribe("d", "t", s, Set.of(), false, null);
        await(() -> sinks.stream().allMatch(s -> s.types().contains("init")), "all synced");
        int n = 3000;
        for (int i = 0; i < n; i++) mem.insert("d", "t", List.of(Map.of("id", "r" + i)), false);
        for (Sink s : sinks) {
            await(() -> s.types().stream().filter("insert"::equals).count() >= n, "all inserts");
            List<String> ids = s.data().stream().filter(o -> o.getString("type").equals("insert")).map(o -> o.getString("row_id")).toList();
            assertEquals(n, ids.size(), "each event once");
            for (int i = 0; i < n; i++) assertEquals("r" + i, ids.get(i), "in order");
            if (s instanceof JitterySink j) assertEquals(0, j.overlaps.get(), "a send while the previous one was pending");
        }
        assertEquals(0, stats.lagged.get());
        h.close();
    }

    @Test
    void aSlowSubscriberLagsAndResyncsWithoutHoldingBackOthers() throws Exception {
        table();
        ChangefeedHub h = hub(20, Duration.ofSeconds(1), Duration.ofSeconds(10));
        Sink slow = new Sink(), fast = new Sink();
        h.subscribe("d", "t", slow, Set.of(), false, null);
        h.subscribe("d", "t", fast, Set.of(), false, null);
        await(() -> slow.types().contains("init") && fast.types().contains("init"), "synced");
        CompletableFuture<Void> gate = new CompletableFuture<>();
        slow.gate = gate;
        mem.insert("d", "t", List.of(Map.of("id", "first")), false);
        await(() -> slow.types().size() == 2, "slow client stuck on a send");
        for (int i = 0; i < 60; i++) {
            mem.insert("d", "t", List.of(Map.of("id", "r" + i)), false);
            Thread.sleep(1);
        }
        await(() -> fast.types().stream().filter("insert"::equals).count() == 61, "fast got everything");
        assertFalse(fast.types().contains("lagged"));
        slow.gate = null;
        gate.complete(null);
        await(() -> slow.types().contains("lagged"), "lagged frame");
        await(() -> slow.data().stream().anyMatch(o -> o.getString("type").equals("init") && o.getBoolean("resync", false)), "resync");
        await(() -> slow.data().stream().filter(o -> o.getBoolean("snapshot", false)).count() == 61, "resynced rows");
        assertTrue(stats.lagged.get() >= 1);
        h.close();
    }

    @Test
    void lastEventIdReplaysMissedEvents() throws Exception {
        table();
        ChangefeedHub h = hub(100, Duration.ofSeconds(5), Duration.ofSeconds(10));
        Sink keep = new Sink(), first = new Sink();
        h.subscribe("d", "t", keep, Set.of(), false, null);
        ChangefeedHub.Subscription s1 = h.subscribe("d", "t", first, Set.of(), false, null);
        await(() -> first.types().contains("init"), "synced");
        mem.insert("d", "t", List.of(Map.of("id", "a")), false);
        await(() -> first.types().contains("insert"), "a");
        String last = first.frames.get(first.frames.size() - 1).id();
        s1.close();
        mem.insert("d", "t", List.of(Map.of("id", "b")), false);
        mem.insert("d", "t", List.of(Map.of("id", "c")), false);
        Sink again = new Sink();
        h.subscribe("d", "t", again, Set.of(), false, last);
        await(() -> again.types().size() >= 3, "replay");
        assertEquals(List.of("init", "insert", "insert"), again.types());
        assertTrue(again.data().get(0).getBoolean("resumed"));
        assertEquals("b", again.data().get(1).getString("row_id"));
        assertFalse(again.data().stream().anyMatch(o -> o.getBoolean("snapshot", false)));
        h.close();
    }

    @Test
    void maskedColumnsAndPausedStreams() throws Exception {
        table();
        ChangefeedHub h = hub(100, Duration.ofSeconds(5), Duration.ofMillis(100));
        Sink masked = new Sink(), paused = new Sink();
        h.subscribe("d", "t", masked, Set.of("secret"), false, null);
        h.subscribe("d", "t", paused, Set.of(), true, null);
        await(() -> masked.types().contains("init") && paused.types().contains("init"), "synced");
        for (int i = 0; i < 12; i++) mem.insert("d", "t", List.of(Map.of("id", "r" + i, "secret", "s")), false);
        await(() -> masked.types().stream().filter("insert"::equals).count() == 12, "masked inserts");
        assertEquals("***", masked.data().get(1).getJsonObject("after").getString("secret"));
        await(() -> paused.data().stream().anyMatch(o -> o.getString("type").equals("paused") && o.getInt("pending") == 8 && o.getInt("dropped") == 4), "paused frame");
        JsonObject p = paused.data().stream().filter(o -> o.getString("type").equals("paused") && o.getInt("pending") == 8 && o.getInt("dropped") == 4).findFirst().orElseThrow();
        assertEquals(8, p.getInt("pending"));
        assertEquals(4, p.getInt("dropped"));
        assertFalse(paused.types().contains("insert"));
        h.close();
    }

    @Test
    void aFeedResumesAfterTheConnectionComesBack() throws Exception {
        table();
        ChangefeedHub h = hub(100, Duration.ofSeconds(5), Duration.ofSeconds(10));
        Sink s = new Sink();
        h.subscribe("d", "t", s, Set.of(), false, null);
        await(() -> s.types().contains("init"), "synced");
        mem.setDown(true);
        await(() -> s.types().contains("error"), "error frame");
        mem.setDown(false);
        h.reconnected();
        await(() -> s.data().stream().anyMatch(o -> o.getString("type").equals("init") && o.getBoolean("resync", false)), "resync");
        mem.insert("d", "t", List.of(Map.of("id", "after")), false);
        await(() -> s.data().stream().anyMatch(o -> "after".equals(o.getString("row_id", ""))), "live again");
        h.close();
    }

    /** Forwards everything to another backend. */
    static class Delegate implements RethinkBackend {
        final RethinkBackend d;

        Delegate(RethinkBackend d) { this.d = d; }

        public List<String> dbList() { return d.dbList(); }
        public void dbCreate(String db) { d.dbCreate(db); }
        public void dbDrop(String db) { d.dbDrop(db); }
        public List<String> tableList(String db) { return d.tableList(db); }
        public void tableCreate(String db, String t, String pk) { d.tableCreate(db, t, pk); }
        public void tableDrop(String db, String t) { d.tableDrop(db, t); }
        public String primaryKey(String db, String t) { return d.primaryKey(db, t); }
        public Map<String, Object> get(String db, String t, Object k) { return d.get(db, t, k); }
        public List<Map<String, Object>> query(String db, String t, Query q) { return d.query(db, t, q); }
        public InsertResult insert(String db, String t, List<Map<String, Object>> rows, boolean upsert) { return d.insert(db, t, rows, upsert); }
        public Change update(String db, String t, Object k, Map<String, Object> p) { return d.update(db, t, k, p); }
        public Map<String, Object> delete(String db, String t, Object k) { return d.delete(db, t, k); }
        public FeedHandle changes(String db, String t, FeedListener l) { return d.changes(db, t, l); }
        public void ping() { d.ping(); }
        public void close() { }
    }
}
