package io.guildnet.rethink;

import io.guildnet.cluster.ClusterInstance;
import io.guildnet.cluster.ClusterService;
import java.time.Duration;
import java.util.function.Function;

/**
 * The bootstrap pre-warm step {@code cluster_rdb}: attaches the cluster's database part, so its
 * link starts connecting while the join is still in progress. A join file that names an
 * explicit {@code rdb_addr} must reach it, or the join is rolled back (a wrong address is a
 * mistake in the file); without one, discovery keeps going in the background, because a
 * cluster that has just joined usually gets its RethinkDB from the setup job later.
 */
final class RethinkPrewarm implements ClusterService.PrewarmStep {

    private final Function<ClusterInstance, ClusterDatabase> part;
    private final Duration max;

    RethinkPrewarm(Function<ClusterInstance, ClusterDatabase> part, Duration max) {
        this.part = part;
        this.max = max;
    }

    @Override
    public String name() { return "RethinkDB connection"; }

    @Override
    public String code() { return "cluster_rdb"; }

    @Override
    public String run(ClusterInstance instance) {
        return check(instance.settings().string("rdb_addr"), part.apply(instance).link(), max);
    }

    static String check(String rdbAddr, RethinkLink link, Duration max) {
        if (rdbAddr == null || rdbAddr.isBlank()) return null;
        String err = link.awaitConnected(max);
        return err == null ? null : "RethinkDB at rdb_addr " + rdbAddr + " is not reachable: " + err;
    }
}
