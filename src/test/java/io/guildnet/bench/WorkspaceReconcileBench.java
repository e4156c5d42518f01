package io.guildnet.bench;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectRulesReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import io.guildnet.workspace.CrdInstaller;
import io.guildnet.workspace.DesiredState;
import io.guildnet.workspace.WorkspaceDefaults;
import io.guildnet.workspace.WorkspaceOperator;
import io.guildnet.workspace.model.Workspace;
import io.guildnet.workspace.model.WorkspaceSpec;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * Benchmark (not a test; run by scripts/bench/workspaces.sh): N Workspaces created at once
 * against fabric8's API double, reconciled by the embedded Workspace operator.
 *
 * <p>Measures, without hooks in production code: the time from the first create until every
 * Workspace has a status (phase set, observedGeneration == generation) and its Deployment and
 * Service exist (seen through the benchmark's own watches); per-workspace latency from "create
 * returned" to "first such status seen"; reconcile passes (each pass starts with a GET of the
 * workspace's password Secret, counted in the double's request log, which is drained as it goes
 * so it does not grow); API requests by kind; the steady state afterwards; heap after GC and threads.
 *
 * <p>Usage: {@code WorkspaceReconcileBench [count=1000] [threads=2 x cores] [timeoutSeconds=600] [steadySeconds=20] [settleSeconds=125]}
 */
public final class WorkspaceReconcileBench {

    static final String NS = "bench";
    static final String WARMUP_NS = "bench-warmup";
    static final int WARMUP = 20;
    static final String[] IMAGES = {
        "codercom/code-server:4.90.3",          // profile CODE_SERVER: also a password Secret
        "python:3.12-slim",                     // GENERIC
        "codercom/code-server:4.91.0",
        "ghcr.io/example/notebook:1.4",         // GENERIC
    };

