package io.guildnet.rethink;

import com.rethinkdb.RethinkDB;
import com.rethinkdb.ast.ReqlAst;
import com.rethinkdb.gen.ast.ReqlExpr;
import com.rethinkdb.gen.ast.Table;
import com.rethinkdb.gen.exc.ReqlDriverError;
import com.rethinkdb.gen.exc.ReqlError;
import com.rethinkdb.gen.proto.ResponseType;
import com.rethinkdb.net.Connection;
import com.rethinkdb.net.Result;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Logger;

/**
 * {@link RethinkBackend} over one connection of the official driver (2.4.4). The connection is
 * owned by {@link RethinkLink}; queries are multiplexed over it, each bounded by a timeout so a
 * half-dead connection never hangs a request. Changefeeds each take one reader task.
 */
public final class DriverBackend implements RethinkBackend {

    private static final Logger LOG = Logger.getLogger(DriverBackend.class.getName());
    private static final RethinkDB r = RethinkDB.r;

    private final Connection conn;
    private final ExecutorService executor;
    private final Duration queryTimeout;
    private final Map<String, String> pkCache = new ConcurrentHashMap<>();

    public DriverBackend(Connection conn, ExecutorService executor, Duration queryTimeout) {
        this.conn = conn;
        this.executor = executor;
        this.queryTimeout = queryTimeout;
    }

    /** Opens a connection (connect timeout {@code timeout}); the caller owns the result. */
    public static DriverBackend connect(String host, int port, String user, String password, Duration timeout,
                                        ExecutorService executor, Duration queryTimeout) {
        Connection.Builder b = new Connection.Builder().hostname(host).port(port).timeout(timeout.toMillis());
        if (user != null && !user.isBlank()) b = b.user(user, password == null ? "" : password);
        try {
            return new DriverBackend(b.connect(), executor, queryTimeout);
        } catch (ReqlError e) {
            throw map(e);
        } catch (RuntimeException e) {
            throw new BackendException(BackendException.Reason.UNAVAILABLE, "cannot connect to " + host + ":" + port + ": " + e.getMessage(), e);
        }
    }

    public boolean isOpen() { return conn.isOpen(); }

    // ---- running queries ------------------------------------------------------------------

    private Object atom(ReqlAst q) {
        return atom(q, queryTimeout);
    }

    private Object atom(ReqlAst q, Duration timeout) {
        List<Object> all = seq(q, timeout);
        return all.isEmpty() ? null : all.get(0);
    }

    /** Every value of a query; an atom that is an array is returned as its elements only via {@link #list}. */
    private List<Object> seq(ReqlAst q, Duration timeout) {
        try {
            Result<Object> res = q.runAsync(conn).get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                List<Object> out = new ArrayList<>();
                if (res.responseType() == ResponseType.SUCCESS_ATOM) {
                    out.add(res.hasNext() ? res.next() : null);
                    return out;
                }
                while (res.hasNext()) out.add(res.next());
                return out;
            } finally {
                res.close();
            }
        } catch (ExecutionException e) {
            throw map(e.getCause());
        } catch (TimeoutException e) {
            throw new BackendException(BackendException.Reason.UNAVAILABLE, "query timed out after " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(BackendException.Reason.UNAVAILABLE, "interrupted", e);
        } catch (RuntimeException e) {
            throw map(e);
        }
    }

    /** A query whose value is an array (atom) or a stream, flattened to its elements. */
    private List<Object> list(ReqlAst q) {
        List<Object> all = seq(q, queryTimeout);
        if (all.size() == 1 && all.get(0) instanceof List<?> l) return new ArrayList<>(l);
        return all;
    }

