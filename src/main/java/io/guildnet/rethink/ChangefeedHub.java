package io.guildnet.rethink;

import jakarta.json.Json;
import jakarta.json.JsonObjectBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArraySet;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * Live changes of one cluster's tables, fanned out: one backend changefeed per (database, table)
 * however many subscribers watch it. Each subscriber has a bounded queue drained asynchronously
 * (no thread per subscriber); one that falls behind gets a {@code lagged} frame and a resync (and
 * is dropped after too many), never slowing the others. New subscribers get the current rows
 * first ({@code init}, then {@code insert} frames marked {@code snapshot}); every live event has
 * an id ({@code <epoch>-<seq>}) so a reconnect with {@code Last-Event-ID} replays what it missed
 * from a ring buffer (or resyncs). A feed is cancelled a grace period after its last subscriber
 * leaves, and restarted (with a resync of its subscribers) when the connection comes back.
 */
public final class ChangefeedHub implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(ChangefeedHub.class.getName());

    /** Where a subscriber's frames go (an SSE sink in production, a list in tests). */
    public interface FrameSink {
        CompletionStage<?> send(Frame f);

        boolean isClosed();

        void close();
    }

    /**
     * One SSE frame: a comment (heartbeat) or a JSON data frame with an optional id. A live event's
     * frame is shared by every unmasked subscriber, so its wire bytes are encoded once.
     */
    public static final class Frame {
        private final String id, data;
        private final boolean comment;
        private volatile byte[] wire;

        public Frame(String id, String data, boolean comment) {
            this.id = id;
            this.data = data;
            this.comment = comment;
        }

        public static Frame comment(String text) { return new Frame(null, text, true); }

        public String id() { return id; }

        public String data() { return data; }

        public boolean comment() { return comment; }

        /** The frame as SSE text ({@code id:}/{@code data:} lines or a {@code :} comment), UTF-8. */
        public byte[] wire() {
            byte[] w = wire;
            if (w == null) {
                String s = comment ? ": " + data + "\n\n" : (id != null ? "id: " + id + "\n" : "") + "data: " + data + "\n\n";
                w = s.getBytes(java.nio.charset.StandardCharsets.UTF_8);
                wire = w;
            }
            return w;
        }
    }

    public record Options(int queueSize, Duration grace, Duration heartbeat, int maxLags, int ringSize, int initialMax, int pausedMax) {
        public static Options defaults() {
            return new Options(1024, Duration.ofSeconds(5), Duration.ofSeconds(15), 3, 4096, 10_000, 512);
        }
    }

    /** Counters shared by every hub of the application (exported as metrics). */
    public static final class Stats {
        public final AtomicLong feeds = new AtomicLong();
        public final AtomicLong subscribers = new AtomicLong();
        public final AtomicLong lagged = new AtomicLong();
        public final AtomicLong dropped = new AtomicLong();
        public final AtomicLong delivered = new AtomicLong();
    }

    private final String clusterId;
    private final Supplier<RethinkBackend> backend;
    private final ScheduledExecutorService scheduler;
    private final Executor executor;
    private final Options opt;
    private final Stats stats;
    private final Clock clock;
    private final Map<String, Feed> feeds = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> ticker;
    private volatile boolean closed;

    public ChangefeedHub(String clusterId, Supplier<RethinkBackend> backend, ScheduledExecutorService scheduler, Executor executor,
                         Options opt, Stats stats, Clock clock) {
        this.clusterId = clusterId;
        this.backend = backend;
        this.scheduler = scheduler;
        this.executor = executor;
        this.opt = opt;
        this.stats = stats;
        this.clock = clock;
        long hb = opt.heartbeat().toMillis();
        this.ticker = scheduler.scheduleWithFixedDelay(this::heartbeat, hb, hb, TimeUnit.MILLISECONDS);
    }

    public int feedCount() { return (int) feeds.values().stream().filter(f -> f.handle != null).count(); }

    public int subscriberCount() { return feeds.values().stream().mapToInt(f -> f.subs.size()).sum(); }

    /** Subscribes; the returned handle unsubscribes (the sink closing does too, noticed on the next send or heartbeat). */
    public Subscription subscribe(String physDb, String table, FrameSink sink, Set<String> masked, boolean paused, String lastEventId) {
        if (closed) throw new IllegalStateException("hub closed");
        Feed f;
        Sub s;
        while (true) {
            f = feeds.computeIfAbsent(physDb + "\u0000" + table, k -> new Feed(physDb, table));
            synchronized (f) {
                if (f.removed) continue;
                s = new Sub(f, sink, masked, paused);
                f.subs.add(s);
                stats.subscribers.incrementAndGet();
                if (f.cancel != null) {
                    f.cancel.cancel(false);
                    f.cancel = null;
                }
                if (f.handle == null && !f.starting) {
                    f.starting = true;
                    Feed ff = f;
                    executor.execute(() -> ff.start(0));
                } else if (f.handle != null && !s.resume(lastEventId)) {
                    s.sync(false);
                }
            }
            break;
        }
        Sub sub = s;
        return sub::unsubscribe;
    }

    public interface Subscription extends AutoCloseable {
        @Override
        void close();
    }

    /** The connection came back: restart every feed that broke. */
    public void reconnected() {
        for (Feed f : feeds.values()) {
            synchronized (f) {
                if (f.handle == null && !f.starting && !f.subs.isEmpty()) {
                    f.starting = true;
                    if (f.retry != null) f.retry.cancel(false);
                    executor.execute(() -> f.start(0));
                }
            }
        }
    }

    private void heartbeat() {
        if (closed) return;
        for (Feed f : feeds.values()) {
            for (Sub s : f.subs) {
                if (s.sink.isClosed()) {
                    s.unsubscribe();
                    continue;
                }
                s.tick();
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        ticker.cancel(false);
        for (Feed f : new ArrayList<>(feeds.values())) {
            for (Sub s : f.subs) s.closeSink();
            f.stop();
        }
        feeds.clear();
    }

    String ts() { return clock.instant().toString(); }

    // ---------------------------------------------------------------------------------------------------

    /** A change with its sequence number; the unmasked frame is built once and shared by every subscriber. */
    private static final class Event {
        final long seq;
        final String type;
        final Map<String, Object> before, after;
        final String ts;
        volatile Frame shared;

        Event(long seq, String type, Map<String, Object> before, Map<String, Object> after, String ts) {
            this.seq = seq;
            this.type = type;
            this.before = before;
            this.after = after;
            this.ts = ts;
        }

        long seq() { return seq; }
        String type() { return type; }
        Map<String, Object> before() { return before; }
        Map<String, Object> after() { return after; }
        String ts() { return ts; }
    }

    private final class Feed implements RethinkBackend.FeedListener {
        final String db, table;
        final Set<Sub> subs = new CopyOnWriteArraySet<>();
        final Deque<Event> ring = new ArrayDeque<>();
        String epoch = newEpoch();
        long seq;
        String pk = "id";
        RethinkBackend.FeedHandle handle;
        boolean starting, removed;
        ScheduledFuture<?> cancel, retry;
        int failures;

        Feed(String db, String table) {
            this.db = db;
            this.table = table;
        }

        /** Starts (or restarts) the backend feed, then (re)syncs every subscriber. */
        void start(int attempt) {
            RethinkBackend.FeedHandle h = null;
            Throwable err = null;
            try {
                RethinkBackend b = backend.get();
                String key = b.primaryKey(db, table);
                h = b.changes(db, table, this);
                pk = key;
            } catch (RuntimeException e) {
                err = e;
            }
            List<Sub> toSync;
            synchronized (this) {
                starting = false;
                if (removed || closed || subs.isEmpty()) {
                    if (h != null) h.close();
                    return;
                }
                if (h == null) {
                    failures++;
                    boolean gone = err instanceof BackendException be && be.reason() == BackendException.Reason.NOT_FOUND;
                    for (Sub s : subs) s.error(gone ? "table_not_found" : "db_unavailable", String.valueOf(err.getMessage()));
                    if (gone) {
                        for (Sub s : subs) s.closeAfterDrain();
                        return;
                    }
                    long delay = Math.min(30_000, 500L << Math.min(failures, 6));
                    starting = true;
                    retry = scheduler.schedule(() -> executor.execute(() -> start(attempt + 1)), delay, TimeUnit.MILLISECONDS);
                    return;
                }
                handle = h;
                failures = 0;
                epoch = newEpoch();
                seq = 0;
                ring.clear();
                stats.feeds.incrementAndGet();
                toSync = new ArrayList<>(subs);
            }
            for (Sub s : toSync) s.sync(attempt > 0 || s.synced);
        }

        @Override
        public void onChange(String type, Map<String, Object> before, Map<String, Object> after) {
            Event e;
            synchronized (this) {
                if (handle == null) return;
                e = new Event(++seq, type, before, after, ts());
                ring.addLast(e);
                if (ring.size() > opt.ringSize()) ring.removeFirst();
            }
            for (Sub s : subs) s.offer(e);
        }

        @Override
        public void onError(Throwable error) {
            boolean gone = error instanceof BackendException be && be.reason() == BackendException.Reason.NOT_FOUND;
            synchronized (this) {
                if (handle == null) return;
                handle = null;
                stats.feeds.decrementAndGet();
                for (Sub s : subs) s.error(gone ? "table_not_found" : "feed_interrupted", String.valueOf(error.getMessage()));
                if (gone) {
                    for (Sub s : subs) s.closeAfterDrain();
                    return;
                }
                if (subs.isEmpty() || closed) return;
                starting = true;
                retry = scheduler.schedule(() -> executor.execute(() -> start(1)), 500, TimeUnit.MILLISECONDS);
            }
        }

        String id(long s) { return epoch + "-" + s; }

        void maybeCancel() {
            synchronized (this) {
                if (!subs.isEmpty() || cancel != null) return;
                cancel = scheduler.schedule(() -> {
                    synchronized (this) {
                        if (!subs.isEmpty()) return;
                        removed = true;
                        feeds.remove(db + "\u0000" + table, this);
                        stop();
                    }
                }, opt.grace().toMillis(), TimeUnit.MILLISECONDS);
            }
        }

        synchronized void stop() {
            if (retry != null) retry.cancel(false);
            if (handle != null) {
                handle.close();
                handle = null;
                stats.feeds.decrementAndGet();
            }
        }
    }

    private static String newEpoch() {
        return Long.toString(System.currentTimeMillis(), 36) + Integer.toString(ThreadLocalRandom.current().nextInt(1296), 36);
    }

    // ---------------------------------------------------------------------------------------------------

    private final class Sub {
        final Feed feed;
        final FrameSink sink;
        final Set<String> masked;
        final boolean paused;
        final Deque<Frame> control = new ArrayDeque<>();
        /** Snapshot frames of a (re)sync: {@code init} and the current rows. */
        final Deque<Frame> queue = new ArrayDeque<>();
        /** Frames of live events, sent after the snapshot (the ones that count against the queue bound). */
        final Deque<Frame> live = new ArrayDeque<>();
        final List<Event> pending = new ArrayList<>();
        boolean syncing, synced, draining, gone, closeWhenDrained, activeSinceTick, needsResync;
        int lags;
        long droppedWhilePaused;

        Sub(Feed feed, FrameSink sink, Set<String> masked, boolean paused) {
            this.feed = feed;
            this.sink = sink;
            this.masked = masked == null ? Set.of() : masked;
            this.paused = paused;
        }

        /** Replays missed events after a reconnect; false when a full resync is needed. */
        boolean resume(String lastEventId) {
            if (lastEventId == null || lastEventId.isBlank()) return false;
            int dash = lastEventId.lastIndexOf('-');
            if (dash < 0) return false;
            long last;
            try {
                last = Long.parseLong(lastEventId.substring(dash + 1));
            } catch (NumberFormatException e) {
                return false;
            }
            synchronized (feed) {
                if (!lastEventId.substring(0, dash).equals(feed.epoch) || last > feed.seq) return false;
                Event first = feed.ring.peekFirst();
                if (last < feed.seq && (first == null || first.seq() > last + 1)) return false;
                synchronized (this) {
                    control.add(data(null, init(false).add("resumed", true)));
                    for (Event e : feed.ring) if (e.seq() > last) enqueue(e);
                    synced = true;
                }
            }
            kick();
            return true;
        }

        JsonObjectBuilder init(boolean resync) {
            JsonObjectBuilder o = Values.P.createObjectBuilder().add("type", "init").add("table_id", feed.table).add("ts", ts());
            if (resync) o.add("resync", true);
            if (paused) o.add("paused", true);
            return o;
        }

        /** Sends {@code init} and the current rows, then the events that arrived meanwhile. */
        void sync(boolean resync) {
            long at;
            synchronized (feed) {
                synchronized (this) {
                    if (gone) return;
                    syncing = true;
                    pending.clear();
                    queue.clear();
                    live.clear();
                }
                at = feed.seq;
            }
            String epochAt = feed.epoch;
            executor.execute(() -> {
                List<Frame> frames = new ArrayList<>();
                boolean truncated = false;
                try {
                    RethinkBackend b = backend.get();
                    Object after = null;
                    int n = 0;
                    while (n < opt.initialMax()) {
                        int want = Math.min(500, opt.initialMax() - n);
                        List<Map<String, Object>> page = b.query(feed.db, feed.table, RethinkBackend.Query.page(after, want));
                        for (Map<String, Object> r : page) {
                            frames.add(data(null, Values.P.createObjectBuilder().add("type", "insert").add("table_id", feed.table)
                                    .add("row_id", Values.json(r.get(feed.pk))).add("after", Values.json(DatabaseService.mask(r, masked)))
                                    .add("snapshot", true).add("ts", ts())));
                        }
                        n += page.size();
                        if (page.size() < want) break;
                        after = page.get(page.size() - 1).get(feed.pk);
                        if (n >= opt.initialMax()) truncated = true;
                    }
                } catch (RuntimeException e) {
                    error("db_unavailable", String.valueOf(e.getMessage()));
                    synchronized (this) {
                        syncing = false;
                    }
                    return;
                }
                synchronized (this) {
                    if (gone) return;
                    JsonObjectBuilder in = init(resync);
                    if (truncated) in.add("truncated", true);
                    queue.add(data(epochAt + "-" + at, in));
                    queue.addAll(frames);
                    syncing = false;
                    synced = true;
                    for (Event e : pending) enqueue(e);
                    pending.clear();
                }
                kick();
            });
        }

        Frame data(String id, JsonObjectBuilder o) {
            return new Frame(id, o.build().toString(), false);
        }

        /** Called under no lock by the feed, in event order. */
        void offer(Event e) {
            boolean lagged = false;
            Frame direct = null;
            synchronized (this) {
                if (gone || needsResync) return; // a resync is due: it will carry this change
                if (syncing) {
                    if (pending.size() >= opt.queueSize()) lagged = true;
                    else pending.add(e);
                } else if (paused) {
                    if (live.size() >= opt.pausedMax()) {
                        droppedWhilePaused++;
                        stats.dropped.incrementAndGet();
                    } else enqueue(e);
                    return;
                } else if (live.size() >= opt.queueSize()) {
                    lagged = true;
                } else if (!draining && control.isEmpty() && queue.isEmpty() && live.isEmpty()) {
                    // fast path: nothing is waiting, so the frame goes to the sink right here, in event order
                    // (the feed calls offer from one thread at a time); no queueing, no task per subscriber
                    direct = masked.isEmpty() ? shared(e) : frame(e);
                    draining = true;
                    activeSinceTick = true;
                } else enqueue(e);
            }
            if (direct != null) sendInline(direct);
            else if (lagged) lag();
            else kick();
        }

        /** Sends one frame while holding the drain turn, then hands any backlog to a drain task. */
        private void sendInline(Frame f) {
            if (!send(f)) return;
            boolean more;
            synchronized (this) {
                more = !control.isEmpty() || !queue.isEmpty() || (!paused && !live.isEmpty()) || closeWhenDrained || needsResync;
                if (!more) draining = false;
            }
            if (more) executor.execute(this::drain); // the turn is still ours: the task continues it
        }

        private Frame shared(Event e) {
            Frame fr = e.shared;
            if (fr == null) {
                fr = frame(e);
                e.shared = fr;
            }
            return fr;
        }

        /** Under this lock. */
        void enqueue(Event e) {
            live.add(masked.isEmpty() ? shared(e) : frame(e));
        }

        Frame frame(Event e) {
            JsonObjectBuilder o = Values.P.createObjectBuilder().add("type", e.type()).add("table_id", feed.table)
                    .add("cursor", feed.id(e.seq())).add("ts", e.ts());
            Map<String, Object> row = e.after() != null ? e.after() : e.before();
            if (row != null && row.get(feed.pk) != null) o.add("row_id", Values.json(row.get(feed.pk)));
            if (e.before() != null) o.add("before", Values.json(DatabaseService.mask(e.before(), masked)));
            if (e.after() != null) o.add("after", Values.json(DatabaseService.mask(e.after(), masked)));
            return data(feed.id(e.seq()), o);
        }

        /** Fell behind: drop its backlog, tell it, resync it — or drop it after too many lags. */
        void lag() {
            int dropped;
            boolean drop;
            synchronized (this) {
                if (gone) return;
                dropped = live.size() + pending.size() + 1;
                queue.clear();
                live.clear();
                pending.clear();
                lags++;
                drop = lags > opt.maxLags();
                control.add(data(null, Values.P.createObjectBuilder().add("type", "lagged").add("table_id", feed.table)
                        .add("dropped", dropped).add("action", drop ? "disconnect" : "resync").add("ts", ts())));
            }
            stats.lagged.incrementAndGet();
            stats.dropped.addAndGet(dropped);
            if (drop) {
                closeAfterDrain();
            } else {
                synchronized (this) {
                    needsResync = true; // once the client has taken the lagged frame
                }
            }
            kick();
        }

        void error(String code, String message) {
            synchronized (this) {
                if (gone) return;
                control.add(data(null, Values.P.createObjectBuilder().add("type", "error").add("error", code).add("message", message)
                        .add("table_id", feed.table).add("ts", ts())));
            }
            kick();
        }

        void tick() {
            synchronized (this) {
                if (gone) return;
                if (paused) {
                    control.add(data(null, Values.P.createObjectBuilder().add("type", "paused").add("table_id", feed.table)
                            .add("pending", live.size()).add("dropped", droppedWhilePaused).add("ts", ts())));
                } else if (!activeSinceTick) {
                    control.add(Frame.comment("ping"));
                }
                activeSinceTick = false;
            }
            kick();
        }

        void closeAfterDrain() {
            synchronized (this) {
                closeWhenDrained = true;
            }
            kick();
        }

        void kick() {
            synchronized (this) {
                if (draining || gone) return;
                draining = true;
            }
            executor.execute(this::drain);
        }

        private void drain() {
            while (true) {
                Frame f;
                synchronized (this) {
                    if (gone) {
                        draining = false;
                        return;
                    }
                    f = control.poll();
                    if (f == null) f = queue.poll();
                    if (f == null && !paused) f = live.poll();
                    if (f == null) {
                        draining = false;
                        if (closeWhenDrained) {
                            gone = true;
                        } else if (needsResync && !syncing) {
                            needsResync = false;
                        } else return;
                    } else activeSinceTick = true;
                }
                if (f == null && !gone) { // caught up after a lag
                    sync(true);
                    return;
                }
                if (f == null) { // closeWhenDrained
                    closeSink();
                    unsubscribe();
                    return;
                }
                if (!send(f)) return;
            }
        }

        /**
         * Hands one frame to the sink while holding the drain turn. True when the send completed and
         * the caller goes on; false when the turn passed on (a drain task resumes once a pending send
         * completes) or the subscriber is gone.
         */
        private boolean send(Frame f) {
            CompletableFuture<?> cf;
            try {
                cf = sink.send(f).toCompletableFuture();
            } catch (RuntimeException e) {
                unsubscribe();
                return false;
            }
            if (!f.comment()) stats.delivered.incrementAndGet();
            if (!cf.isDone()) {
                cf.whenComplete((r, ex) -> {
                    if (ex != null) unsubscribe();
                    else executor.execute(this::drain);
                });
                return false;
            }
            if (cf.isCompletedExceptionally()) {
                unsubscribe();
                return false;
            }
            return true;
        }

        void closeSink() {
            try {
                sink.close();
            } catch (RuntimeException ignored) {
                // already closed by the client
            }
        }

        void unsubscribe() {
            synchronized (this) {
                gone = true;
                queue.clear();
                live.clear();
                control.clear();
                pending.clear();
            }
            if (feed.subs.remove(this)) {
                stats.subscribers.decrementAndGet();
                closeSink();
                feed.maybeCancel();
            }
        }
    }
}
