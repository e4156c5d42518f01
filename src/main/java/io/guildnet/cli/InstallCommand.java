package io.guildnet.cli;

import io.guildnet.store.ClusterRecord;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mgn install}: optionally registers a cluster from a kubeconfig, then runs the Host App's
 * {@code guildnet-setup} job on it, printing its progress, and prints the setup report.
 */
@Command(name = "install", description = "Set a cluster up for GuildNet (CRDs, operator, database, settings, verification) with the guildnet-setup job.")
final class InstallCommand extends Base {
    @Option(names = "--cluster", description = "Cluster id (default: the default cluster, else host-default)") String cluster;
    @Option(names = "--kubeconfig", description = "Register this kubeconfig as a new cluster first") Path kubeconfig;
    @Option(names = "--name", description = "Name of the new cluster (with --kubeconfig)") String name;
    @Option(names = "--dry-run", description = "Plan only; change nothing") boolean dryRun;
    @Option(names = "--step-retries", description = "Retries per setup step (0-10)") Integer retries;

    @Override
    public Integer call() throws Exception {
        String cid;
        if (kubeconfig != null) {
            ClusterRecord r = gn().clusters().add(name, Files.readString(kubeconfig));
            out().note("registered cluster " + r.id() + " (" + r.name() + ")");
            cid = r.id();
        } else {
            cid = root().jobCluster(cluster);
        }
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("cluster", cid);
        if (dryRun) p.put("dryRun", true);
        if (retries != null) p.put("retries", retries);
        long id = gn().jobs().submit("guildnet-setup", p);
        out().note("guildnet-setup execution " + id + " on " + cid);
        if (out().isTable()) {
            gn().jobs().follow(id, e -> JobCommand.printLog(out(), e), null);
        } else {
            gn().jobs().follow(id, null, null);
        }
        JsonObject report = gn().jobs().report(id);
        String status = report.getString("status", "");
        if (out().isTable()) {
            if (report.containsKey("steps")) out().print(report.getJsonArray("steps"), List.of("name", "outcome", "message"));
            out().stream().println("setup " + out().status(status) + (report.containsKey("error") ? ": " + report.getString("error") : ""));
        } else {
            out().print(Json.createObjectBuilder(report).add("executionId", id).build());
        }
        return "succeeded".equals(status) || "dry_run".equals(status) ? 0 : 1;
    }
}
