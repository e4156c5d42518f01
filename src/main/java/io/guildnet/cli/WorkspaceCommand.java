package io.guildnet.cli;

import io.guildnet.sdk.GuildNetException;
import io.guildnet.sdk.Workspaces;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mgn workspace …}; CLUSTER may be left out when a default cluster is configured. */
@Command(name = "workspace", aliases = "ws", description = "Workspaces of a cluster.", mixinStandardHelpOptions = true,
        subcommands = {WorkspaceCommand.CreateCmd.class, WorkspaceCommand.ListCmd.class, WorkspaceCommand.GetCmd.class,
                WorkspaceCommand.DeleteCmd.class, WorkspaceCommand.LogsCmd.class, WorkspaceCommand.WaitCmd.class, WorkspaceCommand.TestCmd.class})
final class WorkspaceCommand {

    static final List<String> COLUMNS = List.of("id", "image", "status", "url", "error");

    @Command(name = "create", description = "Launch a workspace.")
    static final class CreateCmd extends Base {
        @Parameters(paramLabel = "CLUSTER", arity = "0..1") String cluster;
        @Option(names = "--name", description = "DNS-1123 name (default generated)") String name;
        @Option(names = "--image", required = true) String image;
        @Option(names = "--env", paramLabel = "K=V") List<String> env;
        @Option(names = "--label", paramLabel = "K=V") List<String> labels;
        @Option(names = "--port", paramLabel = "PORT[:NAME]") List<String> ports;
        @Option(names = "--arg", paramLabel = "ARG", description = "Container argument (repeat)") List<String> args;
        @Option(names = "--cpu") String cpu;
        @Option(names = "--memory") String memory;
        @Option(names = "--wait", paramLabel = "TIMEOUT", description = "Wait until running, e.g. 5m") String waitFor;

        @Override
        public Integer call() {
            Workspaces.Spec s = new Workspaces.Spec(image);
            if (name != null) s.name(name);
            if (env != null) env.forEach(kv -> s.env(key(kv), value(kv)));
            if (labels != null) labels.forEach(kv -> s.label(key(kv), value(kv)));
            if (ports != null) {
                for (String p : ports) {
                    String[] pn = p.split(":", 2);
                    try {
                        s.port(Integer.parseInt(pn[0]), pn.length > 1 ? pn[1] : null);
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("--port needs PORT[:NAME]: " + p);
                    }
                }
            }
            if (args != null) s.args(args);
            if (cpu != null || memory != null) {
                java.util.Map<String, String> r = new java.util.LinkedHashMap<>();
                if (cpu != null) r.put("cpu", cpu);
                if (memory != null) r.put("memory", memory);
                s.resources(r);
            }
            String cid = root().cluster(cluster);
            Workspaces ws = gn().workspaces(cid);
            String id = ws.create(s);
            if (waitFor != null) {
                out().print(ws.waitUntilRunning(id, CliConfig.duration(waitFor), Duration.ofSeconds(1)), COLUMNS);
            } else {
                out().print(Json.createObjectBuilder().add("id", id).add("status", "pending").add("cluster", cid).build());
            }
            return 0;
        }

        static String key(String kv) {
            int eq = kv.indexOf('=');
            if (eq <= 0) throw new IllegalArgumentException("expected K=V: " + kv);
            return kv.substring(0, eq);
        }

        static String value(String kv) {
            return kv.substring(kv.indexOf('=') + 1);
        }
    }

    @Command(name = "list", description = "List workspaces.")
    static final class ListCmd extends Base {
        @Parameters(paramLabel = "CLUSTER", arity = "0..1") String cluster;

        @Override
        public Integer call() {
            out().print(Json.createArrayBuilder(gn().workspaces(root().cluster(cluster)).list()).build(), COLUMNS);
            return 0;
        }
    }

    @Command(name = "get", description = "Show a workspace (object, pods, events).")
    static final class GetCmd extends Base {
        @Parameters(paramLabel = "[CLUSTER] NAME", arity = "1..2") List<String> args;

        @Override
        public Integer call() {
            String[] a = split(args, 1, "workspace get [CLUSTER] NAME");
            out().print(gn().workspaces(a[0]).get(a[1]));
            return 0;
        }
    }

