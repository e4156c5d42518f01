package io.guildnet.cli;

import io.guildnet.sdk.GuildNetException;
import io.guildnet.store.ClusterRecord;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mgn viz}: a live terminal dashboard of clusters (with health), their workspaces and the
 * running jobs, redrawn every {@code --refresh}. Not on a terminal (or {@code --once}) it prints one frame.
 */
@Command(name = "viz", description = "Live dashboard: clusters, workspaces, running jobs (Ctrl-C to leave).")
final class VizCommand extends Base {
    @Option(names = "--cluster", description = "Only this cluster's workspaces") String cluster;
    @Option(names = "--refresh", defaultValue = "5s") String refresh;
    @Option(names = "--once", description = "Print one frame and exit") boolean once;
    @Option(names = "--frames", hidden = true, defaultValue = "0", description = "Stop after this many frames (tests)") int frames;

    @Override
    public Integer call() throws Exception {
        boolean live = !once && root().tty && out().isTable();
        int n = 0;
        while (true) {
            JsonObject frame = frame();
            if (out().isTable()) {
                if (live) out().stream().print("\u001b[H\u001b[2J");
                draw(frame);
            } else {
                out().stream().println(Output.redact(frame));
                out().stream().flush();
            }
            n++;
            if (once || (frames > 0 && n >= frames) || (!live && frames == 0)) return 0;
            Thread.sleep(CliConfig.duration(refresh).toMillis());
        }
    }

    /** One snapshot; parts that fail are reported in the frame, not fatal. */
    JsonObject frame() {
        JsonObjectBuilder f = Json.createObjectBuilder().add("ts", Instant.now().toString()).add("api_url", gn().baseUri().toString());
        Map<String, JsonObject> health = new HashMap<>();
        try {
            JsonObject h = gn().health().global();
            for (JsonValue v : h.getJsonArray("clusters")) health.put(v.asJsonObject().getString("id", ""), v.asJsonObject());
        } catch (GuildNetException | NullPointerException e) {
            f.add("health_error", String.valueOf(e.getMessage()));
        }
        JsonArrayBuilder clusters = Json.createArrayBuilder();
        JsonArrayBuilder workspaces = Json.createArrayBuilder();
        try {
            List<ClusterRecord> list = gn().clusters().list();
            for (ClusterRecord r : list) {
                JsonObject h = health.get(r.id());
                JsonObjectBuilder c = Json.createObjectBuilder().add("id", r.id()).add("name", r.name()).add("state", r.state())
                        .add("health", h == null ? "unknown" : h.getString("status", "unknown"));
                if (h != null && h.containsKey("code")) c.add("code", h.getString("code"));
                if (cluster == null || cluster.equals(r.id())) {
                    int running = 0, total = 0;
                    try {
                        for (JsonObject w : gn().workspaces(r.id()).list()) {
                            total++;
                            if ("running".equals(w.getString("status", ""))) running++;
                            workspaces.add(Json.createObjectBuilder().add("cluster", r.id()).add("id", w.getString("id", ""))
                                    .add("image", w.getString("image", "")).add("status", w.getString("status", "")));
                        }
                        c.add("workspaces", total).add("running", running);
                    } catch (GuildNetException e) {
                        c.add("workspaces_error", e.code());
                    }
                }
                clusters.add(c);
            }
        } catch (GuildNetException e) {
            f.add("clusters_error", e.getMessage());
        }
        JsonArrayBuilder jobs = Json.createArrayBuilder();
        try {
            for (JsonObject j : gn().jobs().executions(null, null, 50)) {
                String s = j.getString("status", "");
                if ("STARTING".equals(s) || "STARTED".equals(s) || "STOPPING".equals(s)) jobs.add(j);
            }
        } catch (GuildNetException e) {
            f.add("jobs_error", e.getMessage());
        }
        return f.add("clusters", clusters).add("workspaces", workspaces).add("jobs", jobs).build();
    }

    private void draw(JsonObject f) {
        var o = out();
        o.stream().println("GuildNet  " + f.getString("api_url") + "  " + f.getString("ts"));
        for (String k : List.of("health_error", "clusters_error", "jobs_error")) if (f.containsKey(k)) o.stream().println("! " + k + ": " + f.getString(k));
        o.stream().println();
        o.stream().println("CLUSTERS");
        if (f.getJsonArray("clusters").isEmpty()) o.stream().println("  none registered: mgn cluster add --kubeconfig FILE");
        else o.print(f.getJsonArray("clusters"), List.of("id", "name", "state", "health", "code", "workspaces", "running"));
        o.stream().println();
        o.stream().println("WORKSPACES");
        o.print(f.getJsonArray("workspaces"), List.of("cluster", "id", "image", "status"));
        o.stream().println();
        o.stream().println("RUNNING JOBS");
        o.print(f.getJsonArray("jobs"), List.of("executionId", "job", "cluster", "status", "progress"));
        o.stream().flush();
    }
}
