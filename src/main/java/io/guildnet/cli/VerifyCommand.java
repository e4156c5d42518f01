package io.guildnet.cli;

import io.guildnet.sdk.GuildNetException;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code mgn verify [system|network|kubernetes|guildnet|all]}: local checks on this machine plus
 * the Host App's {@code guildnet-verify} job, printed as one layered report. Exit 0 pass, 1 warn, 2 fail.
 */
@Command(name = "verify", description = "Layered checks: system (this machine), network, kubernetes, guildnet, or all. Exit 0 pass, 1 warn, 2 fail.")
final class VerifyCommand extends Base {

    static final Map<String, List<String>> LAYERS = Map.of(
            "system", List.of("system"),
            "network", List.of("client", "job:network"),
            "kubernetes", List.of("job:cluster"),
            "guildnet", List.of("host", "job:database", "job:application"),
            "all", List.of("system", "client", "host", "job:network", "job:cluster", "job:database", "job:application"));

    @Parameters(paramLabel = "LAYER", arity = "0..1", defaultValue = "all", description = "system, network, kubernetes, guildnet or all (default)")
    String layer;
    @Option(names = "--cluster", description = "Cluster to verify (default: the default cluster, else host-default)") String cluster;
    @Option(names = {"-p", "--param"}, paramLabel = "K=V", description = "Extra guildnet-verify parameter (probeWorkspace=false, probeTimeoutMs=…)")
    List<String> params;
    @Option(names = "--job-timeout", defaultValue = "5m") String jobTimeout;

    @Override
    public Integer call() {
        List<String> parts = LAYERS.get(layer);
        if (parts == null) throw new IllegalArgumentException("LAYER must be one of system, network, kubernetes, guildnet, all: " + layer);
        List<JsonObject> layers = new ArrayList<>();
        JsonObject report = null;
        Long execution = null;
        String jobError = null;
        if (parts.stream().anyMatch(p -> p.startsWith("job:"))) {
            try {
                Map<String, Object> p = new LinkedHashMap<>();
                p.put("cluster", root().jobCluster(cluster));
                if (params != null) {
                    for (String kv : params) {
                        int eq = kv.indexOf('=');
                        if (eq <= 0) throw new IllegalArgumentException("--param needs K=V: " + kv);
                        p.put(kv.substring(0, eq), ClusterCommand.SettingsCmd.typed(kv.substring(eq + 1)));
                    }
                }
                execution = gn().jobs().submit("guildnet-verify", p);
                gn().jobs().waitFor(execution, CliConfig.duration(jobTimeout));
                report = gn().jobs().report(execution);
            } catch (GuildNetException e) {
                jobError = e.getMessage() + " (" + e.code() + ")";
            }
        }
        for (String part : parts) {
            switch (part) {
                case "system" -> layers.add(system());
                case "client" -> layers.add(client());
                case "host" -> layers.add(host());
                default -> {
                    String name = part.substring(4);
                    JsonObject l = report == null ? null : find(report.getJsonArray("layers"), name);
                    layers.add(l != null ? l : layer(name, List.of(check("JOB01", "guildnet-verify report", "fail",
                            jobError != null ? "the verify job could not run: " + jobError : "the report has no layer " + name,
                            "Check that the Host App is reachable (mgn verify network) and the cluster exists (mgn cluster list)."))));
                }
            }
        }
        int pass = 0, warn = 0, fail = 0, skip = 0;
        for (JsonObject l : layers) {
            for (JsonValue c : l.getJsonArray("checks")) {
                switch (c.asJsonObject().getString("status", "")) {
                    case "pass" -> pass++;
                    case "warn" -> warn++;
                    case "fail" -> fail++;
                    default -> skip++;
                }
            }
        }
        String status = fail > 0 ? "fail" : warn > 0 ? "warn" : "pass";
        JsonObjectBuilder out = Json.createObjectBuilder().add("layer", layer);
        if (execution != null) out.add("executionId", execution);
        out.add("layers", Json.createArrayBuilder(layers));
        out.add("summary", Json.createObjectBuilder().add("status", status).add("pass", pass).add("warn", warn).add("fail", fail).add("skip", skip));
        if (out().isTable()) printTable(layers, status, pass, warn, fail, skip);
        else out().print(out.build());
        return fail > 0 ? 2 : warn > 0 ? 1 : 0;
    }

