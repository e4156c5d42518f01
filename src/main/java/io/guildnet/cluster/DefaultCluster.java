package io.guildnet.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.guildnet.api.ApiException;
import jakarta.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Logger;

/**
 * The host's own cluster for the legacy single-cluster routes ({@code /api/servers…}),
 * found by {@link DefaultKubeconfig}; built lazily, closed at shutdown. Its namespace is
 * the {@code global.default_namespace} setting.
 */
public final class DefaultCluster implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(DefaultCluster.class.getName());
    public static final String ID = "host-default";

    private final Supplier<Optional<DefaultKubeconfig.Source>> locator;
    private final ClientFactory clients;
    private final Supplier<String> namespace;
    private final Path stateDir;
    private final ScheduledExecutorService scheduler;
    private final ExecutorService executor;
    private final Consumer<ClusterInstance> onStart;
    private ClusterInstance instance;

    public DefaultCluster(Supplier<Optional<DefaultKubeconfig.Source>> locator, ClientFactory clients, Supplier<String> namespace,
                          Path stateDir, ScheduledExecutorService scheduler, ExecutorService executor, Consumer<ClusterInstance> onStart) {
        this.locator = locator;
        this.clients = clients;
        this.namespace = namespace;
        this.stateDir = stateDir;
        this.scheduler = scheduler;
        this.executor = executor;
        this.onStart = onStart;
    }

    public synchronized ClusterInstance get() {
        if (instance != null && !instance.closed()) return instance;
        DefaultKubeconfig.Source src = locator.get().orElseThrow(() -> new ApiException(503, "no_k8s_clients",
                "no default cluster: set KUBECONFIG, create ~/.kube/config, or run the Host App in a cluster"));
        KubernetesClient client;
        try {
            if (src.inCluster()) {
                client = new KubernetesClientBuilder().withConfig(Config.autoConfigure(null))
                        .withHttpClientFactory(new JdkHttpClientFactory()).build();
            } else {
                client = clients.build(Files.readString(src.kubeconfig()), ClusterSettings.empty());
            }
        } catch (IOException e) {
            throw new ApiException(503, "no_k8s_clients", "cannot read " + src.describe() + ": " + e.getMessage());
        } catch (ApiException e) {
            throw new ApiException(503, "no_k8s_clients", "default cluster (" + src.describe() + "): " + e.getMessage());
        }
        ClusterSettings settings = ClusterSettings.empty().apply(Json.createObjectBuilder().add("namespace", namespace.get()).build(),
                new java.util.HashSet<>(), new String[1]);
        instance = new ClusterInstance(ID, client, settings, stateDir, scheduler, executor);
        LOG.info("default cluster from " + src.describe() + " (" + client.getMasterUrl() + ")");
        onStart.accept(instance);
        return instance;
    }

    /** Follows a change of global.default_namespace. */
    public synchronized void namespaceChanged() {
        if (instance != null) {
            instance.refreshSettings(ClusterSettings.empty().apply(Json.createObjectBuilder().add("namespace", namespace.get()).build(),
                    new java.util.HashSet<>(), new String[1]));
        }
    }

    @Override
    public synchronized void close() {
        if (instance != null) instance.close();
        instance = null;
    }
}
