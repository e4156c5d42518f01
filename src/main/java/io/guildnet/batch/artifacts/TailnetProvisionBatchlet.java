package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.BatchJob;
import io.guildnet.tailnet.HeadscaleClient;
import io.guildnet.tailnet.TailnetProvision;
import io.guildnet.batch.setup.SetupContext;
import io.guildnet.batch.setup.SetupRunner;
import io.guildnet.cluster.ClusterService;
import io.guildnet.cluster.DefaultCluster;
import io.guildnet.cluster.HeadscaleService;
import io.guildnet.store.HeadscaleRecord;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The {@code tailnet-provision} job's one step: picks the Headscale record (parameter {@code headscale},
 * or the only record with an endpoint and API key), builds {@link TailnetProvision} for the job's cluster
 * and runs its steps with the setup job's runner; the report (steps, rollback) is the execution's report.
 */
@Named("tailnetProvision")
@Dependent
public class TailnetProvisionBatchlet extends StepExit {

    @Inject
    JobContext job;

    @Inject
    BatchEnvironment env;

    @Inject
    ClusterService clusters;

    @Inject
    HeadscaleService headscale;

    private volatile boolean stop;

    @Override
    public String process() {
        long id = job.getExecutionId();
        var p = env.params(id);
        String step = "provision";
        JsonObject report;
        try {
            String cluster = p.getProperty(BatchJob.CLUSTER);
            if (cluster == null || DefaultCluster.ID.equals(cluster)) {
                throw new IllegalArgumentException("tailnet-provision needs a registered cluster (parameter cluster)");
            }
            clusters.require(cluster);
            HeadscaleRecord hs = record(p.getProperty("headscale"));
            HeadscaleClient client = headscale.client(hs.id()).orElseThrow(() -> new IllegalArgumentException(
                    "Headscale record " + hs.id() + " needs an endpoint and an API key (?action=endpoint, ?action=api-key)"));
            var spec = new TailnetProvision.Spec(cluster, hs.endpoint(), p.getProperty("routes", ""),
                    p.getProperty("image", TailnetProvision.DEFAULT_IMAGE),
                    Duration.ofSeconds(Long.parseLong(p.getProperty("rolloutTimeoutSeconds", "300"))), Duration.ofSeconds(120), manifest());
            TailnetProvision prov = new TailnetProvision(spec, client, TailnetProvision.access(clusters, cluster));
            SetupContext ctx = new SetupContext(cluster, env.instance(cluster).client(), TailnetProvision.NAMESPACE, null, Map::of,
                    Optional.empty(), null, () -> JsonValue.EMPTY_JSON_OBJECT,
                    (s, msg) -> env.logs().log(id, s, "info", msg, null, null), () -> stop);
            env.logs().log(id, step, "info", "provisioning the tailnet of cluster " + cluster + " with Headscale " + hs.endpoint()
                    + " (user " + prov.user() + "): " + String.join(", ", TailnetProvision.stepNames()), null, null);
            SetupRunner.Policy base = env.setupPolicy();
            int retries = p.getProperty("retries") != null ? Integer.parseInt(p.getProperty("retries")) : base.retries();
            report = prov.run(ctx, new SetupRunner(d -> sleep(d.toMillis())), new SetupRunner.Policy(retries, base.backoff(), base.maxBackoff()));
        } catch (RuntimeException | IOException e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            report = Json.createObjectBuilder().add("status", "failed").add("error", why).add("steps", Json.createArrayBuilder())
                    .add("rolled_back", Json.createArrayBuilder()).build();
        }
        env.logs().saveReport(id, report);
        boolean ok = "succeeded".equals(report.getString("status"));
        env.logs().log(id, step, ok ? "info" : "error", ok ? "tailnet provisioned"
                : "tailnet provisioning failed" + (report.containsKey("failed_step") ? " at " + report.getString("failed_step") : "")
                + ": " + report.getString("error", "") + (report.getJsonArray("rolled_back").isEmpty() ? "" : "; rolled back "
                + String.join(", ", report.getJsonArray("rolled_back").getValuesAs(jakarta.json.JsonString.class).stream()
                .map(jakarta.json.JsonString::getString).toList())), null, null);
        job.setExitStatus(ok ? "COMPLETED" : "FAILED");
        return exit(ok ? "COMPLETED" : "FAILED");
    }

    private HeadscaleRecord record(String wanted) {
        if (wanted != null && !wanted.isBlank()) return headscale.require(wanted.trim());
        List<HeadscaleRecord> usable = headscale.list().stream()
                .filter(r -> r.endpoint() != null && !r.endpoint().isBlank() && headscale.apiKeySet(r.id())).toList();
        if (usable.size() == 1) return usable.get(0);
        throw new IllegalArgumentException(usable.isEmpty()
                ? "no Headscale record with an endpoint and an API key: create one under /api/deploy/headscale"
                : usable.size() + " Headscale records could be used: give the parameter headscale");
    }

    public static String manifest() throws IOException {
        try (InputStream in = TailnetProvisionBatchlet.class.getClassLoader().getResourceAsStream("META-INF/k8s/tailscale-router.yaml")) {
            if (in == null) throw new IOException("META-INF/k8s/tailscale-router.yaml is missing from the application");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private void sleep(long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (!stop && System.currentTimeMillis() < end) Thread.sleep(Math.min(100, Math.max(1, end - System.currentTimeMillis())));
    }

    @Override
    public void stop() { stop = true; }
}
