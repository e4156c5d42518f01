package io.guildnet.rethink;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A RethinkDB stand-in held in memory: the same operations and semantics as {@link DriverBackend}
 * (primary keys with ReQL ordering, generated UUID keys, merge updates, changefeeds in commit
 * order). Thread-safe; used by unit tests, the Liberty ITs, the benchmark and demos
 * ({@code GUILDNET_RDB_BACKEND=memory}).
 */
public final class InMemoryBackend implements RethinkBackend {

    private static final class Table {
        final String pk;
        final NavigableMap<Object, Map<String, Object>> rows = new TreeMap<>(Keys.ORDER);
        final List<FeedListener> feeds = new CopyOnWriteArrayList<>();

        Table(String pk) { this.pk = pk; }
    }

    private final Map<String, Map<String, Table>> dbs = new TreeMap<>();
    private volatile boolean down;
    private final java.util.concurrent.Executor feedExecutor;
    private final java.util.Queue<Runnable> feedQueue = new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final java.util.concurrent.atomic.AtomicBoolean feedDraining = new java.util.concurrent.atomic.AtomicBoolean();

    /** Changefeed events are delivered in the writer's thread, before the write returns (tests). */
    public InMemoryBackend() {
        this(null);
    }

    /**
     * Changefeed events are delivered in commit order by tasks on {@code feedExecutor}, after the
     * write returns — as a real server delivers them on the feed's connection, not to the writer.
     */
    public InMemoryBackend(java.util.concurrent.Executor feedExecutor) {
        this.feedExecutor = feedExecutor;
    }

    /** Simulates a lost server: every call fails (transient) and open feeds end with an error. */
    public void setDown(boolean down) {
        List<FeedListener> cut = new ArrayList<>();
        synchronized (this) {
            this.down = down;
            if (down) {
                for (Map<String, Table> d : dbs.values()) for (Table t : d.values()) { cut.addAll(t.feeds); t.feeds.clear(); }
            }
        }
        for (FeedListener l : cut) l.onError(new BackendException(BackendException.Reason.UNAVAILABLE, "connection reset (simulated)"));
    }

    private void up() {
        if (down) throw new BackendException(BackendException.Reason.UNAVAILABLE, "connection reset (simulated)");
    }

    private Map<String, Table> db(String db) {
        up();
        Map<String, Table> d = dbs.get(db);
        if (d == null) throw new BackendException(BackendException.Reason.NOT_FOUND, "Database `" + db + "` does not exist.");
        return d;
    }

    private Table table(String db, String table) {
        Table t = db(db).get(table);
        if (t == null) throw new BackendException(BackendException.Reason.NOT_FOUND, "Table `" + db + "." + table + "` does not exist.");
        return t;
    }

    @Override
    public synchronized List<String> dbList() {
        up();
        return new ArrayList<>(dbs.keySet());
    }

    @Override
    public synchronized void dbCreate(String db) {
        up();
        if (dbs.containsKey(db)) throw new BackendException(BackendException.Reason.ALREADY_EXISTS, "Database `" + db + "` already exists.");
        dbs.put(db, new TreeMap<>());
    }

    @Override
    public void dbDrop(String db) {
        List<FeedListener> cut = new ArrayList<>();
        synchronized (this) {
            Map<String, Table> d = db(db);
            d.values().forEach(t -> cut.addAll(t.feeds));
            dbs.remove(db);
        }
        cut.forEach(l -> l.onError(new BackendException(BackendException.Reason.NOT_FOUND, "Database `" + db + "` does not exist.")));
    }

    @Override
    public synchronized List<String> tableList(String db) {
        return new ArrayList<>(db(db).keySet());
    }

    @Override
    public synchronized void tableCreate(String db, String table, String primaryKey) {
        Map<String, Table> d = db(db);
        if (d.containsKey(table)) throw new BackendException(BackendException.Reason.ALREADY_EXISTS, "Table `" + db + "." + table + "` already exists.");
        d.put(table, new Table(primaryKey));
    }

    @Override
    public void tableDrop(String db, String table) {
        List<FeedListener> cut;
        synchronized (this) {
            Table t = table(db, table);
            cut = new ArrayList<>(t.feeds);
            dbs.get(db).remove(table);
        }
        cut.forEach(l -> l.onError(new BackendException(BackendException.Reason.NOT_FOUND, "Table `" + db + "." + table + "` does not exist.")));
    }

    @Override
    public synchronized String primaryKey(String db, String table) {
        return table(db, table).pk;
    }

    @Override
    public synchronized Map<String, Object> get(String db, String table, Object key) {
        Map<String, Object> r = table(db, table).rows.get(Keys.norm(key));
        return r == null ? null : copy(r);
    }

    @Override
    public synchronized long count(String db, String table) {
        return table(db, table).rows.size();
    }