    @Command(name = "delete", description = "Delete a workspace.")
    static final class DeleteCmd extends Base {
        @Parameters(paramLabel = "[CLUSTER] NAME", arity = "1..2") List<String> args;

        @Override
        public Integer call() {
            String[] a = split(args, 1, "workspace delete [CLUSTER] NAME");
            gn().workspaces(a[0]).delete(a[1]);
            out().print(Json.createObjectBuilder().add("deleted", a[1]).build());
            return 0;
        }
    }

    @Command(name = "logs", description = "Print a workspace's logs; -f follows every pod until interrupted.")
    static final class LogsCmd extends Base {
        @Parameters(paramLabel = "[CLUSTER] NAME", arity = "1..2") List<String> args;
        @Option(names = "--tail", defaultValue = "100", description = "Lines to start with (default ${DEFAULT-VALUE})") int tail;
        @Option(names = {"-f", "--follow"}) boolean follow;
        @Option(names = "--max-lines", hidden = true, defaultValue = "0", description = "Stop following after this many lines (tests)") long maxLines;

        @Override
        public Integer call() {
            String[] a = split(args, 1, "workspace logs [CLUSTER] NAME");
            Workspaces ws = gn().workspaces(a[0]);
            if (!follow) {
                List<JsonObject> lines = ws.logs(a[1], tail);
                if (out().isTable()) lines.forEach(l -> out().stream().println(l.getString("t", "") + " " + l.getString("msg", "")));
                else out().print(Json.createArrayBuilder(lines).build());
                return 0;
            }
            long[] n = {0};
            ws.follow(a[1], tail, l -> {
                if (out().isTable()) out().stream().println(l.getString("t", "") + " " + l.getString("msg", ""));
                else out().stream().println(l);
                out().stream().flush();
                return maxLines <= 0 || ++n[0] < maxLines;
            });
            return 0;
        }
    }

    @Command(name = "wait", description = "Wait until a workspace is running; exit 1 when it failed or the time ran out.")
    static final class WaitCmd extends Base {
        @Parameters(paramLabel = "[CLUSTER] NAME", arity = "1..2") List<String> args;
        @Option(names = "--timeout", defaultValue = "5m") String timeout;
        @Option(names = "--interval", defaultValue = "2s") String interval;

        @Override
        public Integer call() {
            String[] a = split(args, 1, "workspace wait [CLUSTER] NAME");
            try {
                out().print(gn().workspaces(a[0]).waitUntilRunning(a[1], CliConfig.duration(timeout), CliConfig.duration(interval)), COLUMNS);
                return 0;
            } catch (GuildNetException e) {
                if (e.status() != 0) throw e;
                root().err.println("error: " + e.getMessage() + " (" + e.code() + ")");
                return 1;
            }
        }
    }

    @Command(name = "test", description = "Request a path of the workspace through the Host App's proxy; exit 1 unless the status matches.")
    static final class TestCmd extends Base {
        @Parameters(paramLabel = "[CLUSTER] NAME", arity = "1..2") List<String> args;
        @Option(names = "--http-check", defaultValue = "/", description = "Path to request (default /)") String path;
        @Option(names = "--expected-status", defaultValue = "200") int expected;

        @Override
        public Integer call() {
            String[] a = split(args, 1, "workspace test [CLUSTER] NAME");
            int status;
            String via = "";
            String code = null;
            try {
                HttpResponse<String> r = gn().workspaces(a[0]).proxyGet(a[1], path);
                status = r.statusCode();
                via = r.headers().firstValue("X-Guild-Proxy-Path").orElse("");
            } catch (GuildNetException e) {
                if (e.status() == 0) throw e;
                status = e.status();
                code = e.code();
            }
            boolean ok = status == expected;
            var b = Json.createObjectBuilder().add("workspace", a[1]).add("path", path).add("status", status)
                    .add("expected", expected).add("result", ok ? "pass" : "fail").add("via", via);
            if (code != null) b.add("code", code);
            out().print(b.build());
            return ok ? 0 : 1;
        }
    }
}
