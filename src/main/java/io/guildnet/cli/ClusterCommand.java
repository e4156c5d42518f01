package io.guildnet.cli;

import io.guildnet.sdk.Clusters;
import io.guildnet.sdk.GuildNetException;
import io.guildnet.store.ClusterRecord;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mgn cluster …} */
@Command(name = "cluster", description = "Registered clusters.", mixinStandardHelpOptions = true,
        subcommands = {ClusterCommand.ListCmd.class, ClusterCommand.GetCmd.class, ClusterCommand.StatusCmd.class, ClusterCommand.AddCmd.class,
                ClusterCommand.DeleteCmd.class, ClusterCommand.SettingsCmd.class, ClusterCommand.PublishCmd.class})
final class ClusterCommand {

    static final List<String> COLUMNS = List.of("id", "name", "state", "createdAt");

    static JsonObject json(ClusterRecord r) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("id", r.id());
        if (r.name() != null) b.add("name", r.name());
        if (r.state() != null) b.add("state", r.state());
        if (r.createdAt() != null) b.add("createdAt", r.createdAt());
        if (r.updatedAt() != null) b.add("updatedAt", r.updatedAt());
        return b.build();
    }

    @Command(name = "list", description = "List clusters.")
    static final class ListCmd extends Base {
        @Override
        public Integer call() {
            JsonArrayBuilder a = Json.createArrayBuilder();
            gn().clusters().list().forEach(r -> a.add(json(r)));
            out().print(a.build(), COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", description = "Show one cluster.")
    static final class GetCmd extends Base {
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() {
            out().print(json(gn().clusters().get(id)));
            return 0;
        }
    }

    @Command(name = "status", description = "Check a cluster now (record, health, Kubernetes and database links); exit 1 unless healthy.")
    static final class StatusCmd extends Base {
        @Parameters(paramLabel = "ID", arity = "0..1") String id;

        @Override
        public Integer call() {
            String cid = root().cluster(id);
            Clusters c = gn().clusters();
            JsonObjectBuilder b = Json.createObjectBuilder(json(c.get(cid)));
            JsonObject health = c.health(cid);
            b.add("health", health);
            try {
                b.add("parts", c.parts(cid));
            } catch (GuildNetException e) {
                b.add("parts", Json.createObjectBuilder().add("error", e.code()));
            }
            out().print(b.build());
            return "ok".equals(health.getString("status", "")) ? 0 : 1;
        }
    }

    @Command(name = "add", description = "Register a cluster with its kubeconfig (removed again when the kubeconfig is refused).")
    static final class AddCmd extends Base {
        @Option(names = "--name", description = "Display name (default generated)") String name;
        @Option(names = "--kubeconfig", required = true, description = "Kubeconfig file") Path kubeconfig;

        @Override
        public Integer call() throws Exception {
            String yaml = Files.readString(kubeconfig);
            out().print(json(gn().clusters().add(name, yaml)), COLUMNS);
            return 0;
        }
    }

    @Command(name = "publish", description = "Workspaces published on the cluster's tailnet: list them, publish one (--service [--port]) or revoke one (--revoke).")
    static final class PublishCmd extends Base {
        @Parameters(paramLabel = "ID") String id;
        @Option(names = "--service", description = "Workspace to publish") String service;
        @Option(names = "--port", description = "Tailnet port (default: the workspace Service's port)") Integer port;
        @Option(names = "--revoke", paramLabel = "SERVICE", description = "Stop publishing this workspace") String revoke;

        @Override
        public Integer call() {
            if (revoke != null) {
                out().print(gn().clusters().unpublish(id, revoke));
            } else if (service != null) {
                out().print(gn().clusters().publish(id, service, port));
            } else {
                out().print(gn().clusters().published(id), List.of("service", "addr", "status", "added_at", "error"));
            }
            return 0;
        }
    }

    @Command(name = "delete", description = "Remove a cluster (record, credentials, settings, state).")
    static final class DeleteCmd extends Base {
        @Parameters(paramLabel = "ID") String id;

        @Override
        public Integer call() {
            gn().clusters().delete(id);
            out().print(Json.createObjectBuilder().add("deleted", id).build());
            return 0;
        }
    }

    @Command(name = "settings", description = "Show a cluster's settings, or change them with --set key=value (secrets are never shown).")
    static final class SettingsCmd extends Base {
        @Parameters(paramLabel = "ID", arity = "0..1") String id;
        @Option(names = "--set", paramLabel = "KEY=VALUE", description = "Change a setting (true/false become booleans, digits numbers)")
        List<String> set;

        @Override
        public Integer call() {
            String cid = root().cluster(id);
            if (set == null || set.isEmpty()) {
                out().print(gn().clusters().settings(cid));
                return 0;
            }
            Map<String, Object> fields = new LinkedHashMap<>();
            for (String kv : set) {
                int eq = kv.indexOf('=');
                if (eq <= 0) throw new IllegalArgumentException("--set needs key=value: " + kv);
                fields.put(kv.substring(0, eq), typed(kv.substring(eq + 1)));
            }
            out().print(gn().clusters().updateSettings(cid, fields));
            return 0;
        }

        static Object typed(String v) {
            if ("true".equals(v) || "false".equals(v)) return Boolean.valueOf(v);
            if (v.matches("-?\\d{1,18}")) return Long.valueOf(v);
            return v;
        }
    }
}