    public static void main(String[] args) throws Exception {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int threads = args.length > 1 && !args[1].isBlank() ? Integer.parseInt(args[1]) : 2 * Runtime.getRuntime().availableProcessors();
        int timeoutSeconds = args.length > 2 ? Integer.parseInt(args[2]) : 600;
        int steadySeconds = args.length > 3 ? Integer.parseInt(args[3]) : 20;
        int settleSeconds = args.length > 4 ? Integer.parseInt(args[4]) : 125;
        quietLogs();
        // last resort if shutting down hangs: everything is bounded by the time limit plus the fixed waits
        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep((timeoutSeconds + steadySeconds + settleSeconds + 120L) * 1000L);
                System.out.println("GAVE UP: the benchmark did not finish in time (watchdog)");
                Runtime.getRuntime().halt(3);
            } catch (InterruptedException e) {
                // finished
            }
        }, "bench-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
        int rc;
        try {
            rc = new WorkspaceReconcileBench(count, threads, Duration.ofSeconds(timeoutSeconds), steadySeconds, settleSeconds).run();
        } catch (java.util.concurrent.TimeoutException e) {
            System.out.println("GAVE UP: the creates did not finish within " + timeoutSeconds + " s");
            rc = 2;
        } catch (Exception e) {
            System.out.println("FAILED: " + e);
            e.printStackTrace();
            rc = 2;
        }
        System.exit(rc);
    }

    final int count;
    final int threads;
    final Duration timeout;
    final int steadySeconds;
    final int settleSeconds;

    /** Request counters by phase ("warmup", "burst", "steady"), then "METHOD kind". */
    final Map<String, Map<String, LongAdder>> requests = new ConcurrentHashMap<>();
    /** Reconcile passes per workspace in the burst (GETs of its password Secret). */
    final Map<String, AtomicInteger> passes = new ConcurrentHashMap<>();
    /** When each benchmark workspace's passes started (nanoTime of the Secret GET reaching the log drain). */
    final Map<String, List<Long>> passTimes = new ConcurrentHashMap<>();
    volatile String phase = "setup";
    final LongAdder reconcileErrors = new LongAdder();

    WorkspaceReconcileBench(int count, int threads, Duration timeout, int steadySeconds, int settleSeconds) {
        this.count = count;
        this.threads = threads;
        this.timeout = timeout;
        this.steadySeconds = steadySeconds;
        this.settleSeconds = settleSeconds;
        countReconcileErrors();
    }

    int run() throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                new KubernetesMixedDispatcher(responses), true);
        server.init(InetAddress.getByName("127.0.0.1"), 0);
        Thread drain = new Thread(() -> drainRequests(server), "bench-request-log");
        drain.setDaemon(true);
        drain.start();
        // leader election first checks that it may use Leases (the double has no RBAC: answer "allowed")
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/selfsubjectrulesreviews")
                .andReturn(201, new SelfSubjectRulesReviewBuilder()
                        .withNewMetadata().endMetadata().withNewSpec().withNamespace(CrdInstaller.SYSTEM_NAMESPACE).endSpec()
                        .withNewStatus().addNewResourceRule().withApiGroups("coordination.k8s.io").withResources("leases")
                        .withVerbs("*").endResourceRule().withIncomplete(false).endStatus().build())
                .always();

        KubernetesClient opClient = server.createClient();     // the operator's (as the cluster instance's client)
        KubernetesClient benchClient = server.createClient();  // the "users" creating Workspaces, and the stopwatch
        ThreadFactory reconcileThreads = named("reconcile");
        ExecutorService reconcilePool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = reconcileThreads.newThread(r);
            RECONCILE_THREADS.add(t);
            return t;
        });
        ExecutorService creators = Executors.newFixedThreadPool(8, named("creator"));
        WorkspaceOperator operator = null;
        List<Watch> watches = new ArrayList<>();
        var mem = ManagementFactory.getMemoryMXBean();
        var threadsBean = ManagementFactory.getThreadMXBean();
        int rc = 0;
        try {
            CrdInstaller.ensure(benchClient);
            String mockProbeEmpty = mockProbe(benchClient);
            long heapBase = heapAfterGc();
            int threadsBase = threadsBean.getThreadCount();

            operator = new WorkspaceOperator("bench", opClient, reconcilePool, WorkspaceDefaults::none, Duration.ofSeconds(300), true);
            long tStart = System.nanoTime();
            operator.start();
            long leaderMs = awaitLeader(benchClient, deadline, tStart);

            // warm-up: a few workspaces in another namespace, reconciled and deleted again, so the
            // measured burst meets a leading operator with loaded classes (the Host App runs all day)
            phase = "warmup";
            for (int i = 0; i < WARMUP; i++) benchClient.resource(workspace(WARMUP_NS, "warm-" + i, IMAGES[i % IMAGES.length])).create();
            while (benchClient.resources(Workspace.class).inNamespace(WARMUP_NS).list().getItems().stream()
                    .anyMatch(w -> w.getStatus() == null || w.getStatus().getPhase() == null)) {
                if (System.nanoTime() > deadline) throw new IllegalStateException("warm-up workspaces never got a status");
                Thread.sleep(100);
            }
            Thread.sleep(2000); // let the passes triggered by the new Deployments finish
            double[] idle = idleLatencies(benchClient, deadline);
            benchClient.resources(Workspace.class).inNamespace(WARMUP_NS).delete();
            Thread.sleep(1000);
            long warmupErrors = reconcileErrors.sumThenReset();

            // the stopwatch: our own watches, opened before the first create
            Progress p = new Progress(count);
            watches.add(benchClient.resources(Workspace.class).inNamespace(NS).watch(new OnEvent<>(ws -> {
                var st = ws.getStatus();
                if (st != null && st.getPhase() != null && java.util.Objects.equals(st.getObservedGeneration(), ws.getMetadata().getGeneration())) {
                    p.mark(ws.getMetadata().getName(), Progress.STATUS);
                }
            })));
            watches.add(benchClient.apps().deployments().inNamespace(NS).withLabel(DesiredState.MANAGED_BY, "guildnet")
                    .watch(new OnEvent<Deployment>(d -> p.mark(d.getMetadata().getName(), Progress.DEPLOYMENT))));
            watches.add(benchClient.services().inNamespace(NS).withLabel(DesiredState.MANAGED_BY, "guildnet")
                    .watch(new OnEvent<Service>(s -> p.mark(s.getMetadata().getName(), Progress.SERVICE))));

            phase = "burst";
            long cpuBefore = reconcileCpuNanos();
            long t0 = System.nanoTime();
            List<Future<?>> creates = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                String name = name(i);
                String image = IMAGES[i % IMAGES.length];
                creates.add(creators.submit(() -> {
                    benchClient.resource(workspace(NS, name, image)).create();
                    p.created(name, System.nanoTime());
                    return null;
                }));
            }
            for (Future<?> f : creates) f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            long tCreated = System.nanoTime();
            Thread reporter = progressReporter(p, t0);
            boolean done = p.all.await(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            long tDone = System.nanoTime();
            reporter.interrupt();
            if (!done) {
                System.out.printf(Locale.ROOT, "GAVE UP after %.0f s: %d of %d workspaces complete (status %d, deployment %d, service %d)%n",
                        (tDone - t0) / 1e9, count - p.all.getCount(), count, p.count(Progress.STATUS), p.count(Progress.DEPLOYMENT),
                        p.count(Progress.SERVICE));
                rc = 1;
            }
            long burstErrors = reconcileErrors.sumThenReset();
            long burstCpu = reconcileCpuNanos() - cpuBefore;
            int threadsPeak = threadsBean.getPeakThreadCount();
            int threadsLive = threadsBean.getThreadCount();

            // steady state: with nothing changing, how often does the operator still reconcile? After as
            // long again for the passes the burst queued up (each workspace's second pass) to drain.
            phase = "settling";
            if (done && steadySeconds > 0) Thread.sleep(steadySeconds * 1000L);
            long settlingErrors = reconcileErrors.sumThenReset();
            long cpuSteady0 = reconcileCpuNanos();
            phase = "steady";
            long tSteady = System.nanoTime();
            if (done && steadySeconds > 0) Thread.sleep(steadySeconds * 1000L);
            long tSteadyEnd = System.nanoTime();
            long steadyNanos = tSteadyEnd - tSteady;
            long steadyErrors = reconcileErrors.sumThenReset() + settlingErrors;
            long steadyCpu = reconcileCpuNanos() - cpuSteady0;
            phase = "after";
            Thread.sleep(300); // let the request log catch up
            long heapLive = heapAfterGc();
            long committed = mem.getHeapMemoryUsage().getCommitted();

            watches.forEach(Watch::close);
            watches.clear();
            operator.close();   // JOSDK shuts the reconcile pool down; let passes in flight finish before closing their client
            operator = null;
            reconcilePool.awaitTermination(10, TimeUnit.SECONDS);
            opClient.close();
            opClient = null;
            reconcilePool = null;
            // fabric8 keeps a closed watch's informer cache reachable until its "watch end check"
            // task (120 s, in a shared scheduler) is due, so the operator's heap shows only after that
            if (settleSeconds > 0) Thread.sleep(settleSeconds * 1000L);
            long heapStopped = heapAfterGc();
            String mockProbe = mockProbe(benchClient);

            // ---- summary ----
            double[] lat = p.latenciesMs();
            Map<String, LongAdder> burst = requests.getOrDefault("burst", Map.of());
            Map<String, LongAdder> steady = requests.getOrDefault("steady", Map.of());
            long burstPasses = sum(burst, "GET secrets (one)");
            long steadyPasses = sum(steady, "GET secrets (one)");
            int[] per = passes.values().stream().mapToInt(AtomicInteger::get).sorted().toArray();
            System.out.printf(Locale.ROOT, "machine: %d cores, Java %s, max heap %d MB%n", Runtime.getRuntime().availableProcessors(),
                    System.getProperty("java.version"), Runtime.getRuntime().maxMemory() >> 20);
            System.out.printf(Locale.ROOT, "workspaces: %d (half code-server with a password Secret, half generic); reconcile pool: %d threads (fixed)%n",
                    count, threads);
            System.out.printf(Locale.ROOT, "operator start to leader: %d ms; one workspace at a time on the idle operator, create returned -> status seen: "
                    + "%.0f ms median of %d (min %.0f, max %.0f)%n", leaderMs, pct(idle, 50), idle.length, idle[0], idle[idle.length - 1]);
            System.out.printf(Locale.ROOT, "creates: %d in %.2f s (8 client threads, %.0f/s)%n", count, (tCreated - t0) / 1e9,
                    count / ((tCreated - t0) / 1e9));
            System.out.printf(Locale.ROOT, "all reconciled (status + Deployment + Service): %s%n",
                    done ? String.format(Locale.ROOT, "%.2f s after the first create (%.0f workspaces/s)", (tDone - t0) / 1e9, count / ((tDone - t0) / 1e9))
                         : "NOT within the time limit");
            System.out.printf(Locale.ROOT, "reconcile latency, create returned -> status seen (n=%d): p50 %.0f ms, p90 %.0f ms, p99 %.0f ms, max %.0f ms%n",
                    lat.length, pct(lat, 50), pct(lat, 90), pct(lat, 99), lat.length == 0 ? Double.NaN : lat[lat.length - 1]);
            System.out.printf(Locale.ROOT, "reconcile passes until all reconciled: %d (%.2f per workspace; per workspace min %d, median %d, max %d); errors: %d%n",
                    burstPasses, burstPasses / (double) count, per.length == 0 ? 0 : per[0], per.length == 0 ? 0 : per[per.length / 2],
                    per.length == 0 ? 0 : per[per.length - 1], burstErrors);
            System.out.printf(Locale.ROOT, "reconcile threads' CPU: %.1f s in the burst, %.1f ms per pass; steady state %.1f ms per pass "
                            + "(the double, the HTTP client's threads and the informers are not included)%n",
                    burstCpu / 1e9, burstCpu / 1e6 / Math.max(1, burstPasses), steadyCpu / 1e6 / Math.max(1, steadyPasses));
            double[] gaps = passGaps(tSteady, tSteadyEnd);
            long[] byTheEnd = passTimes.values().stream().mapToLong(l -> l.stream().filter(t -> t < tSteadyEnd).count()).sorted().toArray();
            System.out.printf(Locale.ROOT, "steady state (%d s from %d s after all reconciled, nothing changing): %d passes (%.1f/s, %d errors), "
                            + "%d API requests (%.0f/s), writes: %s%n",
                    Math.round(steadyNanos / 1e9), steadySeconds, steadyPasses, steadyPasses / (steadyNanos / 1e9), steadyErrors, total(steady),
                    total(steady) / (steadyNanos / 1e9), writes(steady));
            System.out.printf(Locale.ROOT, "  time between two passes of one workspace (recheck asked: 10 s): median %.1f s, p90 %.1f s; "
                            + "passes per workspace by the end: median %d, max %d%n",
                    pct(gaps, 50), pct(gaps, 90), byTheEnd.length == 0 ? 0 : byTheEnd[byTheEnd.length / 2],
                    byTheEnd.length == 0 ? 0 : byTheEnd[byTheEnd.length - 1]);
            System.out.printf(Locale.ROOT, "API requests in the burst: %d total, %.1f per workspace; %s%n", total(burst),
                    total(burst) / (double) count, top(burst));
            System.out.printf(Locale.ROOT, "heap used after GC: %.1f MB before the operator; %.1f MB with %d workspaces reconciled (committed %.0f MB); "
                            + "%.1f MB %d s after stopping the operator -> operator + its client ≈ %.1f MB (%.1f KB per workspace)%n",
                    mb(heapBase), mb(heapLive), count, mb(committed), mb(heapStopped), settleSeconds, mb(heapLive - heapStopped),
                    (heapLive - heapStopped) / 1024.0 / count);
            System.out.printf(Locale.ROOT, "threads: %d before the operator, %d live at the end of the burst (peak %d)%n",
                    threadsBase, threadsLive, threadsPeak);
            System.out.printf(Locale.ROOT, "API double alone: %s;%n                  %s%n", mockProbeEmpty, mockProbe);
            if (warmupErrors > 0) System.out.printf(Locale.ROOT, "(warm-up: %d reconcile errors)%n", warmupErrors);
        } finally {
            watches.forEach(Watch::close);
            if (operator != null) operator.close();
            if (opClient != null) opClient.close();
            benchClient.close();
            creators.shutdownNow();
            if (reconcilePool != null) reconcilePool.shutdownNow();
            server.destroy();
        }
        return rc;
    }

    // ---- the stopwatch ----

    static final class Progress {
        static final int STATUS = 1, DEPLOYMENT = 2, SERVICE = 4, ALL = 7;
        final Map<String, AtomicInteger> seen = new ConcurrentHashMap<>();
        final Map<String, Long> createdAt = new ConcurrentHashMap<>();
        final Map<String, Long> statusAt = new ConcurrentHashMap<>();
        final CountDownLatch all;

        Progress(int n) { all = new CountDownLatch(n); }

        void created(String name, long at) { createdAt.put(name, at); }

        void mark(String name, int what) {
            if (what == STATUS) statusAt.putIfAbsent(name, System.nanoTime());
            AtomicInteger s = seen.computeIfAbsent(name, k -> new AtomicInteger());
            int before = s.getAndAccumulate(what, (a, b) -> a | b);
            if (before != ALL && (before | what) == ALL) all.countDown();
        }

        long count(int what) { return seen.values().stream().filter(a -> (a.get() & what) != 0).count(); }

        double[] latenciesMs() {
            return statusAt.entrySet().stream().filter(e -> createdAt.containsKey(e.getKey()))
                    .mapToDouble(e -> Math.max(0, e.getValue() - createdAt.get(e.getKey())) / 1e6).sorted().toArray();
        }
    }

    static final class OnEvent<T extends HasMetadata> implements Watcher<T> {
        final java.util.function.Consumer<T> onUpsert;

        OnEvent(java.util.function.Consumer<T> onUpsert) { this.onUpsert = onUpsert; }

        @Override
        public void eventReceived(Action action, T resource) {
            if (action == Action.ADDED || action == Action.MODIFIED) onUpsert.accept(resource);
        }

        @Override
        public void onClose(WatcherException cause) {
            System.err.println("bench watch closed: " + cause);
        }
    }

    Thread progressReporter(Progress p, long t0) {
        Thread t = new Thread(() -> {
            try {
                while (true) {
                    Thread.sleep(10_000);
                    System.err.printf(Locale.ROOT, "  %.0f s: status %d, deployment %d, service %d of %d%n", (System.nanoTime() - t0) / 1e9,
                            p.count(Progress.STATUS), p.count(Progress.DEPLOYMENT), p.count(Progress.SERVICE), count);
                }
            } catch (InterruptedException e) {
                // done
            }
        }, "bench-progress");
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Five workspaces one after another on the idle operator: create returned -> status seen, in ms. */
    static double[] idleLatencies(KubernetesClient c, long deadline) throws InterruptedException {
        int n = 5;
        double[] out = new double[n];
        Map<String, Long> seen = new ConcurrentHashMap<>();
        try (Watch w = c.resources(Workspace.class).inNamespace(WARMUP_NS).watch(new OnEvent<>(ws -> {
            if (ws.getStatus() != null && ws.getStatus().getPhase() != null) seen.putIfAbsent(ws.getMetadata().getName(), System.nanoTime());
        }))) {
            for (int i = 0; i < n; i++) {
                String name = "idle-" + i;
                c.resource(workspace(WARMUP_NS, name, IMAGES[i % IMAGES.length])).create();
                long created = System.nanoTime();
                while (!seen.containsKey(name)) {
                    if (System.nanoTime() > deadline) throw new IllegalStateException("an idle probe workspace never got a status");
                    Thread.sleep(5);
                }
                out[i] = (seen.get(name) - created) / 1e6;
                Thread.sleep(1000); // its second pass (for the Deployment it created) runs now; keep the next probe clear of it
            }
        }
        Arrays.sort(out);
        return out;
    }

    /** Seconds between consecutive passes of the same workspace, both inside [from, to). */
    double[] passGaps(long from, long to) {
        List<Double> gaps = new ArrayList<>();
        for (List<Long> ts : passTimes.values()) {
            Long prev = null;
            for (long t : ts) {
                if (t >= to) break;
                if (prev != null && prev >= from) gaps.add((t - prev) / 1e9);
                prev = t;
            }
        }
        return gaps.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    }

    // ---- the request log of the double: drained as it goes, counted by phase and kind ----

    void drainRequests(KubernetesMockServer server) {
        while (true) {
            RecordedRequest r;
            try {
                r = server.takeRequest(200, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (r == null) continue;
            String path = r.getPath();
            String query = "";
            int q = path.indexOf('?');
            if (q >= 0) {
                query = path.substring(q + 1);
                path = path.substring(0, q);
            }
            String[] parts = path.split("/");
            String kind;
            String name = null;
            String sub = null;
            int ns = Arrays.asList(parts).indexOf("namespaces");
            if (ns >= 0 && parts.length > ns + 2) {
                kind = parts[ns + 2];
                if (parts.length > ns + 3) name = parts[ns + 3];
                if (parts.length > ns + 4) sub = parts[ns + 4];
            } else {
                kind = parts.length > 0 ? parts[parts.length - 1] : path;
            }
            String method = query.contains("watch=true") ? "WATCH" : r.getMethod();
            String key = method + " " + kind + (sub != null ? "/" + sub : name != null ? " (one)" : " (list)");
            String ph = phase;
            requests.computeIfAbsent(ph, k -> new ConcurrentHashMap<>()).computeIfAbsent(key, k -> new LongAdder()).increment();
            if ("GET secrets (one)".equals(key) && name != null && name.endsWith("-password") && NS.equals(parts[ns + 1])) {
                String ws = name.substring(0, name.length() - "-password".length());
                passTimes.computeIfAbsent(ws, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(System.nanoTime());
                if ("burst".equals(ph)) passes.computeIfAbsent(ws, k -> new AtomicInteger()).incrementAndGet();
            }
        }
    }

    static long sum(Map<String, LongAdder> m, String key) {
        LongAdder a = m.get(key);
        return a == null ? 0 : a.sum();
    }

    static long total(Map<String, LongAdder> m) {
        return m.values().stream().mapToLong(LongAdder::sum).sum();
    }

    static String top(Map<String, LongAdder> m) {
        Map<String, Long> sorted = new TreeMap<>();
        m.forEach((k, v) -> sorted.put(k, v.sum()));
        StringBuilder b = new StringBuilder();
        sorted.entrySet().stream().sorted((a, c) -> Long.compare(c.getValue(), a.getValue()))
                .forEach(e -> b.append(b.length() == 0 ? "" : ", ").append(e.getKey()).append(' ').append(e.getValue()));
        return b.toString();
    }

    static String writes(Map<String, LongAdder> m) {
        Map<String, LongAdder> w = new TreeMap<>();
        m.forEach((k, v) -> {
            if (k.startsWith("POST") || k.startsWith("PUT") || k.startsWith("PATCH") || k.startsWith("DELETE")) w.put(k, v);
        });
        return w.isEmpty() ? "none" : top(w);
    }

    // ---- helpers ----

    /** The reconcile pool's threads (JOSDK renames them while they reconcile, so they are kept here). */
    static final List<Thread> RECONCILE_THREADS = new java.util.concurrent.CopyOnWriteArrayList<>();

    /** CPU time used so far by the reconcile pool's threads (where the reconciler and its blocking client calls run). */
    static long reconcileCpuNanos() {
        var mx = ManagementFactory.getThreadMXBean();
        return RECONCILE_THREADS.stream().mapToLong(t -> Math.max(0, mx.getThreadCpuTime(t.getId()))).sum();
    }

    /** Waits until the operator holds its Lease (the reconcilers start when it leads). */
    static long awaitLeader(KubernetesClient c, long deadline, long tStart) throws InterruptedException {
        while (System.nanoTime() < deadline) {
            Lease l = c.leases().inNamespace(CrdInstaller.SYSTEM_NAMESPACE).withName(WorkspaceOperator.LEASE).get();
            if (l != null && l.getSpec() != null && l.getSpec().getHolderIdentity() != null) return (System.nanoTime() - tStart) / 1_000_000;
            Thread.sleep(50);
        }
        throw new IllegalStateException("the operator never became leader");
    }

    /** How fast the double itself answers now (it scans every stored object per request). */
    static String mockProbe(KubernetesClient c) {
        int n = 300;
        long objects = c.apps().deployments().inAnyNamespace().list().getItems().size()
                + c.services().inAnyNamespace().list().getItems().size()
                + c.secrets().inAnyNamespace().list().getItems().size()
                + c.resources(Workspace.class).inAnyNamespace().list().getItems().size();
        long t = System.nanoTime();
        for (int i = 0; i < n; i++) c.apps().deployments().inNamespace(NS).withName(name(i % 10)).get();  // found or not: same scan
        double getMs = (System.nanoTime() - t) / 1e6 / n;
        t = System.nanoTime();
        for (int i = 0; i < n; i++) c.pods().inNamespace(NS).withLabel(DesiredState.WORKSPACE_LABEL, name(i % 10)).list();
        double listMs = (System.nanoTime() - t) / 1e6 / n;
        return String.format(Locale.ROOT, "with ≈ %d objects stored, one GET by name takes %.2f ms, one pod list by label %.2f ms "
                + "(sequential, one client, nothing else running)", objects, getMs, listMs);
    }

    static String name(int i) { return String.format(Locale.ROOT, "ws-%05d", i); }

    static Workspace workspace(String ns, String name, String image) {
        Workspace ws = new Workspace();
        ws.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        WorkspaceSpec spec = new WorkspaceSpec();
        spec.setImage(image);
        ws.setSpec(spec);
        return ws;
    }

    /**
     * Heap in use right after a full GC, as the collector reported it (the pools' collection usage):
     * reading current usage instead would count what the still-running reconciles allocated since.
     */
    static long heapAfterGc() {
        System.gc();
        return ManagementFactory.getMemoryPoolMXBeans().stream()
                .filter(p -> p.getType() == java.lang.management.MemoryType.HEAP && p.getCollectionUsage() != null)
                .mapToLong(p -> p.getCollectionUsage().getUsed()).sum();
    }

    static double mb(long bytes) { return bytes / 1024.0 / 1024.0; }

    static double pct(double[] sorted, double p) {
        if (sorted.length == 0) return Double.NaN;
        int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
        return sorted[Math.max(0, Math.min(sorted.length - 1, i))];
    }

    static ThreadFactory named(String prefix) {
        AtomicLong n = new AtomicLong();
        return r -> {
            Thread t = new Thread(r, prefix + "-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** JOSDK, fabric8 and the double log a lot at INFO: keep warnings. */
    static void quietLogs() {
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (Handler h : root.getHandlers()) h.setLevel(Level.WARNING);
    }

    /** Counts the reconciler's "reconcile failed" warnings (held here so the logger is not collected). */
    static final Logger RECONCILER_LOG = Logger.getLogger("io.guildnet.workspace.WorkspaceReconciler");

    void countReconcileErrors() {
        RECONCILER_LOG.addHandler(new Handler() {
            @Override
            public void publish(LogRecord r) {
                if (r.getMessage() != null && r.getMessage().contains("reconcile failed")) reconcileErrors.increment();
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        });
    }
}
