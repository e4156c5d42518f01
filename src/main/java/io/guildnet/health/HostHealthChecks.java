package io.guildnet.health;

import io.guildnet.host.HostLifecycle;
import io.guildnet.security.Keyring;
import io.guildnet.store.StateStore;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.HealthCheckResponseBuilder;
import org.eclipse.microprofile.health.Liveness;
import org.eclipse.microprofile.health.Readiness;
import org.eclipse.microprofile.health.Startup;

/** MicroProfile Health: {@code /health/started}, {@code /health/live}, {@code /health/ready}. */
@ApplicationScoped
public class HostHealthChecks {

    @Inject
    HostLifecycle lifecycle;

    @Inject
    StateStore store;

    @Inject
    Keyring keyring;

    @Resource
    ManagedExecutorService executor;

    @Produces
    @Startup
    HealthCheck started() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("guildnet-started").status(lifecycle.started());
            if (lifecycle.startupError() != null) b.withData("error", lifecycle.startupError());
            return b.build();
        };
    }

    @Produces
    @Liveness
    HealthCheck live() {
        return () -> HealthCheckResponse.named("guildnet-live").status(!lifecycle.stopping()).build();
    }

    @Produces
    @Readiness
    HealthCheck stateStore() {
        return () -> HealthCheckResponse.named("state-store").status(lifecycle.started() && store.db().writable())
                .withData("file", store.db().file().toString()).build();
    }

    @Produces
    @Readiness
    HealthCheck executors() {
        return () -> {
            boolean ok;
            try {
                ok = CompletableFuture.supplyAsync(() -> Boolean.TRUE, executor).get(2, TimeUnit.SECONDS);
            } catch (Exception e) {
                ok = false;
            }
            return HealthCheckResponse.named("executors").status(ok).build();
        };
    }

    @Produces
    @Readiness
    HealthCheck masterKey() {
        return () -> {
            HealthCheckResponseBuilder b = HealthCheckResponse.named("master-key").status(keyring.problem() == null);
            if (keyring.problem() != null) b.withData("error", keyring.problem());
            if (keyring.keyId() != null) b.withData("key_id", keyring.keyId());
            return b.build();
        };
    }
}
