package io.guildnet.it;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.guildnet.batch.diagnose.DiagnoseContext;
import io.guildnet.batch.diagnose.Diagnoser;
import io.guildnet.batch.setup.SetupContext;
import io.guildnet.batch.setup.SetupRunner;
import io.guildnet.batch.setup.SetupSteps;
import io.guildnet.batch.verify.DatabaseProbes;
import io.guildnet.batch.verify.VerifyContext;
import io.guildnet.batch.verify.Verifier;
import io.guildnet.workspace.CrdInstaller;
import io.guildnet.workspace.WorkspaceDefaults;
import io.guildnet.workspace.WorkspaceOperator;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Benchmark of the batch jobs (scripts/bench/batch.sh): (1) in-process, no server: verify,
 * diagnose and setup straight on the plain classes against the Kubernetes double; (2) through
 * a real Liberty server: the same jobs as Jakarta Batch executions, and the framework's
 * overhead per step (execution wall time minus the time spent in the checks, per step).
 */
public final class BatchBench {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        inProcess(runs);
        throughServer(runs);
        System.exit(0);
    }

    static String stats(List<Long> ms) {
        List<Long> s = new ArrayList<>(ms);
        Collections.sort(s);
        return "min " + s.get(0) + " ms, median " + s.get(s.size() / 2) + " ms, max " + s.get(s.size() - 1) + " ms (n=" + s.size() + ")";
    }

    static void inProcess(int runs) throws Exception {
        System.out.println("== in-process (plain classes, no batch runtime), fabric8 API double on loopback");
        try (MockCluster k8s = new MockCluster()) {
            KubernetesClient c = k8s.client;
            CrdInstaller.ensure(c);
            ExecutorService ex = Executors.newCachedThreadPool();
            WorkspaceOperator op = new WorkspaceOperator("bench", c, ex, WorkspaceDefaults::none, Duration.ofSeconds(300), true).start();
            while (c.leases().inNamespace("guildnet-system").withName(WorkspaceOperator.LEASE).get() == null) Thread.sleep(100);
            VerifyContext vctx = new VerifyContext("bench", c, "default", () -> Optional.of(op.identity()),
                    () -> new VerifyContext.HostHealth(true, "ok"), DatabaseProbes.NONE, true, Duration.ofSeconds(8), () -> false);
            Verifier v = new Verifier(Clock.systemUTC());
            v.verify(vctx, r -> { }); // warm-up
            List<Long> verify = new ArrayList<>();
            String status = "";
            for (int i = 0; i < runs; i++) {
                JsonObject rep = v.verify(vctx, r -> { });
                verify.add(rep.getJsonNumber("duration_ms").longValue());
                status = rep.getJsonObject("summary").getString("status");
            }
            System.out.println("verify (all 4 layers, probe Workspace on): " + stats(verify) + ", summary " + status);
            Diagnoser d = new Diagnoser(Clock.systemUTC());
            DiagnoseContext dctx = new DiagnoseContext("bench", c, "default", List::of, () -> jakarta.json.JsonValue.EMPTY_JSON_OBJECT,
                    () -> jakarta.json.JsonValue.EMPTY_JSON_OBJECT, 50);
            d.diagnose(dctx);
            List<Long> diag = new ArrayList<>();
            for (int i = 0; i < runs; i++) diag.add(d.diagnose(dctx).getJsonNumber("duration_ms").longValue());
            System.out.println("diagnose: " + stats(diag));
            op.close();
            ex.shutdownNow();
        }
        List<Long> setup = new ArrayList<>();
        for (int i = 0; i < Math.min(runs, 5); i++) {
            try (MockCluster k8s = new MockCluster()) {
                String[] id = new String[1];
                SetupContext.OperatorControl op = new SetupContext.OperatorControl() {
                    @Override public Optional<String> embedded() { return Optional.ofNullable(id[0]); }

                    @Override public boolean embeddingAllowed() { return true; }

                    @Override public void start() { id[0] = "bench"; }

                    @Override public void stop() { id[0] = null; }
                };
                SetupContext ctx = new SetupContext("bench", k8s.client, "default", op, () -> Map.of("workspace_lb_enabled", "false"),
                        Optional.empty(), DatabaseProbes.NONE,
                        () -> new Verifier(Clock.systemUTC()).verify(new VerifyContext("bench", k8s.client, "default", op::embedded,
                                () -> new VerifyContext.HostHealth(true, "ok"), DatabaseProbes.NONE, false, Duration.ofSeconds(5), () -> false), r -> { }),
                        (s, m) -> { }, () -> false);
                long t0 = System.nanoTime();
                JsonObject r = SetupRunner.real().runAll(SetupSteps.all(), ctx, new SetupRunner.Policy(0, Duration.ZERO, Duration.ZERO));
                setup.add((System.nanoTime() - t0) / 1_000_000);
                if (!r.getString("status").equals("succeeded")) throw new IllegalStateException(r.toString());
            }
        }
        System.out.println("setup from an empty cluster (operator start stubbed, verify without probe): " + stats(setup));
    }

    static void throughServer(int runs) throws Exception {
        System.out.println("== through the Host App (Jakarta Batch on Liberty, Derby job repository)");
        try (MockCluster k8s = new MockCluster()) {
            LibertyServer server = new LibertyServer("guildnetBatchBench");
            server.wipeHome();
            Files.createDirectories(server.home());
            var kc = server.home().resolveSibling("batch-bench-kubeconfig.yaml");
            Files.writeString(kc, k8s.kubeconfig("bench"));
            server.env().put("KUBECONFIG", kc.toString());
            server.start();
            try {
                while (k8s.client.leases().inNamespace("guildnet-system").withName(WorkspaceOperator.LEASE).get() == null) Thread.sleep(200);
                run(server, "guildnet-verify", "{}", runs);
                run(server, "guildnet-verify", "{\"probeWorkspace\":false}", runs);
                run(server, "guildnet-diagnose", "{}", runs);
                run(server, "guildnet-setup", "{}", Math.min(runs, 5));
            } finally {
                server.stop();
            }
        }
    }

    static void run(LibertyServer server, String job, String params, int runs) throws Exception {
        List<Long> wall = new ArrayList<>(), overhead = new ArrayList<>(), submitToEnd = new ArrayList<>();
        for (int i = 0; i <= runs; i++) {
            long t0 = System.nanoTime();
            var r = server.json("POST", "/api/batch/jobs", "{\"job\":\"" + job + "\",\"params\":" + params + "}");
            long id = Json.obj(r.body()).getJsonNumber("executionId").longValue();
            JsonObject e;
            while (true) {
                e = Json.obj(server.get("/api/batch/executions/" + id).body());
                if (!e.getString("status").startsWith("START")) break;
                Thread.sleep(20);
            }
            long roundTrip = (System.nanoTime() - t0) / 1_000_000;
            if (i == 0) continue; // warm-up
            long w = Instant.parse(e.getString("ended")).toEpochMilli() - Instant.parse(e.getString("started")).toEpochMilli();
            int steps = e.getJsonArray("steps").size();
            long work = 0;
            JsonObject rep = Json.obj(server.get("/api/batch/executions/" + id + "/report").body());
            if (job.equals("guildnet-verify")) {
                for (JsonObject l : rep.getJsonArray("layers").getValuesAs(JsonObject.class)) {
                    for (JsonObject c : l.getJsonArray("checks").getValuesAs(JsonObject.class)) work += c.getJsonNumber("duration_ms").longValue();
                }
            } else if (job.equals("guildnet-diagnose")) {
                work = rep.getJsonNumber("duration_ms").longValue();
            } else {
                work = -1;
            }
            wall.add(w);
            submitToEnd.add(roundTrip);
            if (work >= 0) overhead.add((w - work) / steps);
        }
        System.out.println(job + " " + params + ": execution " + stats(wall) + "; submit→seen ended " + stats(submitToEnd)
                + (overhead.isEmpty() ? "" : "; framework overhead per step " + stats(overhead)));
    }
}