    private void printTable(List<JsonObject> layers, String status, int pass, int warn, int fail, int skip) {
        var o = out();
        for (JsonObject l : layers) {
            o.stream().println(l.getString("name") + "  " + o.status(l.getString("status", "")));
            for (JsonValue v : l.getJsonArray("checks")) {
                JsonObject c = v.asJsonObject();
                String st = c.getString("status", "");
                o.stream().println("  " + pad(c.getString("code", ""), 6) + " " + o.paint(st, pad(st, 5)) + " " + c.getString("name", "")
                        + (c.containsKey("message") ? ": " + c.getString("message", "") : ""));
                if (!"pass".equals(st) && !"skip".equals(st) && c.containsKey("suggestion")) {
                    o.stream().println("         fix: " + c.getString("suggestion"));
                }
            }
        }
        o.stream().println("result " + o.status(status) + " (" + pass + " pass, " + warn + " warn, " + fail + " fail, " + skip + " skip)");
    }

    private static String pad(String s, int n) {
        return s.length() >= n ? s : s + " ".repeat(n - s.length());
    }

    private static JsonObject find(JsonArray layers, String name) {
        if (layers == null) return null;
        for (JsonValue v : layers) if (name.equals(v.asJsonObject().getString("name", ""))) return v.asJsonObject();
        return null;
    }

