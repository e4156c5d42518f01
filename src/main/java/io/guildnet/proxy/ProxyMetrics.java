package io.guildnet.proxy;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Proxy counters per path ({@code guildnet_proxy_requests_total{path,status}},
 * {@code guildnet_proxy_failures_total{path}}, {@code guildnet_proxy_bytes_total{path}},
 * {@code guildnet_proxy_upstream_duration_seconds{path}}); a null registry keeps only the
 * in-memory counts (unit tests).
 */
public class ProxyMetrics {

    private final MetricRegistry registry;
    private final Map<ProxyPath, LongAdder> served = new EnumMap<>(ProxyPath.class);
    private final Map<ProxyPath, LongAdder> failed = new EnumMap<>(ProxyPath.class);

    public ProxyMetrics(MetricRegistry registry) {
        this.registry = registry;
        for (ProxyPath p : ProxyPath.values()) {
            served.put(p, new LongAdder());
            failed.put(p, new LongAdder());
        }
    }

    void served(ProxyPath p, int status) {
        served.get(p).increment();
        if (registry != null) {
            registry.counter("guildnet_proxy_requests", new Tag("path", p.wire()), new Tag("status", (status / 100) + "xx")).inc();
        }
    }

    void failed(ProxyPath p) {
        failed.get(p).increment();
        if (registry != null) registry.counter("guildnet_proxy_failures", new Tag("path", p.wire())).inc();
    }

    void upstream(ProxyPath p, long nanos) {
        if (registry != null) registry.timer("guildnet_proxy_upstream_duration", new Tag("path", p.wire())).update(Duration.ofNanos(nanos));
    }

    void bytes(ProxyPath p, long n) {
        if (registry != null && n > 0) registry.counter("guildnet_proxy_bytes", new Tag("path", p.wire())).inc(n);
    }

    public long servedCount(ProxyPath p) { return served.get(p).sum(); }

    public long failedCount(ProxyPath p) { return failed.get(p).sum(); }
}
