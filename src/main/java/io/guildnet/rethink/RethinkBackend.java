package io.guildnet.rethink;

import java.util.List;
import java.util.Map;

/**
 * The database operations GuildNet needs from one RethinkDB server, with two implementations:
 * {@link DriverBackend} (the official Java driver) and {@link InMemoryBackend} (tests, demos,
 * {@code GUILDNET_RDB_BACKEND=memory}). Rows are plain maps of JSON-like Java values
 * (String, Long, Double, Boolean, null, List, Map). Names are physical (already prefixed).
 * Failures are {@link BackendException}s.
 */
public interface RethinkBackend extends AutoCloseable {

    List<String> dbList();

    /** @throws BackendException {@code ALREADY_EXISTS} */
    void dbCreate(String db);

    /** @throws BackendException {@code NOT_FOUND} */
    void dbDrop(String db);

    /** @throws BackendException {@code NOT_FOUND} for a missing database */
    List<String> tableList(String db);

    /** @throws BackendException {@code ALREADY_EXISTS}, {@code NOT_FOUND} (database) */
    void tableCreate(String db, String table, String primaryKey);

    /** @throws BackendException {@code NOT_FOUND} */
    void tableDrop(String db, String table);

    /** The table's primary key field. @throws BackendException {@code NOT_FOUND} */
    String primaryKey(String db, String table);

    /** The row with this primary key value, or null. */
    Map<String, Object> get(String db, String table, Object key);

    /** How many rows the table has (progress of exports); -1 when the backend cannot tell cheaply. */
    default long count(String db, String table) {
        return -1;
    }

    /** Rows in primary-key order, bounded and filtered as the query says. */
    List<Map<String, Object>> query(String db, String table, Query q);

    /** Inserts rows; {@code upsert} replaces rows with the same key instead of failing them. */
    InsertResult insert(String db, String table, List<Map<String, Object>> rows, boolean upsert);

    /** Merges {@code patch} into the row; returns {before, after} or null when the row is missing. */
    Change update(String db, String table, Object key, Map<String, Object> patch);

    /** Deletes the row; returns its old value or null when it was missing. */
    Map<String, Object> delete(String db, String table, Object key);

    /**
     * Starts a changefeed of the table (no initial rows: the hub reads those itself). Events
     * arrive on a backend thread in commit order; the returned handle cancels the feed.
     */
    FeedHandle changes(String db, String table, FeedListener listener);

    /** A cheap round trip (the anchor's DBList ping). */
    void ping();

    @Override
    void close();

    /** Ordered scan: primary key order ({@code descending} for newest-first ids), optional bounds and equality filter. */
    record Query(Object lowerBound, boolean lowerOpen, boolean descending, Map<String, Object> equals, int limit) {
        public static Query page(Object after, int limit) {
            return new Query(after, true, false, Map.of(), limit);
        }
    }

    record InsertResult(int inserted, List<Object> generatedKeys, int errors, String firstError) {}

    record Change(Map<String, Object> before, Map<String, Object> after) {}

    /** Receives feed events: {@code type} is insert, update or delete. */
    interface FeedListener {
        void onChange(String type, Map<String, Object> before, Map<String, Object> after);

        /** The feed ended with an error (connection cut, table dropped...). No more events follow. */
        void onError(Throwable error);
    }

    interface FeedHandle extends AutoCloseable {
        @Override
        void close();
    }
}