    static JsonObject check(String code, String name, String status, String message, String suggestion) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("code", code).add("name", name).add("status", status).add("message", message);
        if (suggestion != null && !"pass".equals(status)) b.add("suggestion", suggestion);
        return b.build();
    }

    static JsonObject layer(String name, List<JsonObject> checks) {
        boolean f = checks.stream().anyMatch(c -> "fail".equals(c.getString("status")));
        boolean w = checks.stream().anyMatch(c -> "warn".equals(c.getString("status")));
        boolean p = checks.stream().anyMatch(c -> "pass".equals(c.getString("status")));
        JsonArrayBuilder a = Json.createArrayBuilder();
        checks.forEach(a::add);
        return Json.createObjectBuilder().add("name", name).add("status", f ? "fail" : w ? "warn" : p ? "pass" : "skip").add("checks", a).build();
    }

    /** This machine: Java, the config file's permissions, the Host App certificate to trust, kubectl. */
    JsonObject system() {
        List<JsonObject> c = new ArrayList<>();
        int feature = Runtime.version().feature();
        c.add(check("SYS01", "Java 17 or newer", feature >= 17 ? "pass" : "fail", "Java " + Runtime.version(), "Install a Java 17+ runtime."));
        CliConfig cfg = root().config();
        Path f = cfg.file();
        if (!Files.exists(f)) {
            c.add(check("SYS02", "config file", "pass", f + " absent (defaults and MGN_* apply)", null));
        } else {
            String st = "pass";
            String msg = f + " readable only by its owner";
            try {
                Set<PosixFilePermission> perms = Files.getPosixFilePermissions(f);
                boolean open = perms.contains(PosixFilePermission.GROUP_READ) || perms.contains(PosixFilePermission.OTHERS_READ);
                if (open && cfg.source("token").startsWith("file")) {
                    st = "warn";
                    msg = f + " holds the API token and is readable by others";
                } else if (open) {
                    msg = f + " readable by others (holds no token)";
                }
            } catch (UnsupportedOperationException | java.io.IOException e) {
                msg = f + " (permissions not checked: " + e.getMessage() + ")";
            }
            c.add(check("SYS02", "config file", st, msg, "chmod 600 " + f));
        }
        Path crt = Path.of(cfg.get("guildnet_home")).resolve("state/certs/server.crt");
        boolean loopback = isLoopback(cfg.get("api_url"));
        if (Files.isReadable(crt)) c.add(check("SYS03", "Host App certificate", "pass", "trusting " + crt, null));
        else c.add(check("SYS03", "Host App certificate", loopback ? "warn" : "skip", crt + " not found",
                "Point --guildnet-home (MGN_GUILDNET_HOME) at the Host App's GUILDNET_HOME, or give --ca-file."));
        boolean kubectl = onPath("kubectl");
        c.add(check("SYS04", "kubectl on PATH (optional)", kubectl ? "pass" : "skip", kubectl ? "found" : "not found (not needed by mgn)", null));
        return layer("system", c);
    }

    /** From this machine to the Host App: DNS, TCP, HTTPS /healthz with the configured trust. */
    JsonObject client() {
        List<JsonObject> c = new ArrayList<>();
        URI u = URI.create(root().config().get("api_url"));
        String host = u.getHost();
        int port = u.getPort() > 0 ? u.getPort() : "http".equals(u.getScheme()) ? 80 : 443;
        InetAddress addr;
        long t0 = System.nanoTime();
        try {
            addr = InetAddress.getByName(host);
            c.add(check("CLI01", "resolve " + host, "pass", addr.getHostAddress() + " in " + ms(t0) + " ms", null));
        } catch (java.io.IOException e) {
            c.add(check("CLI01", "resolve " + host, "fail", e.toString(), "Check MGN_API_URL and the resolver."));
            return layer("client", c);
        }
        t0 = System.nanoTime();
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(addr, port), 3000);
            c.add(check("CLI02", "connect " + host + ":" + port, "pass", "in " + ms(t0) + " ms", null));
        } catch (java.io.IOException e) {
            c.add(check("CLI02", "connect " + host + ":" + port, "fail", e.getMessage() == null ? e.toString() : e.getMessage(),
                    "Start the Host App (scripts/run.sh) or fix MGN_API_URL."));
            return layer("client", c);
        }
        t0 = System.nanoTime();
        try {
            gn().health().alive();
            c.add(check("CLI03", "HTTPS /healthz", "pass", "TLS trusted, 200 in " + ms(t0) + " ms", null));
        } catch (GuildNetException e) {
            c.add(check("CLI03", "HTTPS /healthz", "fail", e.getMessage(),
                    "TLS: trust the Host App's certificate (--guildnet-home or --ca-file)."));
        }
        return layer("client", c);
    }

    /** The Host App itself: readiness and the caller's identity. */
    JsonObject host() {
        List<JsonObject> c = new ArrayList<>();
        try {
            JsonObject ready = gn().health().probe("ready");
            String st = ready.getString("status", "DOWN");
            List<String> down = new ArrayList<>();
            JsonArray checks = ready.getJsonArray("checks");
            if (checks != null) for (JsonValue v : checks) if (!"UP".equals(v.asJsonObject().getString("status", ""))) down.add(v.asJsonObject().getString("name", "?"));
            c.add(check("HAP01", "Host App ready", "UP".equals(st) ? "pass" : "fail", "UP".equals(st) ? "UP" : "DOWN: " + String.join(", ", down),
                    "See docs/operations.md (troubleshooting by health check) and the Host App log."));
            JsonObject session = gn().health().session();
            c.add(check("HAP02", "authenticated", "pass", "as " + session.getString("principal", "?") + " via " + session.getString("via", "?"), null));
            JsonObject info = gn().health().info();
            c.add(check("HAP03", "Host App version", "pass", info.getString("version", "?") + ", auth mode " + info.getString("auth_mode", "?"), null));
        } catch (GuildNetException e) {
            c.add(check("HAP01", "Host App ready", "fail", e.getMessage(), "mgn verify network"));
        }
        return layer("host", c);
    }

    private static long ms(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }

    static boolean isLoopback(String url) {
        try {
            String h = URI.create(url).getHost();
            return h != null && (h.equals("localhost") || h.startsWith("127.") || h.equals("[::1]") || h.equals("::1"));
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean onPath(String exe) {
        String path = System.getenv("PATH");
        if (path == null) return false;
        for (String d : path.split(java.io.File.pathSeparator)) if (Files.isExecutable(Path.of(d, exe))) return true;
        return false;
    }
}
