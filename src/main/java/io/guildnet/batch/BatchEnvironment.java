package io.guildnet.batch;

import io.guildnet.api.ApiException;
import io.guildnet.audit.AuditLog;
import io.guildnet.batch.diagnose.DiagnoseContext;
import io.guildnet.batch.diagnose.Diagnoser;
import io.guildnet.batch.setup.SetupContext;
import io.guildnet.batch.setup.SetupRunner;
import io.guildnet.batch.verify.DatabaseProbe;
import io.guildnet.batch.verify.DatabaseProbes;
import io.guildnet.batch.verify.VerifyContext;
import io.guildnet.batch.verify.Verifier;
import io.guildnet.cluster.ClusterIds;
import io.guildnet.cluster.ClusterInstance;
import io.guildnet.cluster.ClusterModule;
import io.guildnet.cluster.ClusterService;
import io.guildnet.cluster.DefaultCluster;
import io.guildnet.config.GuildNetConfig;
import io.guildnet.host.HostLifecycle;
import io.guildnet.settings.SettingsService;
import io.guildnet.store.StateStore;
import io.guildnet.workspace.WorkspaceOperator;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Wires the batch layer into the application: the job service, the per-execution logs, and
 * what the job steps need from the rest of the Host App (clusters, the embedded operator,
 * settings, health, the database layer, audit). Batch artifacts get everything from here.
 */
@ApplicationScoped
public class BatchEnvironment {

    private static final Logger LOG = Logger.getLogger(BatchEnvironment.class.getName());

    @Inject
    GuildNetConfig config;

    @Inject
    ClusterService clusters;

    @Inject
    DefaultCluster defaultCluster;

    @Inject
    ClusterModule clusterModule;

    @Inject
    SettingsService settings;

    @Inject
    StateStore state;

    @Inject
    HostLifecycle lifecycle;

    @Inject
    AuditLog audit;

    /** APP03's proxied request goes through the Host App's own proxy route. */
    @Inject
    io.guildnet.proxy.ProxyService proxyService;

    /** The RethinkDB layer registers a factory bean when it exists; none in this build. */
    @Inject
    Instance<DatabaseProbe.Factory> databaseFactories;

    /** The RethinkDB layer's tables for rethink-export / rethink-import (io.guildnet.rethink.RethinkTables). */
    @Inject
    Instance<io.guildnet.batch.transfer.TableStore.Factory> tableFactories;

    private io.guildnet.batch.transfer.TransferFiles transferFiles;

    private Duration transferRetention;

    private final Clock clock = Clock.systemUTC();
    private ExecutionLogs logs;
    private JobService jobs;
    private RecentErrors recentErrors;
    private SetupRunner.Policy setupPolicy;
    private Duration probeTimeout;
    private VerifyContext.Probe probe;
    private int diagnoseEvents;

    @PostConstruct
    void init() {
        logs = new ExecutionLogs(config.stateDir().resolve("batch").resolve("executions"), clock);
        setupPolicy = new SetupRunner.Policy((int) knob("guildnet.batch.setup.retries", 3, 0, 10),
                Duration.ofMillis(knob("guildnet.batch.setup.backoff.ms", 1000, 0, 60_000)),
                Duration.ofMillis(knob("guildnet.batch.setup.backoff.max.ms", 30_000, 0, 600_000)));
        probeTimeout = Duration.ofMillis(knob("guildnet.batch.verify.probe.timeout.ms", 8000, 500, 120_000));
        probe = new VerifyContext.Probe(ConfigProvider.getConfig().getOptionalValue("guildnet.batch.verify.probe.image", String.class)
                .map(String::trim).filter(x -> !x.isEmpty()).orElse(VerifyContext.Probe.DEFAULT_IMAGE),
                Duration.ofMillis(knob("guildnet.batch.verify.probe.run.timeout.ms", 30_000, 1000, 300_000)),
                VerifyContext.Probe.DEFAULT.podGrace());
        diagnoseEvents = (int) knob("guildnet.batch.diagnose.events", 50, 1, 500);
        transferFiles = new io.guildnet.batch.transfer.TransferFiles(config.stateDir().resolve("exports"),
                knob("guildnet.batch.transfer.upload.max.bytes", 1L << 30, 1, Long.MAX_VALUE));
        transferRetention = Duration.ofHours(knob("guildnet.batch.transfer.retention.hours", 168, 0, 87_600));
        recentErrors = new RecentErrors(500);
        Logger.getLogger("io.guildnet").addHandler(recentErrors);
        Logger.getLogger("io.javaoperatorsdk").addHandler(recentErrors);
        jobs = new JobService(BatchRuntime.getJobOperator(), logs, this::requireCluster,
                (actor, action, id, details) -> audit.record(actor == null ? "system" : actor, action, "batch_execution", id, details, null, null),
                DefaultCluster.ID);
        jobs.preflight(this::preflight);
    }