    @Override
    public synchronized List<Map<String, Object>> query(String db, String table, Query q) {
        Table t = table(db, table);
        NavigableMap<Object, Map<String, Object>> view = t.rows;
        if (q.lowerBound() != null) view = view.tailMap(Keys.norm(q.lowerBound()), !q.lowerOpen());
        if (q.descending()) view = view.descendingMap();
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> r : view.values()) {
            if (!matches(r, q.equals())) continue;
            out.add(copy(r));
            if (out.size() >= q.limit()) break;
        }
        return out;
    }

    private static boolean matches(Map<String, Object> r, Map<String, Object> eq) {
        for (Map.Entry<String, Object> e : eq.entrySet()) {
            Object v = r.get(e.getKey());
            if (v == null || Keys.compare(Keys.norm(v), Keys.norm(e.getValue())) != 0) return false;
        }
        return true;
    }

    @Override
    public synchronized InsertResult insert(String db, String table, List<Map<String, Object>> rows, boolean upsert) {
        Table t = table(db, table);
        int inserted = 0, errors = 0;
        String first = null;
        List<Object> generated = new ArrayList<>();
        for (Map<String, Object> row : rows) {
            Map<String, Object> r = copy(row);
            Object key = r.get(t.pk);
            boolean gen = key == null;
            if (gen) {
                key = UUID.randomUUID().toString();
                r.put(t.pk, key);
            }
            key = Keys.norm(key);
            Map<String, Object> old = t.rows.get(key);
            if (old != null && !upsert) {
                errors++;
                if (first == null) first = "Duplicate primary key `" + t.pk + "`: " + key;
                continue;
            }
            t.rows.put(key, r);
            inserted++;
            if (gen) generated.add(key);
            emit(t, old == null ? "insert" : "update", old, r);
        }
        return new InsertResult(inserted, generated, errors, first);
    }

    @Override
    public synchronized Change update(String db, String table, Object key, Map<String, Object> patch) {
        Table t = table(db, table);
        Object k = Keys.norm(key);
        Map<String, Object> old = t.rows.get(k);
        if (old == null) return null;
        Map<String, Object> next = copy(old);
        merge(next, patch);
        next.put(t.pk, old.get(t.pk)); // the primary key cannot change
        t.rows.put(k, next);
        if (!next.equals(old)) emit(t, "update", old, next);
        return new Change(copy(old), copy(next));
    }

    @SuppressWarnings("unchecked")
    private static void merge(Map<String, Object> into, Map<String, Object> patch) {
        for (Map.Entry<String, Object> e : patch.entrySet()) {
            Object cur = into.get(e.getKey());
            if (cur instanceof Map && e.getValue() instanceof Map) {
                Map<String, Object> m = new LinkedHashMap<>((Map<String, Object>) cur);
                merge(m, (Map<String, Object>) e.getValue());
                into.put(e.getKey(), m);
            } else {
                into.put(e.getKey(), e.getValue());
            }
        }
    }

    @Override
    public synchronized Map<String, Object> delete(String db, String table, Object key) {
        Table t = table(db, table);
        Map<String, Object> old = t.rows.remove(Keys.norm(key));
        if (old != null) emit(t, "delete", old, null);
        return old;
    }

    /** Under this lock: events are queued in commit order. */
    private void emit(Table t, String type, Map<String, Object> before, Map<String, Object> after) {
        if (t.feeds.isEmpty()) return;
        Map<String, Object> b = before == null ? null : copy(before), a = after == null ? null : copy(after);
        List<FeedListener> targets = new ArrayList<>(t.feeds);
        Runnable deliver = () -> {
            for (FeedListener l : targets) {
                try {
                    l.onChange(type, b, a);
                } catch (RuntimeException ignored) {
                    // a listener's failure must not break the write or the other listeners
                }
            }
        };
        if (feedExecutor == null) {
            deliver.run();
            return;
        }
        feedQueue.add(deliver);
        if (feedDraining.compareAndSet(false, true)) feedExecutor.execute(this::drainFeeds);
    }

    private void drainFeeds() {
        while (true) {
            Runnable r;
            while ((r = feedQueue.poll()) != null) r.run();
            feedDraining.set(false);
            if (feedQueue.isEmpty() || !feedDraining.compareAndSet(false, true)) return;
        }
    }

    @Override
    public synchronized FeedHandle changes(String db, String table, FeedListener listener) {
        Table t = table(db, table);
        t.feeds.add(listener);
        return () -> t.feeds.remove(listener);
    }

    @Override
    public void ping() {
        up();
    }

    @Override
    public void close() {
        // the data outlives connections on purpose (it is the "server")
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> copy(Map<String, Object> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, deep(v)));
        return out;
    }

    @SuppressWarnings("unchecked")
    private static Object deep(Object v) {
        if (v instanceof Map<?, ?> m) return copy((Map<String, Object>) m);
        if (v instanceof List<?> l) {
            List<Object> out = new ArrayList<>(l.size());
            for (Object o : l) out.add(deep(o));
            return out;
        }
        return v;
    }
}
