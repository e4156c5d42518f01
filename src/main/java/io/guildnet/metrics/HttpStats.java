package io.guildnet.metrics;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * Request counts and latencies per route, exported through MicroProfile Metrics
 * ({@code /metrics}: {@code guildnet_http_requests_total}, {@code guildnet_http_request_duration_seconds})
 * and summarised in the {@code /api/metrics} snapshot. Route labels are JAX-RS
 * templates or a few fixed names, so their number stays bounded.
 */
@ApplicationScoped
public class HttpStats {

    @Inject
    MetricRegistry registry;

    private final Map<String, LongAdder> perRoute = new ConcurrentHashMap<>();

    public void record(String method, String route, int status, long nanos) {
        String statusClass = (status / 100) + "xx";
        registry.counter("guildnet_http_requests", new Tag("method", method), new Tag("route", route), new Tag("status", statusClass)).inc();
        registry.timer("guildnet_http_request_duration", new Tag("route", route)).update(Duration.ofNanos(nanos));
        perRoute.computeIfAbsent(method + " " + route, k -> new LongAdder()).increment();
    }

    public Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        perRoute.forEach((k, v) -> out.put(k, v.sum()));
        return out;
    }
}
