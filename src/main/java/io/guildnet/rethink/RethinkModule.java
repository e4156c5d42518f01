package io.guildnet.rethink;

import io.guildnet.cluster.ClusterIds;
import io.guildnet.cluster.ClusterInstance;
import io.guildnet.cluster.ClusterService;
import io.guildnet.metrics.OpsCounters;
import io.guildnet.security.SecretStore;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.Priority;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.metrics.MetricRegistry;

/**
 * Wires the RethinkDB part into every cluster instance: at instance start a {@link ClusterDatabase}
 * (connection link, changefeed hub, API service) is attached and starts connecting in the
 * background, so after a Host App restart every cluster reconnects by itself.
 */
@ApplicationScoped
public class RethinkModule {

    private static final Logger LOG = Logger.getLogger(RethinkModule.class.getName());

    /** In-memory "servers" by cluster id (GUILDNET_RDB_BACKEND=memory): they outlive instance rebuilds. */
    static final Map<String, InMemoryBackend> MEMORY = new ConcurrentHashMap<>();

    @Inject
    ClusterService clusters;

    @Inject
    SecretStore secrets;

    @Inject
    OpsCounters ops;

    @Inject
    MetricRegistry metrics;

    @Resource
    ManagedScheduledExecutorService executor;

    @Inject
    io.guildnet.proxy.ProxyService proxy;

    private RethinkConfig config;
    private final ChangefeedHub.Stats stats = new ChangefeedHub.Stats();
    private volatile PodTunnel tunnel;

    @PostConstruct
    void init() {
        var mp = ConfigProvider.getConfig();
        config = RethinkConfig.from(k -> mp.getOptionalValue(k, String.class));
        clusters.registry().onInstanceStart(this::forInstance);
        // the bootstrap budget bounds the wait; this is only the upper limit of one attempt
        clusters.addPrewarmStep(new RethinkPrewarm(this::forInstance, config.connectTimeout().plusSeconds(1)));
        metrics.gauge("guildnet_rethink_changefeeds", stats.feeds::get);
        metrics.gauge("guildnet_rethink_links_connected", this::connectedLinks);
        metrics.gauge("guildnet_rethink_feed_subscribers", stats.subscribers::get);
        metrics.gauge("guildnet_rethink_feed_lagged", stats.lagged::get);
        metrics.gauge("guildnet_rethink_feed_dropped_events", stats.dropped::get);
        metrics.gauge("guildnet_rethink_feed_delivered_frames", stats.delivered::get);
        LOG.info("RethinkDB backend: " + (config.memory() ? "memory (GUILDNET_RDB_BACKEND=memory: data is not persisted)" : "driver"));
    }

    /** Created before the cluster layer starts its instances, so the start hook sees all of them. */
    void onStart(@Observes @Priority(2900) @Initialized(ApplicationScoped.class) Object ignored) {
        // creating the bean is the point
    }

    /** Running clusters whose database link is connected right now (a gauge: after a restart it climbs back by itself). */
    long connectedLinks() {
        var reg = clusters.registry();
        return reg.running().stream().map(reg::peek).flatMap(Optional::stream)
                .flatMap(i -> i.part(ClusterDatabase.PART, ClusterDatabase.class).stream())
                .filter(d -> d.link().connected()).count();
    }

    public RethinkConfig config() { return config; }

    public ClusterService clusters() { return clusters; }

    public ChangefeedHub.Stats stats() { return stats; }

    /** Replaces the port-forward fallback of discovery (default: the cluster's proxy port-forwards). */
    public void setPodTunnel(PodTunnel tunnel) { this.tunnel = tunnel; }

    /** The cluster's database part (its instance is started if needed). */
    public ClusterDatabase forCluster(String id) {
        return forInstance(clusters.registry().get(ClusterIds.normalize(id)));
    }

    synchronized ClusterDatabase forInstance(ClusterInstance inst) {
        Optional<ClusterDatabase> have = inst.part(ClusterDatabase.PART, ClusterDatabase.class);
        if (have.isPresent()) return have.get();
        return inst.attach(ClusterDatabase.PART, build(inst));
    }

    ClusterDatabase build(ClusterInstance inst) {
        String id = inst.id();
        RethinkLink.Connector connector;
        java.util.function.Supplier<RethinkLink.Target> target;
        if (config.memory()) {
            InMemoryBackend mem = MEMORY.computeIfAbsent(id, k -> new InMemoryBackend(executor));
            connector = (h, p, c) -> {
                mem.ping();
                return mem;
            };
            target = () -> new RethinkLink.Target(List.of(new Discovery.Candidate("memory", "memory", 0, null, null)), null, "memory");
        } else {
            // a cluster on a tailnet: the driver's connection goes through its connector too
            connector = (h, p, c) -> DriverBackend.connect(h, p, c == null ? null : c.user(), c == null ? null : c.password(),
                    config.connectTimeout(), executor, config.queryTimeout(),
                    inst.part(io.guildnet.cluster.ClusterEgress.PART, io.guildnet.cluster.ClusterEgress.class)
                            .map(e -> (com.rethinkdb.net.ConnectionSocket.Factory) new io.guildnet.tailnet.SocksRethinkSockets(e.socks())).orElse(null));
            target = () -> {
                RethinkLink.Creds creds = creds(inst);
                String ns = config.namespace() != null ? config.namespace() : inst.settings().namespace();
                return new RethinkLink.Target(Discovery.candidates(inst.settings().string("rdb_addr"), inst.client(), ns, config.serviceName()),
                        creds, fingerprint(inst, creds));
            };
        }
        java.util.function.Supplier<String> fp = config.memory() ? () -> "memory" : () -> fingerprint(inst, creds(inst));
        // discovery's last resort: a port-forward to the RethinkDB pod, shared with the proxy's (one per pod and port)
        PodTunnel viaForwards = tunnel != null ? tunnel
                : (ns, pod, port) -> proxy.forwards(inst).ensure(ns, pod, port);
        RethinkLink link = new RethinkLink(id, target, fp, connector, viaForwards, executor, executor, Clock.systemUTC(), Duration.ofSeconds(2));
        ChangefeedHub hub = new ChangefeedHub(id, link::backend, executor, executor,
                new ChangefeedHub.Options(config.feedQueue(), config.feedGrace(), config.heartbeat(), 3, 4096, 10_000, 512), stats, Clock.systemUTC());
        link.onConnect(hub::reconnected);
        DatabaseService svc = new DatabaseService(id, link::backend, Clock.systemUTC(), (db, t, op, n) -> ops.inc(id, db, t, op, n));
        ClusterDatabase cd = new ClusterDatabase(link, hub, svc, new DataTransfer(svc), config.memory() ? "memory" : "driver");
        link.start(config.monitorPeriod());
        return cd;
    }

    /** Where the cluster settings API stores {@code rdb_pass} (encrypted). */
    static String passwordId(String clusterId) {
        return io.guildnet.cluster.ClusterStore.secretId(clusterId, io.guildnet.cluster.ClusterSettings.RDB_SECRET_FIELD);
    }

    RethinkLink.Creds creds(ClusterInstance inst) {
        String user = inst.settings().string("rdb_user");
        String pass = secrets.get(passwordId(inst.id())).orElse("");
        return new RethinkLink.Creds(user.isBlank() ? "admin" : user, pass);
    }

    private static String fingerprint(ClusterInstance inst, RethinkLink.Creds c) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update((inst.settings().string("rdb_addr") + "\n" + c.user() + "\n" + c.password()).getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
