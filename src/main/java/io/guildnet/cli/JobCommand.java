package io.guildnet.cli;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code mgn job …}: Jakarta Batch jobs of the Host App. */
@Command(name = "job", description = "Batch jobs (guildnet-setup, guildnet-verify, guildnet-diagnose, …).", mixinStandardHelpOptions = true,
        subcommands = {JobCommand.SubmitCmd.class, JobCommand.ListCmd.class, JobCommand.StatusCmd.class, JobCommand.LogsCmd.class,
                JobCommand.ReportCmd.class, JobCommand.StopCmd.class, JobCommand.FileCmd.class})
final class JobCommand {

    static final List<String> COLUMNS = List.of("executionId", "job", "cluster", "status", "exitStatus", "progress", "created");

    static void printLog(Output out, JsonObject e) {
        if (!out.isTable()) {
            out.stream().println(Output.redact(e));
        } else {
            out.stream().println(e.getString("ts", "") + " " + out.status(e.getString("level", "info")) + " "
                    + (e.containsKey("step") ? "[" + e.getString("step") + "] " : "") + e.getString("msg", ""));
        }
        out.stream().flush();
    }

    /** Follows an execution to its end, printing the log; returns the end event. */
    static JsonObject follow(Base cmd, long id) {
        return cmd.gn().jobs().follow(id, e -> printLog(cmd.out(), e), null);
    }

    @Command(name = "submit", description = "Submit a job; -f follows it and exits 1 unless it completed.")
    static final class SubmitCmd extends Base {
        @Parameters(paramLabel = "JOB") String job;
        @Option(names = {"-p", "--param"}, paramLabel = "K=V") List<String> params;
        @Option(names = "--cluster", description = "Cluster parameter (default: the default cluster, else host-default)") String cluster;
        @Option(names = {"-f", "--follow"}) boolean follow;

        @Override
        public Integer call() {
            Map<String, Object> p = new LinkedHashMap<>();
            if (params != null) {
                for (String kv : params) {
                    int eq = kv.indexOf('=');
                    if (eq <= 0) throw new IllegalArgumentException("--param needs K=V: " + kv);
                    p.put(kv.substring(0, eq), ClusterCommand.SettingsCmd.typed(kv.substring(eq + 1)));
                }
            }
            if (!p.containsKey("cluster")) p.put("cluster", root().jobCluster(cluster));
            long id = gn().jobs().submit(job, p);
            if (!follow) {
                out().print(Json.createObjectBuilder().add("executionId", id).build());
                return 0;
            }
            out().note("execution " + id);
            // json/yaml: stdout is one document (the end), so the log goes to stderr
            JsonObject end = out().isTable() ? follow(this, id) : gn().jobs().follow(id, e -> root().err.println(Output.redact(e)), null);
            if (out().isTable()) out().stream().println("status " + out().status(end.getString("status", "")) + " " + end.getString("exitStatus", ""));
            else out().print(Json.createObjectBuilder(end).add("executionId", id).build());
            return "COMPLETED".equals(end.getString("status", "")) ? 0 : 1;
        }
    }

    @Command(name = "list", description = "Executions, newest first.")
    static final class ListCmd extends Base {
        @Option(names = "--job") String job;
        @Option(names = "--cluster") String cluster;
        @Option(names = "--limit") Integer limit;

        @Override
        public Integer call() {
            out().print(Json.createArrayBuilder(gn().jobs().executions(cluster, job, limit)).build(), COLUMNS);
            return 0;
        }
    }

    @Command(name = "status", description = "One execution with its steps.")
    static final class StatusCmd extends Base {
        @Parameters(paramLabel = "ID") long id;

        @Override
        public Integer call() {
            JsonObject s = gn().jobs().status(id);
            if (out().isTable()) {
                out().print(s, List.of("executionId", "job", "cluster", "status", "exitStatus", "progress", "created", "ended"));
                if (s.containsKey("steps")) out().print(s.getJsonArray("steps"), List.of("name", "status", "exitStatus", "duration_ms"));
            } else {
                out().print(s);
            }
            return 0;
        }
    }

    @Command(name = "logs", description = "An execution's log; -f follows it to the end.")
    static final class LogsCmd extends Base {
        @Parameters(paramLabel = "ID") long id;
        @Option(names = {"-f", "--follow"}) boolean follow;

        @Override
        public Integer call() {
            if (follow) {
                JsonObject end = follow(this, id);
                out().note("status " + end.getString("status", "") + " " + end.getString("exitStatus", ""));
                return 0;
            }
            gn().jobs().logs(id).forEach(e -> printLog(out(), e));
            return 0;
        }
    }

    @Command(name = "report", description = "An execution's report (404 no_report until written).")
    static final class ReportCmd extends Base {
        @Parameters(paramLabel = "ID") long id;

        @Override
        public Integer call() {
            out().print(gn().jobs().report(id));
            return 0;
        }
    }

    @Command(name = "stop", description = "Stop a running execution.")
    static final class StopCmd extends Base {
        @Parameters(paramLabel = "ID") long id;

        @Override
        public Integer call() {
            out().print(gn().jobs().stop(id));
            return 0;
        }
    }

    @Command(name = "file", description = "The file of a completed rethink-export: to stdout or --output; --delete removes it from the Host App.")
    static final class FileCmd extends Base {
        @Parameters(paramLabel = "ID") long id;
        @Option(names = "--output", description = "File to write (default stdout)") java.nio.file.Path output;
        @Option(names = "--delete", description = "Delete the file instead of downloading it") boolean delete;

        @Override
        public Integer call() throws Exception {
            if (delete) {
                out().print(gn().jobs().deleteFile(id));
                return 0;
            }
            if (output == null) {
                gn().jobs().downloadFile(id, out().stream());
                out().stream().flush();
                return 0;
            }
            // written next to the target and moved into place: a refused or broken download leaves no file
            java.nio.file.Path part = output.resolveSibling(output.getFileName() + ".part");
            long n;
            try (java.io.OutputStream o = java.nio.file.Files.newOutputStream(part)) {
                n = gn().jobs().downloadFile(id, o);
            } catch (RuntimeException | java.io.IOException e) {
                java.nio.file.Files.deleteIfExists(part);
                throw e;
            }
            java.nio.file.Files.move(part, output, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            root().err.println("wrote " + n + " bytes to " + output);
            return 0;
        }
    }
}
