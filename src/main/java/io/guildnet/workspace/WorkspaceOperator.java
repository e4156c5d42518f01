package io.guildnet.workspace;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.javaoperatorsdk.operator.Operator;
import io.javaoperatorsdk.operator.api.config.LeaderElectionConfiguration;
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
    private final String identity;

    /** This operator's leader-election identity (the Lease's holderIdentity while it leads). */
    public String identity() { return identity; }

    public WorkspaceOperator(String clusterId, KubernetesClient client, ExecutorService executor, Supplier<WorkspaceDefaults> defaults,
                             Duration startTimeout, boolean leaderElection) {
        this(clusterId, client, executor, defaults, startTimeout, leaderElection, LeaderElectionConfiguration.LEASE_DURATION_DEFAULT_VALUE,
                LeaderElectionConfiguration.RENEW_DEADLINE_DEFAULT_VALUE, LeaderElectionConfiguration.RETRY_PERIOD_DEFAULT_VALUE);
    }

    /** With explicit lease timings (tests use short ones to see a hand-off quickly). */
    WorkspaceOperator(String clusterId, KubernetesClient client, ExecutorService executor, Supplier<WorkspaceDefaults> defaults,
                      Duration startTimeout, boolean leaderElection, Duration lease, Duration renew, Duration retry) {
        this.clusterId = clusterId;
        this.identity = "guildnet-" + IDENTITY + "-" + java.util.UUID.randomUUID().toString().substring(0, 6);
        ExecutorService shared = new Borrowed(executor);
        this.operator = new Operator(o -> {
            o.withKubernetesClient(client)
                    .withCloseClientOnStop(false)
                    .withExecutorService(shared)
                    .withWorkflowExecutorService(shared)
                    .withUseSSAToPatchPrimaryResource(false)
                    .withStopOnInformerErrorDuringStartup(false)
                    .withCacheSyncTimeout(Duration.ofSeconds(30));
            if (leaderElection) {
                // exitOnStopLeading=false: JOSDK's default would System.exit() the whole Host App
                // when this cluster's operator loses (or gives up) leadership.
                o.withLeaderElectionConfiguration(LeaderElectionConfigurationBuilder.aLeaderElectionConfiguration(LEASE)
                        .withLeaseNamespace(CrdInstaller.SYSTEM_NAMESPACE)
                        .withIdentity(identity)
                        .withLeaseDuration(lease).withRenewDeadline(renew).withRetryPeriod(retry)
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

    /**
     * The server's executor lent to JOSDK: tasks run on it, but JOSDK's shutdown on stop
     * only ends this loan (a managed executor must not be shut down by an application, and
     * other clusters' operators share it).
     */
    static final class Borrowed extends java.util.concurrent.AbstractExecutorService {
        private final ExecutorService delegate;
        private volatile boolean shut;

        Borrowed(ExecutorService delegate) {
            this.delegate = delegate;
        }

        @Override
        public void execute(Runnable command) {
            if (shut) throw new java.util.concurrent.RejectedExecutionException("operator stopped");
            delegate.execute(command);
        }

        @Override
        public void shutdown() { shut = true; }

        @Override
        public java.util.List<Runnable> shutdownNow() {
            shut = true;
            return java.util.List.of();
        }

        @Override
        public boolean isShutdown() { return shut; }

        @Override
        public boolean isTerminated() { return shut; }

        @Override
        public boolean awaitTermination(long timeout, java.util.concurrent.TimeUnit unit) { return true; }
    }
}
