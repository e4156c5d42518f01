package io.guildnet.batch.verify;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SelfSubjectAccessReviewBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.guildnet.batch.Redactor;
import io.guildnet.batch.verify.CheckResult.Status;
import io.guildnet.workspace.CrdInstaller;
import io.guildnet.workspace.DesiredState;
import io.guildnet.workspace.WorkspaceOperator;
import io.guildnet.workspace.model.Workspace;
import io.guildnet.workspace.model.WorkspaceSpec;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * The layered verification behind {@code guildnet-verify}: L1 network, L2 cluster, L3 database,
 * L4 application. Each layer is a list of {@link Check}s run in order; a check never throws
 * (a failure is its result), so one broken layer still leaves a full report.
 */
public final class Verifier {

    public static final List<String> LAYERS = List.of("network", "cluster", "database", "application");
    public static final String PROBE_LABEL = "guildnet.io/probe";
    static final String TAILNET_ABSENT = "the cluster has no tailnet settings (ts_login_server and ts_client_auth): it is reached directly";

    /** The result of one check body: status, message, and the latency measured (if timed). */
    record Outcome(Status status, String message, Long latencyMs) {
        static Outcome pass(String m) { return new Outcome(Status.PASS, m, null); }

        static Outcome warn(String m) { return new Outcome(Status.WARN, m, null); }

        static Outcome fail(String m) { return new Outcome(Status.FAIL, m, null); }

        static Outcome skip(String m) { return new Outcome(Status.SKIP, m, null); }

        static Outcome timed(String m, long latency) { return new Outcome(Status.PASS, m, latency); }
    }

    interface Body {
        Outcome run() throws Exception;
    }

    private final Clock clock;

    public Verifier(Clock clock) {
        this.clock = clock;
    }

    /** Runs one layer; {@code onCheck} hears each result as it is known. */
    public List<CheckResult> layer(String layer, VerifyContext ctx, Consumer<CheckResult> onCheck) {
        List<CheckResult> out = new ArrayList<>();
        Consumer<CheckResult> sink = r -> {
            out.add(r);
            onCheck.accept(r);
        };
        switch (layer) {
            case "network" -> network(ctx, sink);
            case "cluster" -> cluster(ctx, sink);
            case "database" -> database(ctx, sink);
            case "application" -> application(ctx, sink);
            default -> throw new IllegalArgumentException("unknown layer " + layer);
        }
        return out;
    }

    /** All four layers and the report. */
    public JsonObject verify(VerifyContext ctx, Consumer<CheckResult> onCheck) {
        Instant started = clock.instant();
        Map<String, List<CheckResult>> layers = new java.util.LinkedHashMap<>();
        for (String l : LAYERS) {
            if (ctx.stopRequested().getAsBoolean()) break;
            layers.put(l, layer(l, ctx, onCheck));
        }
        return report(ctx, started, clock.instant(), layers);
    }

    // ---- L1 network ---------------------------------------------------------------------

