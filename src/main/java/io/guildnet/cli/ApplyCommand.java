package io.guildnet.cli;

import io.guildnet.sdk.GuildNetException;
import io.guildnet.sdk.Workspaces;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mgn apply -f federation.yaml}: the declarative form of seed 003. A federation names
 * clusters; each workspace is launched on the clusters it lists (default: all of the
 * federation's). Workspaces that exist are left alone (idempotent); {@code --wait} waits for all.
 *
 * <pre>
 * federation:
 *   name: production
 *   clusters:
 *     - id: us-east-1        # a registered cluster id
 *       role: primary
 *       weight: 60
 * workspaces:
 *   - name: web-frontend
 *     image: nginx:1.27
 *     clusters: [us-east-1]  # optional
 *     env: {MODE: prod}      # optional; also labels, ports: [80], args: [...]
 * </pre>
 */
@Command(name = "apply", description = "Apply a federation file: launch each workspace on its clusters (existing ones are kept).")
final class ApplyCommand extends Base {
    static final Set<String> WORKSPACE_KEYS = Set.of("name", "image", "clusters", "env", "labels", "ports", "args");

    @Option(names = {"-f", "--file"}, required = true) Path file;
    @Option(names = "--dry-run", description = "Print the plan only") boolean dryRun;
    @Option(names = "--wait", paramLabel = "TIMEOUT", description = "Wait until every workspace runs, e.g. 5m") String waitFor;

    /** One workspace on one cluster. */
    record Step(String cluster, String name, Workspaces.Spec spec) {}

    @Override
    public Integer call() throws Exception {
        List<Step> plan = plan(read(file));
        JsonArrayBuilder result = Json.createArrayBuilder();
        boolean failed = false;
        for (Step s : plan) {
            String outcome;
            String error = null;
            if (dryRun) {
                outcome = "planned";
            } else {
                Workspaces ws = gn().workspaces(s.cluster());
                try {
                    if (ws.find(s.name()).isPresent()) {
                        outcome = "unchanged";
                    } else {
                        ws.create(s.spec());
                        outcome = "created";
                    }
                    if (waitFor != null) {
                        ws.waitUntilRunning(s.name(), CliConfig.duration(waitFor), Duration.ofSeconds(2));
                        outcome += ", running";
                    }
                } catch (GuildNetException e) {
                    outcome = "failed";
                    error = e.getMessage() + " (" + e.code() + ")";
                    failed = true;
                }
            }
            var b = Json.createObjectBuilder().add("cluster", s.cluster()).add("workspace", s.name()).add("outcome", outcome);
            if (error != null) b.add("error", error);
            result.add(b);
        }
        out().print(result.build(), List.of("cluster", "workspace", "outcome", "error"));
        return failed ? 1 : 0;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Path f) throws Exception {
        try (Reader r = Files.newBufferedReader(f)) {
            Object o = new Yaml(new SafeConstructor(new LoaderOptions())).load(r);
            if (!(o instanceof Map)) throw new IllegalArgumentException(f + ": expected a mapping with federation and workspaces");
            return (Map<String, Object>) o;
        }
    }

    /** The steps of a federation document, validated before anything is sent. */
    @SuppressWarnings("unchecked")
    static List<Step> plan(Map<String, Object> doc) {
        if (!(doc.get("federation") instanceof Map<?, ?> fed)) throw new IllegalArgumentException("missing 'federation:' mapping");
        if (!(fed.get("clusters") instanceof List<?> cl) || cl.isEmpty()) throw new IllegalArgumentException("federation.clusters: a non-empty list");
        List<String> clusters = new ArrayList<>();
        for (Object c : cl) {
            Object id = c instanceof Map<?, ?> m ? m.get("id") : c;
            if (id == null) throw new IllegalArgumentException("federation.clusters: every entry needs an id");
            clusters.add(String.valueOf(id));
        }
        if (!(doc.get("workspaces") instanceof List<?> wl)) throw new IllegalArgumentException("missing 'workspaces:' list");
        List<Step> steps = new ArrayList<>();
        for (Object o : wl) {
            if (!(o instanceof Map<?, ?> w)) throw new IllegalArgumentException("workspaces: every entry is a mapping");
            for (Object k : w.keySet()) {
                if (!WORKSPACE_KEYS.contains(String.valueOf(k))) throw new IllegalArgumentException("workspaces: unknown key '" + k + "' (allowed: " + WORKSPACE_KEYS + ")");
            }
            String name = str(w.get("name"), "workspaces[].name");
            String image = str(w.get("image"), "workspaces[" + name + "].image");
            List<String> targets = clusters;
            if (w.get("clusters") instanceof List<?> tl) {
                targets = tl.stream().map(String::valueOf).toList();
                for (String t : targets) if (!clusters.contains(t)) throw new IllegalArgumentException("workspace " + name + ": cluster " + t + " is not in the federation");
            }
            for (String c : targets) {
                Workspaces.Spec spec = new Workspaces.Spec(image).name(name);
                if (fed.get("name") != null) spec.label("federation", String.valueOf(fed.get("name")));
                if (w.get("env") instanceof Map<?, ?> env) env.forEach((k, v) -> spec.env(String.valueOf(k), String.valueOf(v)));
                if (w.get("labels") instanceof Map<?, ?> labels) labels.forEach((k, v) -> spec.label(String.valueOf(k), String.valueOf(v)));
                if (w.get("ports") instanceof List<?> ports) ports.forEach(p -> spec.port(Integer.parseInt(String.valueOf(p)), null));
                if (w.get("args") instanceof List<?> args) spec.args(args.stream().map(String::valueOf).toList());
                steps.add(new Step(c, name, spec));
            }
        }
        return steps;
    }

    private static String str(Object v, String what) {
        if (v == null || String.valueOf(v).isBlank()) throw new IllegalArgumentException(what + " is required");
        return String.valueOf(v);
    }

}