    static BackendException map(Throwable t) {
        if (t instanceof BackendException be) return be;
        String m = String.valueOf(t.getMessage());
        if (m.contains("already exists")) return new BackendException(BackendException.Reason.ALREADY_EXISTS, m, t);
        if (m.contains("does not exist")) return new BackendException(BackendException.Reason.NOT_FOUND, m, t);
        if (m.contains("Duplicate primary key")) return new BackendException(BackendException.Reason.CONFLICT, m, t);
        if (t instanceof ReqlDriverError || ErrorClass.of(t) == ErrorClass.TRANSIENT) {
            return new BackendException(BackendException.Reason.UNAVAILABLE, m, t);
        }
        if (t instanceof com.rethinkdb.gen.exc.ReqlQueryLogicError || t instanceof com.rethinkdb.gen.exc.ReqlNonExistenceError) {
            return new BackendException(BackendException.Reason.INVALID, m, t);
        }
        return new BackendException(BackendException.Reason.OTHER, m, t);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> obj(Object o) {
        return o instanceof Map<?, ?> m ? new LinkedHashMap<>((Map<String, Object>) m) : null;
    }

    private static long num(Map<String, Object> m, String k) {
        Object v = m == null ? null : m.get(k);
        return v instanceof Number n ? n.longValue() : 0;
    }

    private Table table(String db, String table) {
        return r.db(db).table(table);
    }

    // ---- operations ---------------------------------------------------------------------------

    @Override
    public List<String> dbList() {
        List<String> out = new ArrayList<>();
        for (Object o : list(r.dbList())) out.add(String.valueOf(o));
        return out;
    }

    @Override
    public void dbCreate(String db) {
        atom(r.dbCreate(db));
    }

    @Override
    public void dbDrop(String db) {
        atom(r.dbDrop(db));
        pkCache.keySet().removeIf(k -> k.startsWith(db + "\u0000"));
    }

    @Override
    public List<String> tableList(String db) {
        List<String> out = new ArrayList<>();
        for (Object o : list(r.db(db).tableList())) out.add(String.valueOf(o));
        return out;
    }

    @Override
    public void tableCreate(String db, String table, String primaryKey) {
        atom(r.db(db).tableCreate(table).optArg("primary_key", primaryKey));
        // a new table is usable once its primary replica is ready
        atom(r.db(db).table(table).wait_().optArg("wait_for", "ready_for_writes").optArg("timeout", 30), Duration.ofSeconds(35));
        pkCache.put(db + "\u0000" + table, primaryKey);
    }

    @Override
    public void tableDrop(String db, String table) {
        pkCache.remove(db + "\u0000" + table);
        atom(r.db(db).tableDrop(table));
    }

    @Override
    public String primaryKey(String db, String table) {
        String k = db + "\u0000" + table;
        String pk = pkCache.get(k);
        if (pk != null) return pk;
        pk = String.valueOf(atom(table(db, table).info().g("primary_key")));
        pkCache.put(k, pk);
        return pk;
    }

    @Override
    public Map<String, Object> get(String db, String table, Object key) {
        return obj(atom(table(db, table).get(key)));
    }

    @Override
    public List<Map<String, Object>> query(String db, String table, Query q) {
        String pk = primaryKey(db, table);
        Table t = table(db, table);
        ReqlExpr sel = t;
        if (q.lowerBound() != null) {
            sel = t.between(q.lowerBound(), r.maxval()).optArg("index", pk).optArg("left_bound", q.lowerOpen() ? "open" : "closed");
        }
        sel = sel.orderBy().optArg("index", q.descending() ? r.desc(pk) : pk);
        if (!q.equals().isEmpty()) sel = sel.filter(new LinkedHashMap<>(q.equals()));
        sel = sel.limit(q.limit());
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : list(sel)) {
            Map<String, Object> m = obj(o);
            if (m != null) out.add(m);
        }
        return out;
    }

