package io.guildnet.batch.verify;

import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * What a verification run looks at: the cluster's client and namespace, the embedded operator
 * (its leader-election identity when one is attached), the Host App's own health, the database
 * layer, the run's options, and (APP03) the Host App's proxy route and how the probe is run.
 */
public record VerifyContext(String clusterId, KubernetesClient client, String namespace,
                            Supplier<Optional<String>> embeddedOperator, Supplier<HostHealth> hostHealth,
                            DatabaseProbe.Factory databases, boolean probeWorkspace, Duration probeTimeout,
                            BooleanSupplier stopRequested, Supplier<Optional<jakarta.json.JsonObject>> tailnet,
                            WorkspaceProxy proxy, Probe probe) {

    /** Without tailnet information (the cluster has no tailnet settings): NET04–NET06 are skipped. */
    public VerifyContext(String clusterId, KubernetesClient client, String namespace, Supplier<Optional<String>> embeddedOperator,
                         Supplier<HostHealth> hostHealth, DatabaseProbe.Factory databases, boolean probeWorkspace, Duration probeTimeout,
                         BooleanSupplier stopRequested) {
        this(clusterId, client, namespace, embeddedOperator, hostHealth, databases, probeWorkspace, probeTimeout, stopRequested, Optional::empty);
    }

    /** {@code tailnet}: the cluster's connector health ({@code /api/cluster/{id}/status} {@code tsnet}), empty without tailnet settings. Without a proxy: APP03 is skipped. */
    public VerifyContext(String clusterId, KubernetesClient client, String namespace, Supplier<Optional<String>> embeddedOperator,
                         Supplier<HostHealth> hostHealth, DatabaseProbe.Factory databases, boolean probeWorkspace, Duration probeTimeout,
                         BooleanSupplier stopRequested, Supplier<Optional<jakarta.json.JsonObject>> tailnet) {
        this(clusterId, client, namespace, embeddedOperator, hostHealth, databases, probeWorkspace, probeTimeout, stopRequested, tailnet,
                null, Probe.DEFAULT);
    }

    public VerifyContext {
        if (probe == null) probe = Probe.DEFAULT;
    }

    /** The Host App's own health as APP01 reports it. */
    public record HostHealth(boolean ok, String message) {}

    /**
     * How the probe Workspace is run for APP03: its image (a busybox with {@code sh} and
     * {@code httpd}), how long it may take to be Running with a ready pod, and how long to wait
     * for any pod to be created at all before concluding that no controller runs pods here
     * (e.g. a mock API server).
     */
    public record Probe(String image, Duration runTimeout, Duration podGrace) {
        public static final String DEFAULT_IMAGE = "busybox:1.36.1";
        public static final Probe DEFAULT = new Probe(DEFAULT_IMAGE, Duration.ofSeconds(30), Duration.ofSeconds(3));
    }
}
