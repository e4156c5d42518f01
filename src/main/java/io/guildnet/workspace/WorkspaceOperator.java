package io.guildnet.workspace;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfigurationBuilder;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The Workspace operator for one cluster: a JOSDK {@link Operator} on the cluster's own
 * client, running on the given (managed) executor, with leader election on a Lease in
 * guildnet-system so an embedded operator and the in-cluster one never both reconcile.
 * Attached to its ClusterInstance and stopped with it.
 */
public final class WorkspaceOperator implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(WorkspaceOperator.class.getName());
    public static final String LEASE = "guildnet-workspace-operator";
    /** This process's leader-election identity: host name plus a random suffix. */
    static final String IDENTITY = java.util.Optional.ofNullable(System.getenv("HOSTNAME")).orElse("host") + "-"
            + java.util.UUID.randomUUID().toString().substring(0, 8);

    private final Operator operator;
    private final String clusterId;

    public WorkspaceOperator(String clusterId, KubernetesClient client, ExecutorService executor, Supplier<WorkspaceDefaults> defaults,
                             Duration startTimeout, boolean leaderElection) {
        this.clusterId = clusterId;
        this.operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withExecutorService(executor)
                    .withWorkflowExecutorService(executor)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withStopOnInformerErrorDuringStartup(false)
                    .withCacheSyncTimeout(Duration.ofSeconds(30));
            if (leaderElection) {
                // exitOnStopLeading=false: JOSDK's default would System.exit() the whole Host App
                // when this cluster's operator loses (or gives up) leadership.
                o.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE)
                        .withLeaseNamespace(CrdInstaller.SYSTEM_NAMESPACE)
                        .withIdentity("guildnet-" + IDENTITY)
                        .withExitOnStopLeading(false)
                        .build());
            }
        });
        operator.register(new WorkspaceReconciler(client, new WorkspaceApplier(Clock.systemUTC(), startTimeout), defaults));
    }

    public WorkspaceOperator start() {
        operator.start();
        LOG.info("cluster " + clusterId + ": workspace operator started");
        return this;
    }

    @Override
    public void close() {
        operator.stop();
    }
}
