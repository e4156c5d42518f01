package io.guildnet.rethink;

import io.guildnet.batch.verify.DatabaseProbe;
import io.guildnet.cluster.DefaultCluster;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The verification job's database layer (checks RDB01–RDB03) and the setup's database step,
 * over a cluster's own RethinkDB link. Probes write into a scratch table
 * {@code guildnet_verify.probe} and remove what they wrote.
 */
@ApplicationScoped
public class RethinkProbes implements DatabaseProbe.Factory {

    static final String DB = "guildnet_verify";
    static final String TABLE = "probe";

    @Inject
    RethinkModule module;

    @Override
    public Optional<DatabaseProbe> forCluster(String clusterId) {
        if (DefaultCluster.ID.equals(clusterId)) return Optional.empty();
        ClusterDatabase cd = module.forCluster(clusterId);
        return Optional.of(new Probe(cd));
    }

    @Override
    public String absentReason() {
        return "the host's default cluster has no database link; register the cluster to check its RethinkDB";
    }

    static final class Probe implements DatabaseProbe {
        private final ClusterDatabase cd;

        Probe(ClusterDatabase cd) { this.cd = cd; }

        private RethinkBackend backend() { return cd.link().backend(); }

        @Override
        public String reachable() {
            RethinkBackend b = backend();
            b.ping();
            return cd.backendKind() + " " + cd.link().health().getString("addr", "");
        }

        private RethinkBackend scratch() {
            RethinkBackend b = backend();
            if (!b.dbList().contains(DB)) b.dbCreate(DB);
            if (!b.tableList(DB).contains(TABLE)) b.tableCreate(DB, TABLE, "id");
            return b;
        }

        @Override
        public void writeReadDelete() {
            RethinkBackend b = scratch();
            String id = "probe-" + UUID.randomUUID();
            b.insert(DB, TABLE, List.of(Map.of("id", id, "at", System.currentTimeMillis())), false);
            try {
                Map<String, Object> back = b.get(DB, TABLE, id);
                if (back == null || !Objects.equals(id, back.get("id"))) throw new IllegalStateException("the probe row written was not read back");
            } finally {
                b.delete(DB, TABLE, id);
            }
            if (b.get(DB, TABLE, id) != null) throw new IllegalStateException("the probe row was not deleted");
        }

        @Override
        public void changefeedRoundTrip() throws Exception {
            RethinkBackend b = scratch();
            String id = "feed-" + UUID.randomUUID();
            CountDownLatch seen = new CountDownLatch(1);
            Throwable[] failed = new Throwable[1];
            RethinkBackend.FeedHandle h = b.changes(DB, TABLE, new RethinkBackend.FeedListener() {
                @Override
                public void onChange(String type, Map<String, Object> before, Map<String, Object> after) {
                    if (after != null && id.equals(after.get("id"))) seen.countDown();
                }

                @Override
                public void onError(Throwable error) {
                    failed[0] = error;
                    seen.countDown();
                }
            });
            try {
                b.insert(DB, TABLE, List.of(Map.of("id", id)), false);
                if (!seen.await(5, TimeUnit.SECONDS)) throw new IllegalStateException("no change arrived within 5 s");
                if (failed[0] != null) throw new IllegalStateException("changefeed failed: " + failed[0].getMessage());
            } finally {
                h.close();
                b.delete(DB, TABLE, id);
            }
        }
    }
}
