package io.guildnet.batch.verify;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What a verification run looks at: the cluster's client and namespace, the embedded operator
 * (its leader-election identity when one is attached), the Host App's own health, the database
 * layer, and the run's options.
 */
public record VerifyContext(String clusterId, KubernetesClient client, String namespace,
                            Supplier<Optional<String>> embeddedOperator, Supplier<HostHealth> hostHealth,
                            DatabaseProbe.Factory databases, boolean probeWorkspace, Duration probeTimeout,
                            BooleanSupplier stopRequested, Supplier<Optional<jakarta.json.JsonObject>> tailnet) {

    /** Without tailnet information (the cluster has no tailnet settings): NET04–NET06 are skipped. */
    public VerifyContext(String clusterId, KubernetesClient client, String namespace, Supplier<Optional<String>> embeddedOperator,
                         Supplier<HostHealth> hostHealth, DatabaseProbe.Factory databases, boolean probeWorkspace, Duration probeTimeout,
                         BooleanSupplier stopRequested) {
        this(clusterId, client, namespace, embeddedOperator, hostHealth, databases, probeWorkspace, probeTimeout, stopRequested, Optional::empty);
    }

    /** {@code tailnet}: the cluster's connector health ({@code /api/cluster/{id}/status} {@code tsnet}), empty without tailnet settings. */

    /** The Host App's own health as APP01 reports it. */
    public record HostHealth(boolean ok, String message) {}
}
