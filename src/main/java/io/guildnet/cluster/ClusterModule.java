package io.guildnet.cluster;

import io.guildnet.config.GuildNetConfig;
import io.guildnet.host.HostLifecycle;
import io.guildnet.security.Keyring;
import io.guildnet.store.StateStore;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Inject;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.util.logging.Logger;

/**
 * Wires the cluster layer (plain classes) into the application: one store, registry,
 * health monitor and service, on the server's managed executor; every registered
 * cluster is started in the background at start-up and closed at shutdown.
 */
@ApplicationScoped
public class ClusterModule {

    private static final Logger LOG = Logger.getLogger(ClusterModule.class.getName());

    @Inject
    GuildNetConfig config;

    @Inject
    StateStore state;

    @Inject
    Keyring keyring;

    @Inject
    HostLifecycle lifecycle;

    @Inject
    io.guildnet.settings.SettingsService settings;

    @Resource
    ManagedScheduledExecutorService executor;

    private ClusterService service;
    private HeadscaleService headscale;
    private DefaultCluster defaultCluster;
    private io.guildnet.tailnet.TailnetConnectors tailnet;

    @PostConstruct
    void init() {
        Clock clock = Clock.systemUTC();
        ClusterStore store = new ClusterStore(state.db(), keyring::box);
        ClientFactory clients = new ClientFactory((int) Math.min(config.clusterCheckTimeoutMs(), 10_000), 10_000);
        ClusterRegistry registry = new ClusterRegistry(store, clients, config.stateDir().resolve("clusters"), executor, executor, clock);
        var mp = org.eclipse.microprofile.config.ConfigProvider.getConfig();
        tailnet = new io.guildnet.tailnet.TailnetConnectors(
                io.guildnet.tailnet.TailnetConfig.from(k -> mp.getOptionalValue(k, String.class), config.home()), executor, clock, null);
        registry.egress(tailnet);
        ClusterHealth health = new ClusterHealth(store, registry, executor, clock, Duration.ofSeconds(config.healthTtlSeconds()),
                Duration.ofMillis(config.clusterCheckTimeoutMs()), config.kubeProxyAddr(), config.kubectlProxyAutodetect());
        service = new ClusterService(store, registry, health, executor, clock, Duration.ofSeconds(config.bootstrapPrewarmSeconds()));
        defaultCluster = new DefaultCluster(DefaultKubeconfig::locate, clients, settings::defaultNamespace,
                config.stateDir().resolve("clusters").resolve(DefaultCluster.ID), executor, executor,
                inst -> executor.submit(() -> startOperator(inst)));
        headscale = new HeadscaleService(state.db(), keyring::box, executor, clock, Duration.ofSeconds(config.healthTtlSeconds()));
        headscale.clusters(id -> (DefaultCluster.ID.equals(id) ? defaultCluster.get() : registry.get(id)).client());
        // Every running instance keeps its health fresh and its settings ConfigMap converged.
        // first check spread over one period, so a start with many clusters does not check them all at once
        registry.onInstanceStart(inst -> inst.every(
                Duration.ofMillis(java.util.concurrent.ThreadLocalRandom.current().nextLong(health.ttl().toMillis())),
                health.ttl(), () -> health.refreshAsync(inst.id())));
        registry.onInstanceStart(inst -> executor.submit(() -> startOperator(inst)));
        registry.onInstanceStart(inst -> {
            if (inst.settings().bool("workspace_lb_enabled")) {
                executor.submit(() -> service.writeSettingsConfigMap(inst.id(), inst.settings()));
            }
        });
    }

    /** Instances whose operator is being started right now (a setup job and the start hook may race). */
    private final java.util.Set<ClusterInstance> operatorStarts =
            java.util.Collections.newSetFromMap(java.util.Collections.synchronizedMap(new java.util.WeakHashMap<>()));

    /**
     * CRDs, then the embedded Workspace operator, attached to (and stopped with) the instance.
     * Does nothing when the instance has its operator already or another caller is starting it.
     */
    public void startOperator(ClusterInstance inst) {
        if (inst.part("workspace-operator", Object.class).isPresent() || !operatorStarts.add(inst)) return;
        try {
            if (config.ensureCrds()) {
                try {
                    io.guildnet.workspace.CrdInstaller.ensure(inst.client());
                } catch (Exception e) {
                    // e.g. no permission to write CRDs: they may be installed already (kubectl apply -f crds/)
                    LOG.warning("cluster " + inst.id() + ": cannot apply the Workspace CRDs: " + ClusterHealth.reason(e));
                }
            }
            if (!config.embedOperator() || !"true".equals(String.valueOf(settings.view("global").getBoolean("embed_operator", true)))) return;
            var op = new io.guildnet.workspace.WorkspaceOperator(inst.id(), inst.client(), executor,
                    () -> workspaceDefaults(inst.settings()), Duration.ofSeconds(config.workspaceStartTimeoutSeconds()), true);
            inst.attach("workspace-operator", op);
            op.start();
            inst.every(Duration.ofMinutes(1), Duration.ofMinutes(5), () -> io.guildnet.workspace.OrphanSweeper.sweep(inst.client()));
        } catch (Exception e) {
            LOG.warning("cluster " + inst.id() + ": workspace operator not started: " + ClusterHealth.reason(e));
        } finally {
            operatorStarts.remove(inst);
        }
    }

    io.guildnet.workspace.WorkspaceDefaults workspaceDefaults(ClusterSettings s) {
        return new io.guildnet.workspace.WorkspaceDefaults(s.bool("workspace_lb_enabled"), config.metallbPool(),
                blank(s.string("ingress_domain")), blank(s.string("ingress_class_name")), blank(s.string("cert_manager_issuer")),
                blank(s.string("workspace_tls_secret")), blank(s.string("ingress_auth_url")), blank(s.string("ingress_auth_signin")),
                blank(s.string("image_pull_secret")));
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    void onStart(@Observes @Priority(3000) @Initialized(ApplicationScoped.class) Object ignored) {
        // after HostLifecycle (default observer priority 2500) has opened the state
        if (!lifecycle.started()) return;
        if (config.operatorMode()) {
            LOG.info("Operator mode: running the Workspace operator for the in-cluster default cluster only");
        } else {
            service.registry().startAll();
        }
        if (DefaultKubeconfig.locate().isPresent()) {
            executor.submit(() -> {
                try {
                    defaultCluster.get();
                } catch (io.guildnet.api.ApiException e) {
                    LOG.warning("default cluster not started: " + e.getMessage());
                }
            });
        }
        if (!config.operatorMode()) {
            LOG.info("Cluster instances starting in the background for " + service.store().list().size() + " registered cluster(s)");
        }
    }

    @PreDestroy
    void shutdown() {
        if (service != null) service.registry().close();
        if (defaultCluster != null) defaultCluster.close();
    }

    void onSettings(@Observes io.guildnet.settings.SettingsChanged e) {
        if ("global".equals(e.kind()) && e.fields().contains("default_namespace") && defaultCluster != null) defaultCluster.namespaceChanged();
    }

    @Produces
    @Singleton
    DefaultCluster defaultCluster() { return defaultCluster; }

    @Produces
    @Singleton
    ClusterService clusterService() { return service; }

    @Produces
    @Singleton
    HeadscaleService headscaleService() { return headscale; }

    @Produces
    @Singleton
    io.guildnet.tailnet.TailnetConnectors tailnetConnectors() { return tailnet; }
}
