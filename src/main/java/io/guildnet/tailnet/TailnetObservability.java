package io.guildnet.tailnet;

import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.List;
import java.util.TreeMap;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The connectors in MicroProfile Metrics ({@code guildnet_tailnet_connectors{status}},
 * {@code guildnet_tailnet_restarts}) and Health (readiness check {@code tailnet-connectors}: down
 * while a live connector is {@code degraded}; one {@code <cluster>: <status>} datum per connector).
 */
@ApplicationScoped
public class TailnetObservability {

    static final List<String> STATUSES = List.of("starting", "ok", "degraded");

    @Inject
    TailnetConnectors connectors;

    @Inject
    MetricRegistry registry;

    void onStart(@Observes @Priority(3100) @Initialized(ApplicationScoped.class) Object ignored) {
        if (connectors == null) return;
        for (String s : STATUSES) {
            registry.gauge("guildnet_tailnet_connectors", connectors, c -> c.count(s), new Tag("status", s));
        }
        registry.gauge("guildnet_tailnet_restarts", connectors, TailnetConnectors::restarts);
    }

    @Produces
    @Readiness
    HealthCheck tailnetConnectors() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("tailnet-connectors");
            boolean up = true;
            TreeMap<String, Connector> live = connectors == null ? new TreeMap<>() : new TreeMap<>(connectors.live());
            for (var e : live.entrySet()) {
                String st = e.getValue().status();
                if ("degraded".equals(st)) up = false;
                b.withData(e.getKey(), st);
            }
            return b.status(up).build();
        };
    }
}
