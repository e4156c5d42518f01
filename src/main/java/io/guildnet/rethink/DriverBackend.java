package io.guildnet.rethink;

import com.rethinkdb.RethinkDB;
import com.rethinkdb.ast.ReqlAst;
import com.rethinkdb.gen.ast.ReqlExpr;
import com.rethinkdb.gen.ast.Table;
import com.rethinkdb.gen.exc.ReqlAuthError;
import com.rethinkdb.gen.exc.ReqlAvailabilityError;
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
import java.util.NoSuchElementException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
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
        return connect(host, port, user, password, timeout, executor, queryTimeout, null);
    }

    /** As above; {@code sockets} (e.g. through a cluster's tailnet connector) opens the TCP connection when given. */
    public static DriverBackend connect(String host, int port, String user, String password, Duration timeout,
                                        ExecutorService executor, Duration queryTimeout, com.rethinkdb.net.ConnectionSocket.Factory sockets) {
        Connection.Builder b = new Connection.Builder().hostname(host).port(port).timeout(timeout.toMillis());
        if (sockets != null) b = b.socketFactory(sockets);
        if (user != null && !user.isBlank()) b = b.user(user, password == null ? "" : password);
        try {
            return new DriverBackend(b.connect(), executor, queryTimeout);
        } catch (ReqlAuthError e) {
            // the server's handshake answer ("Wrong password", "Unknown user"...): say so, so the link reports error_class auth
            throw new BackendException(BackendException.Reason.UNAVAILABLE,
                    "cannot connect to " + host + ":" + port + ": authentication failed: " + e.getMessage(), e);
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

    /**
     * Every value of a query; an atom that is an array is returned as its elements only via {@link #list}.
     * The timeout bounds the whole query, every batch of a stream included (the driver fetches later
     * batches inside {@code next()}, which would otherwise block for ever on a half-dead connection).
     */
    private List<Object> seq(ReqlAst q, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Result<Object>> f = null;
        try {
            f = q.runAsync(conn);
            Result<Object> res = f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            try {
                List<Object> out = new ArrayList<>();
                if (res.responseType() == ResponseType.SUCCESS_ATOM) {
                    out.add(res.hasNext() ? res.next() : null);
                    return out;
                }
                while (res.hasNext()) out.add(res.next(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
                return out;
            } finally {
                res.close(); // a stream not read to its end is stopped on the server
            }
        } catch (ExecutionException e) {
            throw map(e.getCause());
        } catch (TimeoutException e) {
            // an answer arriving later must not leave an open cursor on the server
            if (f != null) f.thenAccept(Result::close);
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
        return list(q, queryTimeout);
    }

    private List<Object> list(ReqlAst q, Duration timeout) {
        List<Object> all = seq(q, timeout);
        if (all.size() == 1 && all.get(0) instanceof List<?> l) return new ArrayList<>(l);
        return all;
    }

    static BackendException map(Throwable t) {
        if (t instanceof BackendException be) return be;
        String m = String.valueOf(t.getMessage());
        if (m.contains("already exists")) return new BackendException(BackendException.Reason.ALREADY_EXISTS, m, t);
        if (m.contains("does not exist")) return new BackendException(BackendException.Reason.NOT_FOUND, m, t);
        if (m.contains("Duplicate primary key")) return new BackendException(BackendException.Reason.CONFLICT, m, t);
        // ReqlOpFailedError/ReqlOpIndeterminateError: no primary replica, "Changefeed aborted (table unavailable)."...
        if (t instanceof ReqlDriverError || t instanceof ReqlAvailabilityError || ErrorClass.of(t) == ErrorClass.TRANSIENT) {
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
    public long count(String db, String table) {
        return ((Number) atom(table(db, table).count())).longValue();
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
        List<Object> docs = new ArrayList<>(rows);
        if (rows.stream().anyMatch(m -> m.values().stream().anyMatch(java.util.Objects::isNull))) { // (Map.of rejects containsValue(null))
            // a null primary key is an error on the server ("Primary keys must be ... (got type NULL)");
            // the in-memory backend generates a key for it, as for a missing one: drop the field
            String pk = primaryKey(db, table);
            for (int i = 0; i < docs.size(); i++) {
                Map<String, Object> m = rows.get(i);
                if (m.containsKey(pk) && m.get(pk) == null) {
                    Map<String, Object> c = new LinkedHashMap<>(m);
                    c.remove(pk);
                    docs.set(i, c);
                }
            }
        }
        Map<String, Object> res = obj(atom(table(db, table).insert(docs).optArg("conflict", upsert ? "replace" : "error"),
                queryTimeout.multipliedBy(3)));
        List<Object> keys = new ArrayList<>();
        if (res != null && res.get("generated_keys") instanceof List<?> l) keys.addAll(l);
        long written = num(res, "inserted") + num(res, "replaced") + num(res, "unchanged");
        Object first = res == null ? null : res.get("first_error");
        return new InsertResult((int) written, keys, (int) num(res, "errors"), first == null ? null : firstError(db, table, rows, String.valueOf(first)));
    }

    /**
     * RethinkDB's duplicate-key error prints both whole rows ({@code Duplicate primary key `k`:\n{old}\n{new}}),
     * which would put stored values (masked columns too) into API responses and logs: keep its first line,
     * with the key when one row was written (the in-memory backend's {@code Duplicate primary key `k`: v}).
     */
    private String firstError(String db, String table, List<Map<String, Object>> rows, String first) {
        if (!first.startsWith("Duplicate primary key")) return first;
        int nl = first.indexOf('\n');
        String head = nl < 0 ? first : first.substring(0, nl);
        if (head.endsWith(":")) head = head.substring(0, head.length() - 1);
        if (rows.size() == 1) {
            try {
                Object key = rows.get(0).get(primaryKey(db, table));
                if (key != null) head += ": " + key;
            } catch (BackendException ignored) {
                // the message without the key
            }
        }
        return head;
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
        CompletableFuture<Result<Object>> f = null;
        try {
            f = table(db, table).changes().optArg("include_types", true).optArg("squash", false).runAsync(conn);
            res = f.get(queryTimeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw map(e.getCause());
        } catch (TimeoutException e) {
            if (f != null) f.thenAccept(Result::close); // a feed that starts late is stopped, not left open on the server
            throw new BackendException(BackendException.Reason.UNAVAILABLE, "changefeed did not start in time", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new BackendException(BackendException.Reason.UNAVAILABLE, "interrupted", e);
        } catch (RuntimeException e) {
            throw map(e);
        }
        AtomicBoolean closed = new AtomicBoolean();
        Runnable reader = () -> {
            try {
                while (!closed.get()) {
                    Object o;
                    try {
                        o = res.next(1, TimeUnit.SECONDS);
                    } catch (TimeoutException e) {
                        continue;
                    }
                    Map<String, Object> ev = obj(o);
                    if (ev == null || closed.get()) continue; // no event after close()
                    String type = String.valueOf(ev.get("type"));
                    Map<String, Object> before = obj(ev.get("old_val")), after = obj(ev.get("new_val"));
                    try {
                        switch (type) {
                            case "add", "initial" -> listener.onChange("insert", null, after);
                            case "change" -> listener.onChange("update", before, after);
                            case "remove", "uninitial" -> listener.onChange("delete", before, null);
                            default -> { } // state frames
                        }
                    } catch (RuntimeException e) {
                        // as in the in-memory backend, a listener's failure does not end the feed
                        LOG.fine("changefeed " + db + "." + table + " listener failed: " + e);
                    }
                }
            } catch (Throwable t) {
                if (!closed.get()) {
                    LOG.fine("changefeed " + db + "." + table + " ended: " + t);
                    listener.onError(feedError(db, table, t));
                }
            } finally {
                try {
                    res.close();
                } catch (RuntimeException ignored) {
                    // the connection is gone already
                }
            }
        };
        try {
            executor.execute(reader);
        } catch (RejectedExecutionException e) {
            res.close();
            throw new BackendException(BackendException.Reason.UNAVAILABLE, "no thread to read the changefeed: " + e.getMessage(), e);
        }
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

    /**
     * Why a feed ended. The driver ends a feed's result normally (no error) when the connection is
     * closed; and a real server reports a dropped table or database as "Changefeed aborted (table
     * unavailable).", which is also what a lost replica looks like: look whether the table is still
     * there, so a dropped one is NOT_FOUND as with the in-memory backend.
     */
    private BackendException feedError(String db, String table, Throwable t) {
        if (t instanceof NoSuchElementException) { // the server ends a feed without an error only when asked to (close())
            return new BackendException(BackendException.Reason.UNAVAILABLE, "changefeed " + db + "." + table + " ended: connection closed", t);
        }
        if (t.getCause() instanceof InterruptedException) {
            return new BackendException(BackendException.Reason.UNAVAILABLE, "changefeed " + db + "." + table + " interrupted", t);
        }
        BackendException be = map(t);
        if (be.reason() != BackendException.Reason.NOT_FOUND && conn.isOpen()) {
            try {
                boolean there = false;
                for (Object o : list(r.db(db).tableList(), Duration.ofSeconds(2))) there |= table.equals(o);
                if (!there) return new BackendException(BackendException.Reason.NOT_FOUND, "Table `" + db + "." + table + "` does not exist.", t);
            } catch (BackendException e) {
                if (e.reason() == BackendException.Reason.NOT_FOUND) return e; // the database is gone
            }
        }
        return be;
    }

    @Override
    public void ping() {
        if (!conn.isOpen()) throw new BackendException(BackendException.Reason.UNAVAILABLE, "connection closed");
        seq(r.dbList(), Duration.ofSeconds(2));
    }

    @Override
    public void close() {
        try {
            // close(false): close() would first wait, without any timeout, for a NOREPLY_WAIT answer, which never
            // comes from a half-dead server and would block the link's monitor thread for ever (no noreply queries here)
            conn.close(false);
        } catch (RuntimeException e) {
            LOG.fine("closing the RethinkDB connection: " + e);
        }
    }
}
