package io.guildnet.batch.transfer;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.List;
import java.util.Optional;

/**
 * What rethink-export and rethink-import need from the database layer: pages of a table in
 * primary-key order and idempotent upserts. Keys are typed JSON values, so a page cursor keeps
 * the difference between the number 10 and the string "10" (they sort apart in RethinkDB).
 * The RethinkDB part (io.guildnet.rethink) implements it per cluster.
 */
public interface TableStore {

    /** The table's primary key field; fails when the table is missing or the caller may not read it. */
    String primaryKey(String db, String table) throws Exception;

    /** At most {@code limit} rows with a primary key strictly greater than {@code afterKey} (null: from the first), in key order. */
    List<JsonObject> page(String db, String table, JsonValue afterKey, int limit) throws Exception;

    /** Inserts or replaces rows by primary key, so a chunk replayed after a crash adds no duplicate. */
    void upsert(String db, String table, List<JsonObject> rows) throws Exception;

    /** How many rows the table has, or -1 when unknown (progress only). */
    default long count(String db, String table) throws Exception {
        return -1;
    }

    /** Finds the store for a cluster, acting for {@code actor} (its database permissions apply). */
    interface Factory {
        Optional<TableStore> forCluster(String clusterId, String actor);

        String absentReason();
    }

    Factory NONE = new Factory() {
        @Override public Optional<TableStore> forCluster(String clusterId, String actor) { return Optional.empty(); }

        @Override public String absentReason() {
            return "the RethinkDB layer (io.guildnet.rethink) is not part of this build, so there is no table to export or import";
        }
    };
}
