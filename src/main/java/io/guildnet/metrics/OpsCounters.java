package io.guildnet.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Data-operation counters of the anchor's {@code /api/metrics} snapshot:
 * {@code ops["cluster/<c>/<db>/<table>/<op>"]} and the open-changefeed gauge.
 * The RethinkDB layer increments them.
 */
@ApplicationScoped
public class OpsCounters {

    private final Map<String, LongAdder> ops = new ConcurrentHashMap<>();
    private final AtomicLong changefeeds = new AtomicLong();

    public void inc(String clusterId, String db, String table, String op, long n) {
        ops.computeIfAbsent("cluster/" + clusterId + "/" + db + "/" + table + "/" + op, k -> new LongAdder()).add(n);
    }

    public void changefeedOpened() { changefeeds.incrementAndGet(); }

    public void changefeedClosed() { changefeeds.decrementAndGet(); }

    public Map<String, Long> ops() {
        Map<String, Long> out = new TreeMap<>();
        ops.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }

    public long changefeeds() { return changefeeds.get(); }
}