    @Override
    public InsertResult insert(String db, String table, List<Map<String, Object>> rows, boolean upsert) {
        if (rows.isEmpty()) return new InsertResult(0, List.of(), 0, null);
        Map<String, Object> res = obj(atom(table(db, table).insert(new ArrayList<Object>(rows)).optArg("conflict", upsert ? "replace" : "error"),
                queryTimeout.multipliedBy(3)));
        List<Object> keys = new ArrayList<>();
        if (res != null && res.get("generated_keys") instanceof List<?> l) keys.addAll(l);
        long written = num(res, "inserted") + num(res, "replaced") + num(res, "unchanged");
        Object first = res == null ? null : res.get("first_error");
        return new InsertResult((int) written, keys, (int) num(res, "errors"), first == null ? null : String.valueOf(first));
    }

    @Override
    public Change update(String db, String table, Object key, Map<String, Object> patch) {
        Map<String, Object> res = obj(atom(table(db, table).get(key).update(new LinkedHashMap<>(patch)).optArg("return_changes", "always")));
        if (res == null || num(res, "skipped") > 0) return null;
        if (num(res, "errors") > 0) throw new BackendException(BackendException.Reason.INVALID, String.valueOf(res.get("first_error")));
        if (res.get("changes") instanceof List<?> l && !l.isEmpty()) {
            Map<String, Object> c = obj(l.get(0));
            Map<String, Object> before = obj(c.get("old_val")), after = obj(c.get("new_val"));
            if (before == null) return null;
            return new Change(before, after);
        }
        return null;
    }

    @Override
    public Map<String, Object> delete(String db, String table, Object key) {
        Map<String, Object> res = obj(atom(table(db, table).get(key).delete().optArg("return_changes", true)));
        if (res == null || num(res, "deleted") == 0) return null;
        if (res.get("changes") instanceof List<?> l && !l.isEmpty()) return obj(obj(l.get(0)).get("old_val"));
        return new LinkedHashMap<>();
    }

    @Override
    public FeedHandle changes(String db, String table, FeedListener listener) {
        Result<Object> res;
        try {
            res = table(db, table).changes().optArg("include_types", true).optArg("squash", false)
                    .runAsync(conn).get(queryTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw map(e.getCause());
        } catch (TimeoutException e) {
            throw new BackendException(BackendException.Reason.UNAVAILABLE, "changefeed did not start in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(BackendException.Reason.UNAVAILABLE, "interrupted", e);
        } catch (RuntimeException e) {
            throw map(e);
        }
        AtomicBoolean closed = new AtomicBoolean();
        executor.submit(() -> {
            try {
                while (!closed.get()) {
                    Object o;
                    try {
                        o = res.next(1, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        continue;
                    }
                    Map<String, Object> ev = obj(o);
                    if (ev == null) continue;
                    String type = String.valueOf(ev.get("type"));
                    Map<String, Object> before = obj(ev.get("old_val")), after = obj(ev.get("new_val"));
                    switch (type) {
                        case "add", "initial" -> listener.onChange("insert", null, after);
                        case "change" -> listener.onChange("update", before, after);
                        case "remove", "uninitial" -> listener.onChange("delete", before, null);
                        default -> { } // state frames
                    }
                }
            } catch (Throwable t) {
                if (!closed.get()) {
                    LOG.fine("changefeed " + db + "." + table + " ended: " + t);
                    listener.onError(map(t));
                }
            } finally {
                try {
                    res.close();
                } catch (RuntimeException ignored) {
                    // the connection is gone already
                }
            }
        });
        return () -> {
            if (closed.compareAndSet(false, true)) {
                try {
                    res.close();
                } catch (RuntimeException ignored) {
                    // the connection is gone already
                }
            }
        };
    }

    @Override
    public void ping() {
        if (!conn.isOpen()) throw new BackendException(BackendException.Reason.UNAVAILABLE, "connection closed");
        seq(r.dbList(), Duration.ofSeconds(2));
    }

    @Override
    public void close() {
        try {
            conn.close();
        } catch (RuntimeException e) {
            LOG.fine("closing the RethinkDB connection: " + e);
        }
    }
}