    /** rethink-export / rethink-import: the table exists and the submitter may use it, the upload exists — else 400 (403 for permissions) now, not a failed execution later. */
    void preflight(BatchJob job, Map<String, String> p, String cluster, String actor) {
        if (job != BatchJob.EXPORT && job != BatchJob.IMPORT) return;
        var f = tableFactories.isResolvable() ? tableFactories.get() : io.guildnet.batch.transfer.TableStore.NONE;
        var store = f.forCluster(cluster, actor == null ? "unknown" : actor)
                .orElseThrow(() -> ApiException.badRequest("no_database", f.absentReason(), Map.of("param", BatchJob.CLUSTER)));
        try {
            store.primaryKey(p.get("db"), p.get("table"));
        } catch (ApiException e) {
            if (e.status() == 404) throw ApiException.badRequest("invalid_param", e.getMessage(), Map.of("param", "table"));
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        if (job == BatchJob.IMPORT) {
            try {
                if (!java.nio.file.Files.isRegularFile(transferFiles.importFile(p.get("file")))) {
                    throw ApiException.badRequest("invalid_param", "no upload named " + p.get("file") + " (upload it with POST /api/batch/uploads)",
                            Map.of("param", "file"));
                }
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    @jakarta.annotation.Resource
    jakarta.enterprise.concurrent.ManagedExecutorService executor;

    private volatile java.util.concurrent.Future<?> warm;

    /**
     * At start-up, in the background: the job repository's tables are created before any job
     * runs (the first submission waits for it); start-up itself does not wait for Derby.
     */
    void onStart(@jakarta.enterprise.event.Observes @jakarta.annotation.Priority(3100)
                 @jakarta.enterprise.context.Initialized(ApplicationScoped.class) Object ignored) {
        if (!lifecycle.started()) return;
        warm = executor.submit(() -> {
            try {
                long t0 = System.nanoTime();
                jobs.warmUp();
                LOG.info("Batch job repository ready in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
            } catch (RuntimeException e) {
                LOG.warning("Batch job repository not ready: " + e);
            }
        });
    }

    @PreDestroy
    void close() {
        Logger.getLogger("io.guildnet").removeHandler(recentErrors);
        Logger.getLogger("io.javaoperatorsdk").removeHandler(recentErrors);
    }

    /** A whole-number setting within [min, max]; another value stops with a clear message naming the environment variable. */
    static long knob(String key, long dflt, long min, long max) {
        Optional<String> raw = ConfigProvider.getConfig().getOptionalValue(key, String.class).map(String::trim).filter(s -> !s.isEmpty());
        if (raw.isEmpty()) return dflt;
        try {
            long v = Long.parseLong(raw.get());
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(key.toUpperCase(java.util.Locale.ROOT).replace('.', '_') + " must be a whole number from "
                + min + " to " + max + ", got '" + raw.get() + "'");
    }

    public JobService jobs() {
        java.util.concurrent.Future<?> w = warm;
        if (w != null && !w.isDone()) {
            try {
                w.get(60, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                LOG.warning("Batch job repository warm-up: " + e);
            }
        }
        return jobs;
    }

    public ExecutionLogs logs() { return logs; }

    public SetupRunner.Policy setupPolicy() { return setupPolicy; }

    public void audit(String actor, String action, long executionId, String details) {
        audit.record(actor == null ? "system" : actor, action, "batch_execution", Long.toString(executionId), details, null, null);
    }

    /** A submission's cluster: the host default, or a registered cluster (400 otherwise). */
    String requireCluster(String raw) {
        if (DefaultCluster.ID.equals(raw)) {
            if (io.guildnet.cluster.DefaultKubeconfig.locate().isEmpty()) {
                throw ApiException.badRequest("unknown_cluster", "there is no default cluster (no KUBECONFIG, ~/.kube/config or in-cluster"
                        + " service account): pass a registered cluster id as 'cluster'", Map.of("param", BatchJob.CLUSTER));
            }
            return raw;
        }
        String id = ClusterIds.normalize(raw);
        if (!clusters.store().exists(id)) {
            throw ApiException.badRequest("unknown_cluster", "no cluster with id " + raw, Map.of("param", BatchJob.CLUSTER));
        }
        return id;
    }

    /** The running instance of a job's cluster. */
    public ClusterInstance instance(String clusterId) {
        return DefaultCluster.ID.equals(clusterId) ? defaultCluster.get() : clusters.registry().get(clusterId);
    }

    /** The execution's cluster instance; a failure to get it is written to the execution's log before it fails the step. */
    public ClusterInstance instanceFor(long executionId, String step) {
        String cluster = params(executionId).getProperty(BatchJob.CLUSTER);
        try {
            return instance(cluster);
        } catch (RuntimeException e) {
            logs.log(executionId, step, "error", "cluster " + cluster + " is not available: " + e.getMessage(), null, e.getClass().getSimpleName());
            throw e;
        }
    }

    public Properties params(long executionId) {
        return jobs.params(executionId);
    }

    DatabaseProbe.Factory databases() {
        return databaseFactories.isResolvable() ? databaseFactories.get() : DatabaseProbes.NONE;
    }

    static Optional<String> embeddedOperator(ClusterInstance inst) {
        return inst.part("workspace-operator", WorkspaceOperator.class).map(WorkspaceOperator::identity);
    }

    public VerifyContext verifyContext(ClusterInstance inst, Properties p, BooleanSupplier stop) {
        boolean probe = !"false".equals(p.getProperty("probeWorkspace"));
        Duration timeout = p.getProperty("probeTimeoutMs") != null ? Duration.ofMillis(Long.parseLong(p.getProperty("probeTimeoutMs"))) : probeTimeout;
        return new VerifyContext(inst.id(), inst.client(), inst.settings().namespace(), () -> embeddedOperator(inst),
                this::hostHealth, databases(), probe, timeout, stop, () -> tailnet(inst), proxyRoute(inst), this.probe);
    }

    /** One GET through the proxy route to a workspace of {@code inst} (APP03). */
    io.guildnet.batch.verify.WorkspaceProxy proxyRoute(ClusterInstance inst) {
        return (name, sub, timeout) -> {
            var r = proxyService.fetch(inst, name, sub, (int) timeout.toMillis(), 64 * 1024);
            return new io.guildnet.batch.verify.WorkspaceProxy.Response(r.status(), r.path(), r.body());
        };
    }

    /** The cluster's connector health, or a stopped one when it has tailnet settings but no connector; empty without. */
    static Optional<jakarta.json.JsonObject> tailnet(ClusterInstance inst) {
        var live = inst.part(io.guildnet.cluster.ClusterEgress.PART, io.guildnet.cluster.ClusterEgress.class);
        if (live.isPresent()) return Optional.of(live.get().health());
        String login = inst.settings().string("ts_login_server");
        if (login.isEmpty()) return Optional.empty();
        return Optional.of(jakarta.json.Json.createObjectBuilder().add("status", "stopped").add("loginServer", login)
                .add("error", "no connector: is the client auth key (ts_client_auth) set?").build());
    }

    VerifyContext.HostHealth hostHealth() {
        if (!lifecycle.started()) return new VerifyContext.HostHealth(false, "the Host App has not finished starting: " + lifecycle.startupError());
        if (lifecycle.stopping()) return new VerifyContext.HostHealth(false, "the Host App is stopping");
        if (!state.db().writable()) return new VerifyContext.HostHealth(false, "the state database " + state.db().file() + " is not writable");
        return new VerifyContext.HostHealth(true, "started; state database writable");
    }

    public Verifier verifier() { return new Verifier(clock); }

    public SetupContext setupContext(ClusterInstance inst, long executionId, BooleanSupplier stop) {
        SetupContext.OperatorControl op = new SetupContext.OperatorControl() {
            @Override public Optional<String> embedded() { return embeddedOperator(inst); }

            @Override public boolean embeddingAllowed() {
                return config.embedOperator() && settings.view("global").getBoolean("embed_operator", true);
            }

            @Override public void start() { clusterModule.startOperator(inst); }

            @Override public void stop() { inst.detach("workspace-operator"); }
        };
        Properties p = params(executionId);
        return new SetupContext(inst.id(), inst.client(), inst.settings().namespace(), op,
                () -> Map.of("workspace_lb_enabled", String.valueOf(inst.settings().bool("workspace_lb_enabled"))),
                manifest("META-INF/k8s/rethinkdb.yaml"), databases(),
                () -> {
                    JsonObject report = verifier().verify(verifyContext(inst, p, stop), r -> logs.log(executionId, "verify",
                            level(r.status()), r.check().code() + " " + r.status().wire() + ": " + r.message(), null, null));
                    ExecutionLogs.writeJsonFile(logs.dir(executionId).resolve("verification.json"), report);
                    return report;
                },
                (step, msg) -> logs.info(executionId, step, msg), stop, c -> provisionTailnet(inst, c));
    }

    @Inject
    io.guildnet.cluster.HeadscaleService headscale;

    /**
     * guildnet-setup's tailnet step: tailnet-provision's steps when the cluster's {@code ts_login_server} is the
     * endpoint of a Headscale record with an API key; empty otherwise.
     */
    Optional<JsonObject> provisionTailnet(ClusterInstance inst, SetupContext ctx) throws java.io.IOException {
        if (DefaultCluster.ID.equals(inst.id())) return Optional.empty();
        String login = strip(inst.settings().string("ts_login_server"));
        if (login.isEmpty()) return Optional.empty();
        var rec = headscale.list().stream().filter(r -> r.endpoint() != null && strip(r.endpoint()).equals(login) && headscale.apiKeySet(r.id()))
                .findFirst();
        if (rec.isEmpty()) return Optional.empty();
        var spec = new io.guildnet.tailnet.TailnetProvision.Spec(inst.id(), rec.get().endpoint(), "", io.guildnet.tailnet.TailnetProvision.DEFAULT_IMAGE,
                Duration.ofSeconds(300), Duration.ofSeconds(120), io.guildnet.batch.artifacts.TailnetProvisionBatchlet.manifest());
        var prov = new io.guildnet.tailnet.TailnetProvision(spec, headscale.client(rec.get().id()).orElseThrow(),
                io.guildnet.tailnet.TailnetProvision.access(clusters, inst.id()));
        return Optional.of(prov.run(ctx, SetupRunner.real(), new SetupRunner.Policy(setupPolicy.retries(), setupPolicy.backoff(), setupPolicy.maxBackoff())));
    }

    private static String strip(String s) {
        String t = s == null ? "" : s.trim();
        return t.endsWith("/") ? t.substring(0, t.length() - 1) : t;
    }

    static String level(io.guildnet.batch.verify.CheckResult.Status s) {
        return switch (s) {
            case FAIL -> "error";
            case WARN -> "warn";
            default -> "info";
        };
    }

    static Optional<String> manifest(String resource) {
        try (InputStream in = BatchEnvironment.class.getClassLoader().getResourceAsStream(resource)) {
            return in == null ? Optional.empty() : Optional.of(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Optional.empty();
        }
    }

    public io.guildnet.batch.transfer.TransferFiles transferFiles() { return transferFiles; }

    /**
     * Deletes export files and uploads older than GUILDNET_BATCH_TRANSFER_RETENTION_HOURS (0: keep
     * them), except those of running jobs ({@link TransferHousekeeping} runs it hourly). Returns the names deleted.
     */
    public java.util.List<String> sweepTransferFiles() {
        if (transferRetention.isZero()) return java.util.List.of();
        try {
            java.util.Set<String> keep = new java.util.HashSet<>();
            for (long id : jobs.running(BatchJob.EXPORT.jobName())) {
                String ext = io.guildnet.batch.transfer.TransferFormat.parse(jobs.params(id).getProperty("format", "ndjson")).extension();
                keep.add("export-" + jobs.instanceId(id) + "." + ext);
            }
            for (long id : jobs.running(BatchJob.IMPORT.jobName())) keep.add(jobs.params(id).getProperty("file", ""));
            java.util.List<String> deleted = transferFiles.sweep(clock.instant().minus(transferRetention), keep);
            if (!deleted.isEmpty()) {
                LOG.info("removed " + deleted.size() + " export/upload file(s) older than " + transferRetention.toHours() + " h: " + deleted);
            }
            return deleted;
        } catch (Exception e) {
            LOG.warning("sweeping old export/upload files failed: " + e);
            return java.util.List.of();
        }
    }

    /** The execution's cluster tables, acting for whoever submitted (or restarted) it; a missing layer fails the step with the reason. */
    public io.guildnet.batch.transfer.TableStore tableStore(long executionId, String step) {
        Properties p = params(executionId);
        var f = tableFactories.isResolvable() ? tableFactories.get() : io.guildnet.batch.transfer.TableStore.NONE;
        String cluster = p.getProperty(BatchJob.CLUSTER);
        try {
            return f.forCluster(cluster, p.getProperty(BatchJob.SUBMITTED_BY)).orElseThrow(() -> new IllegalStateException(f.absentReason()));
        } catch (RuntimeException e) {
            logs.log(executionId, step, "error", "no database for cluster " + cluster + ": " + e.getMessage(), null, e.getClass().getSimpleName());
            throw e;
        }
    }

    public Diagnoser diagnoser() { return new Diagnoser(clock); }

    public DiagnoseContext diagnoseContext(ClusterInstance inst, Properties p) {
        int events = p.getProperty("events") != null ? Integer.parseInt(p.getProperty("events")) : diagnoseEvents;
        return new DiagnoseContext(inst.id(), inst.client(), inst.settings().namespace(),
                () -> recentErrors.recent(null, 50), () -> inst.settings().view(false), () -> connections(inst), events);
    }

    JsonObject connections(ClusterInstance inst) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("api_server", inst.client().getMasterUrl().toString())
                .add("operator", embeddedOperator(inst).map(i -> "embedded (" + i + ")").orElse("absent"))
                .add("instance_started", inst.createdAt().toString());
        if (!DefaultCluster.ID.equals(inst.id())) {
            try {
                b.add("health", clusters.health().cached(inst.id()).json());
            } catch (RuntimeException e) {
                LOG.fine("no health for " + inst.id() + ": " + e);
            }
            clusters.registry().failure(inst.id()).ifPresent(f -> b.add("last_build_failure", f.message()));
        }
        b.add("database", databases().forCluster(inst.id()).isPresent() ? "configured" : "absent: " + databases().absentReason());
        return b.build();
    }
}