    void network(VerifyContext ctx, Consumer<CheckResult> sink) {
        URI api = URI.create(ctx.client().getMasterUrl().toString());
        String host = api.getHost();
        int port = api.getPort() > 0 ? api.getPort() : ("https".equals(api.getScheme()) ? 443 : 80);
        InetAddress[] resolved = new InetAddress[1];
        CheckResult dns = run(Check.NET01, () -> {
            long t0 = System.nanoTime();
            InetAddress[] all = InetAddress.getAllByName(host);
            resolved[0] = all[0];
            long ms = ms(t0);
            return Outcome.timed(host + " resolves to " + all[0].getHostAddress() + (all.length > 1 ? " (+" + (all.length - 1) + " more)" : ""), ms);
        });
        sink.accept(dns);
        if (dns.status() == Status.FAIL) {
            sink.accept(skipped(Check.NET02, "skipped: the API server's name did not resolve (NET01)"));
            sink.accept(skipped(Check.NET03, "skipped: the API server's name did not resolve (NET01)"));
        } else {
            CheckResult tcp = run(Check.NET02, () -> {
                long t0 = System.nanoTime();
                try (Socket s = new Socket()) {
                    s.connect(new InetSocketAddress(resolved[0], port), (int) Math.max(1000, Check.NET02.thresholdMs() * 3));
                }
                return Outcome.timed("connected to " + resolved[0].getHostAddress() + ":" + port, ms(t0));
            });
            sink.accept(tcp);
            if (!"https".equals(api.getScheme())) {
                sink.accept(skipped(Check.NET03, "the API server is addressed over plain HTTP (" + api.getScheme() + "), no TLS to check"));
            } else if (tcp.status() == Status.FAIL) {
                sink.accept(skipped(Check.NET03, "skipped: no TCP connection (NET02)"));
            } else {
                sink.accept(run(Check.NET03, () -> {
                    long t0 = System.nanoTime();
                    // Only the handshake is checked here; the certificate is verified by the
                    // Kubernetes client itself on every request (K8S01 fails if it does not match).
                    SSLContext tls = SSLContext.getInstance("TLS");
                    tls.init(null, new TrustManager[] {new AcceptAny()}, null);
                    try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket()) {
                        s.connect(new InetSocketAddress(resolved[0], port), (int) Check.NET03.thresholdMs() * 3);
                        s.setSoTimeout((int) Check.NET03.thresholdMs() * 3);
                        s.startHandshake();
                        return Outcome.timed("TLS handshake done (" + s.getSession().getProtocol() + ")", ms(t0));
                    }
                }));
            }
        }
        tailnet(ctx, sink);
    }

    /** NET04 connector, NET05 Headscale (TCP to the login server), NET06 subnet router (DaemonSet ready, a peer online). */
    void tailnet(VerifyContext ctx, Consumer<CheckResult> sink) {
        java.util.Optional<JsonObject> ts = ctx.tailnet() == null ? java.util.Optional.empty() : ctx.tailnet().get();
        if (ts.isEmpty()) {
            for (Check c : List.of(Check.NET04, Check.NET05, Check.NET06)) sink.accept(skipped(c, TAILNET_ABSENT));
            return;
        }
        JsonObject h = ts.get();
        String status = h.getString("status", "stopped");
        sink.accept(run(Check.NET04, () -> switch (status) {
            case "ok" -> Outcome.pass("connector ok: " + h.getString("ip", "") + " " + h.getString("fqdn", "") + ", "
                    + h.getInt("peersOnline", 0) + "/" + h.getInt("peers", 0) + " peer(s) online");
            case "starting" -> Outcome.warn("connector starting" + (h.containsKey("error") ? ": " + h.getString("error") : ""));
            default -> Outcome.fail("connector " + status + ": " + h.getString("error", "no detail"));
        }));
        sink.accept(run(Check.NET05, () -> {
            URI u = URI.create(h.getString("loginServer", ""));
            int port = u.getPort() > 0 ? u.getPort() : "https".equals(u.getScheme()) ? 443 : 80;
            long t0 = System.nanoTime();
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress(u.getHost(), port), 2000);
            }
            return Outcome.timed("connected to " + u.getHost() + ":" + port, ms(t0));
        }));
        if (!"ok".equals(status)) {
            sink.accept(skipped(Check.NET06, "skipped: the connector is not ok (NET04)"));
            return;
        }
        sink.accept(run(Check.NET06, () -> {
            var ds = ctx.client().apps().daemonSets().inNamespace("kube-system").withName("tailscale-subnet-router").get();
            int online = h.getInt("peersOnline", 0);
            if (ds == null) {
                return online > 0 ? Outcome.warn("no tailscale-subnet-router DaemonSet, but " + online + " tailnet peer(s) online (a router outside the cluster?)")
                        : Outcome.fail("no tailscale-subnet-router DaemonSet in kube-system and no tailnet peer online");
            }
            int want = ds.getStatus() == null || ds.getStatus().getDesiredNumberScheduled() == null ? 0 : ds.getStatus().getDesiredNumberScheduled();
            int ready = ds.getStatus() == null || ds.getStatus().getNumberReady() == null ? 0 : ds.getStatus().getNumberReady();
            if (want == 0 || ready < want) return Outcome.fail("router " + ready + "/" + want + " ready");
            if (online == 0) return Outcome.fail("router pods ready (" + ready + "/" + want + ") but no tailnet peer online: are its routes approved?");
            return Outcome.pass("router ready on " + ready + " node(s); " + online + " peer(s) online");
        }));
    }

    // ---- L2 cluster ---------------------------------------------------------------------

    void cluster(VerifyContext ctx, Consumer<CheckResult> sink) {
        KubernetesClient c = ctx.client();
        sink.accept(run(Check.K8S01, () -> {
            long t0 = System.nanoTime();
            var v = c.getKubernetesVersion();
            return Outcome.timed("Kubernetes " + (v == null || v.getGitVersion() == null ? "(version not reported)" : v.getGitVersion()), ms(t0));
        }));
        sink.accept(run(Check.K8S02, () -> {
            List<Node> nodes;
            try {
                nodes = c.nodes().list().getItems();
            } catch (KubernetesClientException e) {
                if (e.getCode() == 403) return Outcome.warn("not allowed to list nodes (a namespaced identity); node health not checked");
                throw e;
            }
            if (nodes.isEmpty()) return Outcome.warn("no nodes are visible: workspaces cannot be scheduled");
            List<String> notReady = new ArrayList<>();
            for (Node n : nodes) if (!ready(n)) notReady.add(n.getMetadata().getName());
            int ok = nodes.size() - notReady.size();
            if (notReady.isEmpty()) return Outcome.pass(ok + "/" + nodes.size() + " node(s) Ready");
            String m = ok + "/" + nodes.size() + " node(s) Ready; not Ready: " + String.join(", ", notReady);
            return ok > 0 ? Outcome.warn(m) : Outcome.fail(m);
        }));
        sink.accept(run(Check.K8S03, () -> {
            List<String> missing = new ArrayList<>();
            for (var crd : CrdInstaller.load()) {
                String name = crd.getMetadata().getName();
                try {
                    if (c.apiextensions().v1().customResourceDefinitions().withName(name).get() == null) missing.add(name);
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 403) throw e;
                    // not allowed to read CRDs: listing the resource proves the CRD is served
                    try {
                        c.resources(Workspace.class).inNamespace(ctx.namespace()).list();
                    } catch (KubernetesClientException e2) {
                        missing.add(name);
                    }
                }
            }
            return missing.isEmpty() ? Outcome.pass("workspaces.guildnet.io and capabilities.guildnet.io are installed")
                    : Outcome.fail("missing CRD(s): " + String.join(", ", missing));
        }));
        sink.accept(run(Check.K8S04, () -> {
            var embedded = ctx.embeddedOperator().get();
            if (embedded.isPresent()) return Outcome.pass("embedded operator attached to this Host App's cluster instance");
            Deployment d = c.apps().deployments().inNamespace(CrdInstaller.SYSTEM_NAMESPACE).withName("guildnet-operator").get();
            if (d != null && d.getStatus() != null && d.getStatus().getReadyReplicas() != null && d.getStatus().getReadyReplicas() > 0) {
                return Outcome.pass("in-cluster operator Deployment guildnet-system/guildnet-operator has "
                        + d.getStatus().getReadyReplicas() + " ready replica(s)");
            }
            return Outcome.fail(d == null ? "no embedded operator and no guildnet-system/guildnet-operator Deployment"
                    : "guildnet-system/guildnet-operator has no ready replica");
        }));
        sink.accept(run(Check.K8S05, () -> {
            Lease l = c.leases().inNamespace(CrdInstaller.SYSTEM_NAMESPACE).withName(WorkspaceOperator.LEASE).get();
            if (l == null || l.getSpec() == null || blank(l.getSpec().getHolderIdentity())) {
                return ctx.embeddedOperator().get().isPresent()
                        ? Outcome.warn("the operator has not taken the lease " + WorkspaceOperator.LEASE + " yet (it may still be starting)")
                        : Outcome.fail("nobody holds the lease " + CrdInstaller.SYSTEM_NAMESPACE + "/" + WorkspaceOperator.LEASE);
            }
            String holder = l.getSpec().getHolderIdentity();
            ZonedDateTime renew = l.getSpec().getRenewTime();
            int duration = l.getSpec().getLeaseDurationSeconds() == null ? 15 : l.getSpec().getLeaseDurationSeconds();
            String who = ctx.embeddedOperator().get().filter(holder::equals).isPresent() ? " (this Host App)" : "";
            if (renew != null && renew.toInstant().plusSeconds(2L * duration).isBefore(clock.instant())) {
                return Outcome.warn("lease held by " + holder + who + " but last renewed " + renew.toInstant() + " (stale)");
            }
            return Outcome.pass("leader: " + holder + who);
        }));
        sink.accept(run(Check.K8S06, () -> rbac(c, ctx.namespace())));
    }

    /** The permissions GuildNet needs, asked through SelfSubjectAccessReview. */
    static final List<String[]> NEEDED = List.of(
            new String[] {"create", "guildnet.io", "workspaces", "ns"},
            new String[] {"create", "apps", "deployments", "ns"},
            new String[] {"create", "", "services", "ns"},
            new String[] {"get", "", "pods", "ns"},
            new String[] {"update", "coordination.k8s.io", "leases", CrdInstaller.SYSTEM_NAMESPACE});

    static Outcome rbac(KubernetesClient c, String ns) {
        List<String> denied = new ArrayList<>();
        int unanswered = 0;
        for (String[] n : NEEDED) {
            Boolean allowed = allowed(c, n[0], n[1], n[2], "ns".equals(n[3]) ? ns : n[3]);
            if (allowed == null) unanswered++;
            else if (!allowed) denied.add(n[0] + " " + n[2] + (n[1].isEmpty() ? "" : "." + n[1]) + " in " + ("ns".equals(n[3]) ? ns : n[3]));
        }
        if (!denied.isEmpty()) return Outcome.fail("denied: " + String.join("; ", denied));
        if (unanswered > 0) return Outcome.warn(unanswered + " of " + NEEDED.size() + " access review(s) came back without a verdict");
        return Outcome.pass("allowed: " + NEEDED.size() + " of " + NEEDED.size() + " permission(s) GuildNet needs");
    }

    /** One SelfSubjectAccessReview; {@code null} when the API server gave no verdict. */
    public static Boolean allowed(KubernetesClient c, String verb, String group, String resource, String namespace) {
        SelfSubjectAccessReview r = new SelfSubjectAccessReviewBuilder().withNewSpec().withNewResourceAttributes()
                .withVerb(verb).withGroup(group).withResource(resource).withNamespace(namespace).endResourceAttributes().endSpec().build();
        SelfSubjectAccessReview out = c.authorization().v1().selfSubjectAccessReview().create(r);
        return out == null || out.getStatus() == null ? null : out.getStatus().getAllowed();
    }

    // ---- L3 database --------------------------------------------------------------------

    void database(VerifyContext ctx, Consumer<CheckResult> sink) {
        var probe = ctx.databases().forCluster(ctx.clusterId());
        if (probe.isEmpty()) {
            String why = ctx.databases().absentReason();
            for (Check ch : List.of(Check.RDB01, Check.RDB02, Check.RDB03)) sink.accept(skipped(ch, why));
            return;
        }
        DatabaseProbe p = probe.get();
        CheckResult reach = run(Check.RDB01, () -> {
            long t0 = System.nanoTime();
            String v = p.reachable();
            return Outcome.timed("connected: " + v, ms(t0));
        });
        sink.accept(reach);
        if (reach.status() == Status.FAIL) {
            sink.accept(skipped(Check.RDB02, "skipped: the database is not reachable (RDB01)"));
            sink.accept(skipped(Check.RDB03, "skipped: the database is not reachable (RDB01)"));
            return;
        }
        sink.accept(run(Check.RDB02, () -> {
            long t0 = System.nanoTime();
            p.writeReadDelete();
            return Outcome.timed("wrote, read back and deleted a probe document", ms(t0));
        }));
        sink.accept(run(Check.RDB03, () -> {
            long t0 = System.nanoTime();
            p.changefeedRoundTrip();
            return Outcome.timed("a change arrived on its changefeed", ms(t0));
        }));
    }

    // ---- L4 application -----------------------------------------------------------------

    void application(VerifyContext ctx, Consumer<CheckResult> sink) {
        sink.accept(run(Check.APP01, () -> {
            var h = ctx.hostHealth().get();
            return h.ok() ? Outcome.pass(h.message()) : Outcome.fail(h.message());
        }));
        if (!ctx.probeWorkspace()) {
            sink.accept(skipped(Check.APP02, "disabled by the job parameter probeWorkspace=false"));
            sink.accept(skipped(Check.APP03, "no probe Workspace to proxy a request to (probeWorkspace=false)"));
            return;
        }
        probeWorkspace(ctx, sink);
    }

    /** What the probe serves: {@code $GN_PROBE_BODY} as the index page of busybox's httpd on 8080, as nobody (writes only /tmp). */
    static final String PROBE_PORT = "8080";
    static final List<String> PROBE_COMMAND = List.of("sh", "-c",
            "mkdir -p /tmp/gn-probe && printf '%s' \"$GN_PROBE_BODY\" > /tmp/gn-probe/index.html && exec httpd -f -p " + PROBE_PORT + " -h /tmp/gn-probe");

    /**
     * APP02 and APP03 on one probe Workspace: created, reconciled (APP02); then, when pods can
     * run here, Running with a ready pod and one GET through the Host App's own proxy route to it
     * (APP03); deleted at the end in every case.
     */
    void probeWorkspace(VerifyContext ctx, Consumer<CheckResult> sink) {
        KubernetesClient c = ctx.client();
        String name = "gn-verify-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        String body = "guildnet-verify probe " + name + " " + java.util.UUID.randomUUID();
        Workspace ws = new Workspace();
        ws.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ctx.namespace()).addToLabels(PROBE_LABEL, "true").build());
        WorkspaceSpec spec = new WorkspaceSpec();
        spec.setImage(ctx.probe().image());
        spec.setCommand(PROBE_COMMAND);
        spec.setEnv(new ArrayList<>(List.of(new io.fabric8.kubernetes.api.model.EnvVar("GN_PROBE_BODY", body, null))));
        spec.setPorts(new ArrayList<>(List.of(new io.guildnet.workspace.model.WorkspacePort(Integer.parseInt(PROBE_PORT), "http", "TCP"))));
        ws.setSpec(spec);
        var res = c.resources(Workspace.class).inNamespace(ctx.namespace());
        boolean[] created = {false};
        try {
            CheckResult app02 = run(Check.APP02, () -> {
                long t0 = System.nanoTime();
                res.resource(ws).create();
                created[0] = true;
                return awaitReconciled(ctx, ws, t0);
            });
            sink.accept(app02);
            if (app02.status() == Status.FAIL) {
                sink.accept(skipped(Check.APP03, "skipped: the probe Workspace was not " + (created[0] ? "reconciled" : "created") + " (APP02)"));
            } else if (ctx.proxy() == null) {
                sink.accept(skipped(Check.APP03, "skipped: no proxy route in this context"));
            } else {
                sink.accept(run(Check.APP03, () -> proxied(ctx, ws, body)));
            }
        } finally {
            if (created[0]) {
                try {
                    res.withName(name).delete();
                    // the Deployment is owned by the Workspace; delete it too where no garbage collector runs
                    c.apps().deployments().inNamespace(ctx.namespace()).withLabels(DesiredState.selector(ws)).delete();
                    c.services().inNamespace(ctx.namespace()).withLabels(DesiredState.selector(ws)).delete();
                    c.pods().inNamespace(ctx.namespace()).withLabels(DesiredState.selector(ws)).delete();
                } catch (RuntimeException e) {
                    // best effort: a leftover probe carries the probe label and is swept by the next run
                }
            }
        }
    }

    Outcome awaitReconciled(VerifyContext ctx, Workspace ws, long t0) throws InterruptedException {
        KubernetesClient c = ctx.client();
        String name = ws.getMetadata().getName();
        var res = c.resources(Workspace.class).inNamespace(ctx.namespace());
        long deadline = t0 + ctx.probeTimeout().toNanos();
        boolean reconciled = false;
        while (System.nanoTime() < deadline && !ctx.stopRequested().getAsBoolean()) {
            Workspace now = res.withName(name).get();
            boolean statusWritten = now != null && now.getStatus() != null && now.getStatus().getObservedGeneration() != null;
            boolean deployed = !c.apps().deployments().inNamespace(ctx.namespace())
                    .withLabels(DesiredState.selector(ws)).list().getItems().isEmpty();
            if (statusWritten || deployed) {
                reconciled = true;
                break;
            }
            Thread.sleep(100);
        }
        long reconcileMs = ms(t0);
        if (!reconciled) {
            return new Outcome(Status.FAIL, "probe Workspace " + name + " was not reconciled within " + ctx.probeTimeout().toMillis() + " ms", reconcileMs);
        }
        return new Outcome(Status.PASS, "probe Workspace " + name + " created and reconciled in " + reconcileMs + " ms (deleted after APP03)", reconcileMs);
    }

    /**
     * Waits for the probe to be Running with a ready pod, then GETs its page through the proxy
     * route. Skips when no pod is ever created (no controller: pods cannot run) or the probe is
     * not Running in time; fails when it failed to start or the proxied answer is wrong.
     */
    Outcome proxied(VerifyContext ctx, Workspace ws, String expected) throws Exception {
        KubernetesClient c = ctx.client();
        String name = ws.getMetadata().getName();
        String ns = ctx.namespace();
        VerifyContext.Probe probe = ctx.probe();
        long t0 = System.nanoTime();
        long graceEnd = t0 + probe.podGrace().toNanos();
        long deadline = t0 + probe.runTimeout().toNanos();
        while (true) {
            if (ctx.stopRequested().getAsBoolean()) return Outcome.skip("stopped before the probe Workspace was Running");
            Workspace now = c.resources(Workspace.class).inNamespace(ns).withName(name).get();
            String phase = now == null || now.getStatus() == null || now.getStatus().getPhase() == null ? "Pending" : now.getStatus().getPhase();
            String lastError = now == null || now.getStatus() == null ? null : now.getStatus().getLastError();
            List<io.fabric8.kubernetes.api.model.Pod> pods = c.pods().inNamespace(ns).withLabels(DesiredState.selector(ws)).list().getItems();
            if ("Running".equals(phase) && pods.stream().anyMatch(Verifier::readyPod)) break;
            if ("Failed".equals(phase)) {
                return Outcome.fail("the probe Workspace " + name + " (image " + probe.image() + ") failed to start"
                        + (lastError == null ? "" : ": " + lastError) + "; no request could be proxied to it");
            }
            long t = System.nanoTime();
            if (pods.isEmpty() && t > graceEnd && !controllerSeen(c, ns, name)) {
                return Outcome.skip("pods cannot run here: no pod was created for the probe Workspace's Deployment within "
                        + probe.podGrace().toMillis() + " ms (no controller manager, e.g. a mock API server); no request proxied");
            }
            if (t > deadline) {
                return Outcome.skip("the probe Workspace " + name + " was not Running with a ready pod within " + probe.runTimeout().toMillis()
                        + " ms (phase " + phase + (lastError == null ? "" : ": " + lastError) + "); no request proxied");
            }
            Thread.sleep(200);
        }
        long t1 = System.nanoTime();
        WorkspaceProxy.Response r = ctx.proxy().get(name, "/", Duration.ofMillis(Math.max(2000, Check.APP03.thresholdMs() * 3)));
        long took = ms(t1);
        String route = "GET /api/cluster/" + ctx.clusterId() + "/proxy/server/" + name + "/";
        if (r.status() / 100 == 2 && r.body().contains(expected)) {
            return Outcome.timed(route + " answered " + r.status() + " with the probe's page through " + r.path() + " in " + took + " ms", took);
        }
        String snippet = r.body().strip();
        if (snippet.length() > 120) snippet = snippet.substring(0, 120) + "…";
        return Outcome.fail(route + " answered " + r.status() + " through " + r.path()
                + (r.status() / 100 == 2 ? ", but not with the probe's page" : "") + (snippet.isEmpty() ? "" : ": " + snippet));
    }

    /** Whether something (a controller manager) acted on the probe's Deployment: its status written, or a ReplicaSet made. */
    private static boolean controllerSeen(KubernetesClient c, String ns, String name) {
        Deployment d = c.apps().deployments().inNamespace(ns).withName(name).get();
        return d != null && d.getStatus() != null && d.getStatus().getObservedGeneration() != null;
    }

    static boolean readyPod(io.fabric8.kubernetes.api.model.Pod p) {
        return p.getMetadata().getDeletionTimestamp() == null && p.getStatus() != null && "Running".equals(p.getStatus().getPhase())
                && p.getStatus().getConditions() != null
                && p.getStatus().getConditions().stream().anyMatch(x -> "Ready".equals(x.getType()) && "True".equals(x.getStatus()));
    }

    // ---- report -------------------------------------------------------------------------

    public static String layerStatus(List<CheckResult> checks) {
        return layerStatusOf(checks.stream().map(r -> r.status().wire()).toList());
    }

    static String layerStatusOf(List<String> statuses) {
        return statuses.contains("fail") ? "fail" : statuses.contains("warn") ? "warn" : statuses.contains("pass") ? "pass" : "skip";
    }

    public JsonObject report(VerifyContext ctx, Instant started, Instant finished, Map<String, List<CheckResult>> layers) {
        Map<String, List<JsonObject>> json = new java.util.LinkedHashMap<>();
        layers.forEach((k, v) -> json.put(k, v.stream().map(CheckResult::json).toList()));
        return reportJson(ctx, started, finished, json);
    }

    /** The report from each layer's check objects (as {@link CheckResult#json()} wrote them). */
    public JsonObject reportJson(VerifyContext ctx, Instant started, Instant finished, Map<String, List<JsonObject>> layers) {
        JsonArrayBuilder ls = Json.createArrayBuilder();
        Map<String, Integer> n = new java.util.HashMap<>(Map.of("pass", 0, "warn", 0, "fail", 0, "skip", 0));
        List<String> failing = new ArrayList<>();
        layers.forEach((name, checks) -> {
            JsonArrayBuilder cs = Json.createArrayBuilder();
            List<String> statuses = new ArrayList<>();
            for (JsonObject r : checks) {
                cs.add(r);
                String st = r.getString("status");
                statuses.add(st);
                n.merge(st, 1, Integer::sum);
                if (st.equals("fail")) failing.add(r.getString("code"));
            }
            ls.add(Json.createObjectBuilder().add("name", name).add("status", layerStatusOf(statuses)).add("checks", cs));
        });
        String overall = n.get("fail") > 0 ? "fail" : n.get("warn") > 0 ? "warn" : "pass";
        String text = switch (overall) {
            case "fail" -> "Cluster " + ctx.clusterId() + " failed " + failing.size() + " check(s): " + String.join(", ", failing)
                    + ". See each check's suggestion and docs/troubleshooting.md.";
            case "warn" -> "Cluster " + ctx.clusterId() + " works, with " + n.get("warn") + " warning(s).";
            default -> "Cluster " + ctx.clusterId() + " passed every check that applies (" + n.get("skip") + " skipped).";
        };
        JsonObjectBuilder cluster = Json.createObjectBuilder().add("id", ctx.clusterId())
                .add("server", Redactor.text(ctx.client().getMasterUrl().toString())).add("namespace", ctx.namespace());
        return Json.createObjectBuilder().add("version", io.guildnet.host.Version.VERSION).add("cluster", cluster)
                .add("started", started.toString()).add("finished", finished.toString())
                .add("duration_ms", Duration.between(started, finished).toMillis()).add("layers", ls)
                .add("summary", Json.createObjectBuilder().add("status", overall).add("pass", n.get("pass")).add("warn", n.get("warn"))
                        .add("fail", n.get("fail")).add("skip", n.get("skip")).add("text", text))
                .build();
    }

    // ---- helpers ------------------------------------------------------------------------

    static CheckResult skipped(Check c, String why) {
        return new CheckResult(c, Status.SKIP, 0, why, null, null, null);
    }

    static CheckResult run(Check c, Body body) {
        long t0 = System.nanoTime();
        Outcome o;
        try {
            o = body.run();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            o = Outcome.fail("interrupted");
        } catch (Exception e) {
            o = Outcome.fail(reason(e));
        }
        long took = ms(t0);
        Long threshold = c.thresholdMs() > 0 && o.latencyMs() != null ? c.thresholdMs() : null;
        Status st = o.status();
        String msg = o.message();
        if (st == Status.PASS && threshold != null && o.latencyMs() > threshold) {
            st = Status.WARN;
            msg = msg + " (slow: " + o.latencyMs() + " ms, threshold " + threshold + " ms)";
        }
        return new CheckResult(c, st, took, msg, c.fix(), o.latencyMs(), threshold);
    }

    static String reason(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t && (t.getMessage() == null || t instanceof KubernetesClientException && t.getCause() != null)) {
            t = t.getCause();
        }
        String m = t.getMessage();
        return (m == null ? t.getClass().getSimpleName() : m).lines().findFirst().orElse("error");
    }

    static boolean ready(Node n) {
        if (n.getStatus() == null || n.getStatus().getConditions() == null) return false;
        for (NodeCondition c : n.getStatus().getConditions()) if ("Ready".equals(c.getType())) return "True".equals(c.getStatus());
        return false;
    }

    private static boolean blank(String s) { return s == null || s.isBlank(); }

    static long ms(long t0) { return (System.nanoTime() - t0) / 1_000_000; }

    /** For the handshake-only TLS check (NET03); never used for requests. */
    private static final class AcceptAny implements X509TrustManager {
        @Override public void checkClientTrusted(X509Certificate[] chain, String authType) { }

        @Override public void checkServerTrusted(X509Certificate[] chain, String authType) { }

        @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
    }
}
