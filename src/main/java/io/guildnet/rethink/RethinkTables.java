package io.guildnet.rethink;

import io.guildnet.api.ApiException;
import io.guildnet.batch.transfer.TableStore;
import io.guildnet.cluster.DefaultCluster;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rethink-export / rethink-import jobs' view of a cluster's databases: pages by the table's
 * own primary key (typed: a number key stays a number in the cursor) and idempotent upserts,
 * with the submitter's database permissions (row.read / row.write, masked columns masked) as
 * the database API applies them.
 */
@ApplicationScoped
public class RethinkTables implements TableStore.Factory {

    @Inject
    RethinkModule module;

    @Override
    public Optional<TableStore> forCluster(String clusterId, String actor) {
        if (DefaultCluster.ID.equals(clusterId)) return Optional.empty();
        return Optional.of(new Store(module.forCluster(clusterId).service(), caller(actor)));
    }

    static Caller caller(String actor) {
        String p = actor == null || actor.isBlank() ? "unknown" : actor;
        return new Caller(p, Caller.isHostAdmin(p), null);
    }

    @Override
    public String absentReason() {
        return "the host's default cluster has no database link; register the cluster to export or import its tables";
    }

    /** One cluster's tables as the transfer jobs see them. Database ids are the API's ids (not physical names). */
    public static final class Store implements TableStore {
        private final DatabaseService svc;
        private final Caller caller;
        private final Map<String, Set<String>> masked = new ConcurrentHashMap<>();
        private final Map<String, List<JsonObject>> schemas = new ConcurrentHashMap<>();
        private final Set<String> writable = ConcurrentHashMap.newKeySet();

        public Store(DatabaseService svc, Caller caller) {
            this.svc = svc;
            this.caller = caller;
        }

        @Override
        public String primaryKey(String db, String table) {
            svc.getTable(caller, DbNames.dbId(db), DbNames.table(table)); // exists, and the caller may read it
            return svc.be().primaryKey(svc.phys(db), table);
        }

        private Set<String> masked(String db, String table) {
            return masked.computeIfAbsent(db + "/" + table, k -> {
                Role role = svc.require(caller, db, table, "row.read");
                return role.masked() ? DatabaseService.maskedColumns(svc.columns(svc.be(), db, table)) : Set.of();
            });
        }

        @Override
        public List<JsonObject> page(String db, String table, JsonValue afterKey, int limit) {
            Set<String> m = masked(db, table);
            List<Map<String, Object>> rows = svc.be().query(svc.phys(db), table,
                    RethinkBackend.Query.page(afterKey == null ? null : Values.java(afterKey), limit));
            List<JsonObject> out = new ArrayList<>(rows.size());
            for (Map<String, Object> r : rows) out.add(Values.object(DatabaseService.mask(r, m)));
            return out;
        }

        @Override
        public long count(String db, String table) {
            return svc.be().count(svc.phys(db), table);
        }

        /**
         * Upserts by primary key; text cells (CSV) are coerced to the table's schema types as the
         * database API's import does. Any rejected row fails the chunk with the database's reason.
         */
        @Override
        public void upsert(String db, String table, List<JsonObject> rows) {
            String key = db + "/" + table;
            if (!writable.contains(key)) {
                svc.getTable(caller, DbNames.dbId(db), DbNames.table(table));
                svc.require(caller, db, table, "row.write");
                writable.add(key);
            }
            List<JsonObject> cols = schemas.computeIfAbsent(key, k -> svc.columns(svc.be(), db, table));
            String pk = svc.be().primaryKey(svc.phys(db), table);
            List<Map<String, Object>> batch = new ArrayList<>(rows.size());
            for (JsonObject r : rows) {
                Map<String, Object> m = new LinkedHashMap<>(Values.map(r));
                Coercion.coerce(m, cols);
                List<String> errs = new ArrayList<>(Coercion.check(m, cols));
                // without its key the database would generate one, and a replayed chunk would duplicate the row
                if (m.get(pk) == null) errs.add("missing primary key " + pk);
                if (!errs.isEmpty()) {
                    throw ApiException.badRequest("invalid_row", "row with " + pk + "=" + Values.json(m.get(pk)) + " is not valid for "
                            + db + "." + table + ": " + String.join(", ", errs));
                }
                batch.add(m);
            }
            RethinkBackend.InsertResult res = svc.be().insert(svc.phys(db), table, batch, true);
            if (res.errors() > 0) {
                throw new IllegalStateException(res.errors() + " row(s) rejected by the database: " + res.firstError());
            }
            svc.ops().inc(db, table, "import", batch.size());
        }
    }
}
