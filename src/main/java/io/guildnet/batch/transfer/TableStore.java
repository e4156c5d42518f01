package io.guildnet.batch.transfer;

import jakarta.json.JsonObject;
import java.util.List;
import java.util.Optional;

/**
 * What rethink-export and rethink-import need from the database layer: pages of a table in
 * primary-key order and idempotent upserts. The RethinkDB part (io.guildnet.rethink)
 * implements it per cluster; without it the transfer jobs are refused (501) with the reason.
 */
public interface TableStore {

    /** The table's primary key field. */
    String primaryKey(String db, String table) throws Exception;

    /** At most {@code limit} rows with a primary key strictly greater than {@code afterKey} (null: from the first), in key order. */
    List<JsonObject> page(String db, String table, String afterKey, int limit) throws Exception;

    /** Inserts or replaces rows by primary key, so a chunk replayed after a crash adds no duplicate. */
    void upsert(String db, String table, List<JsonObject> rows) throws Exception;

    /** Finds the store for a cluster, if the database layer exists and knows the cluster. */
    interface Factory {
        Optional<TableStore> forCluster(String clusterId);

        String absentReason();
    }

    Factory NONE = new Factory() {
        @Override public Optional<TableStore> forCluster(String clusterId) { return Optional.empty(); }

        @Override public String absentReason() {
            return "the RethinkDB layer (io.guildnet.rethink) is not part of this build, so there is no table to export or import";
        }
    };
}
