package io.guildnet.it;

import io.guildnet.sdk.GuildNetClient;
import io.guildnet.sdk.rest.ClustersApi;
import jakarta.json.Json;
import java.io.StringReader;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * scripts/bench/cli.sh: start-to-result time of {@code mgn cluster list} as a new process (plain
 * {@code java -jar} and through scripts/mgn with its AppCDS archive), and the SDK's per-call cost
 * against raw {@link HttpClient} calls on the same connection settings, against a real Host App.
 */
public final class CliBench {

    public static void main(String[] args) throws Exception {
        int runs = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        LibertyServer server = LibertyServer.shared();
        for (int i = 0; i < 5; i++) server.json("POST", "/api/deploy/clusters", "{\"name\":\"bench-" + i + "\"}");
        String url = "https://127.0.0.1:" + server.port();
        Path cache = Files.createTempDirectory("mgn-cds");

        System.out.println("== mgn cluster list (new JVM per run, " + runs + " runs; 5 clusters; " + Runtime.version() + ")");
        Map<String, String> env = Map.of("MGN_API_URL", url, "MGN_GUILDNET_HOME", server.home().toString(), "XDG_CACHE_HOME", cache.toString());
        process("java -jar target/mgn.jar", List.of(java(), "-jar", "target/mgn.jar", "-o", "json", "cluster", "list"), env, runs, false);
        process("scripts/mgn (C1, SerialGC, AppCDS)", List.of("scripts/mgn", "-o", "json", "cluster", "list"), env, runs, true);
        process("scripts/mgn version --client (no request)", List.of("scripts/mgn", "version", "--client"), env, runs, false);
        Map<String, String> closed = new java.util.HashMap<>(env);
        closed.put("MGN_API_URL", "https://127.0.0.1:" + closedPort());
        closed.put("MGN_RETRIES", "0");
        process("scripts/mgn cluster list, closed port (exit 5)", List.of("scripts/mgn", "cluster", "list"), closed, runs, false, 5);
        process("curl (same request, baseline)", List.of("curl", "-sf", "--cacert", server.home().resolve("state/certs/server.crt").toString(),
                url + "/api/deploy/clusters"), env, runs, false);

        // one call through each SDK flavour in a new JVM, each on the smallest class path it needs
        // (target/guildnet-sdk.jar + JSON-P; plus RESTEasy's MicroProfile Rest Client and its libraries)
        List<String> full = List.of(System.getProperty("java.class.path").split(java.io.File.pathSeparator));
        String sdkCp = String.join(java.io.File.pathSeparator, pick(full, "/(jakarta\\.json-api|parsson)-[^/]*\\.jar$", "target/test-classes",
                "target/guildnet-sdk.jar"));
        String restCp = sdkCp + java.io.File.pathSeparator + String.join(java.io.File.pathSeparator, pick(full, REST_CLIENT_JARS));
        System.out.println("== one SDK call in a new JVM (" + sdkCp.split(java.io.File.pathSeparator).length + " vs "
                + restCp.split(java.io.File.pathSeparator).length + " class path entries)");
        process("java SdkFirstCall sdk (GuildNetClient)", List.of(java(), "-cp", sdkCp, "io.guildnet.it.SdkFirstCall", "sdk", url,
                server.home().toString()), env, runs, false);
        process("java SdkFirstCall rest (MP Rest Client, RESTEasy)", List.of(java(), "-cp", restCp, "io.guildnet.it.SdkFirstCall",
                "rest", url, server.home().toString()), env, runs, false);

        timeline(env);

        System.out.println("== SDK vs raw HTTP, in one warm JVM, " + calls + " calls each (GET /api/deploy/clusters, 5 records)");
        try (GuildNetClient gn = GuildNetClient.builder(url).trustGuildNetHome(server.home()).build();
             ClustersApi rest = GuildNetClient.builder(url).trustGuildNetHome(server.home()).restClient(ClustersApi.class)) {
            HttpClient raw = server.newClient();
            HttpRequest req = HttpRequest.newBuilder(server.uri("/api/deploy/clusters")).header("Accept", "application/json").build();
            for (int w = 0; w < 3; w++) {
                for (int i = 0; i < calls / 4; i++) {
                    gn.clusters().list();
                    rest.list();
                    Json.createReader(new StringReader(raw.send(req, HttpResponse.BodyHandlers.ofString()).body())).readArray();
                }
            }
            for (int round = 1; round <= 3; round++) {
                long t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) raw.send(req, HttpResponse.BodyHandlers.ofString()).body();
                long rawOnly = System.nanoTime() - t0;
                t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) Json.createReader(new StringReader(raw.send(req, HttpResponse.BodyHandlers.ofString()).body())).readArray();
                long rawParsed = System.nanoTime() - t0;
                t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) gn.clusters().list();
                long sdk = System.nanoTime() - t0;
                t0 = System.nanoTime();
                for (int i = 0; i < calls; i++) rest.list();
                long mp = System.nanoTime() - t0;
                System.out.printf("round %d: raw %.0f us/call, raw+JSON-P parse %.0f us/call, SDK (records) %.0f us/call, SDK - raw+parse %+.0f us,"
                        + " MP Rest Client (records) %.0f us/call, MP - raw+parse %+.0f us%n",
                        round, rawOnly / 1e3 / calls, rawParsed / 1e3 / calls, sdk / 1e3 / calls, (sdk - rawParsed) / 1e3 / calls,
                        mp / 1e3 / calls, (mp - rawParsed) / 1e3 / calls);
            }
        }
        server.stop();
        System.exit(0);
    }

    /** RESTEasy's MicroProfile Rest Client with JSON-P and MicroProfile Config (smallrye), and what they load. */
    static final String REST_CLIENT_JARS = "/(resteasy-[a-z-]+|microprofile-rest-client[a-z-]*|smallrye-config[a-z-]*|smallrye-common-[a-z]+"
            + "|jakarta\\.ws\\.rs-api|jboss-logging|httpclient|httpcore|commons-logging|commons-codec|jakarta\\.activation-api|angus-activation"
            + "|jakarta\\.annotation-api|jakarta\\.inject-api|jakarta\\.enterprise\\.cdi-api|jakarta\\.enterprise\\.lang-model"
            + "|microprofile-config-api|reactive-streams|jakarta\\.json\\.bind-api)-[0-9][^/]*\\.jar$";

    static List<String> pick(List<String> classPath, String regex, String... extra) {
        java.util.regex.Pattern p = java.util.regex.Pattern.compile(regex);
        List<String> out = new ArrayList<>(List.of(extra));
        for (String e : classPath) if (p.matcher(e.replace('\\', '/')).find()) out.add(e);
        return out;
    }

    /** Where one warm scripts/mgn run spends its time: JVM uptime when marker classes load. */
    static void timeline(Map<String, String> env) throws Exception {
        Path log = Path.of("target/bench/mgn-classload.log").toAbsolutePath();
        Files.deleteIfExists(log);
        ProcessBuilder pb = new ProcessBuilder("scripts/mgn", "-o", "json", "cluster", "list").redirectErrorStream(true);
        pb.environment().putAll(env);
        pb.environment().put("MGN_JAVA_OPTS", "-Xlog:class+load:file=" + log + ":uptime");
        long t0 = System.nanoTime();
        Process p = pb.start();
        p.getInputStream().readAllBytes();
        p.waitFor();
        double wall = (System.nanoTime() - t0) / 1e6;
        List<String> lines = Files.readAllLines(log);
        String[][] marks = {{"picocli.CommandLine ", "picocli loaded"}, {"io.guildnet.cli.ClusterCommand$ListCmd ", "command model built"},
                {"java.net.http.HttpClient ", "HTTP client"}, {"sun.security.ssl.ClientHello ", "TLS handshake starts"},
                {"sun.security.ssl.Finished ", "TLS handshake finishing"}, {"io.guildnet.cli.Output ", "response printed"}};
        StringBuilder sb = new StringBuilder("timeline (one scripts/mgn run, wall " + Math.round(wall) + " ms, " + lines.size() + " classes):");
        for (String[] m : marks) {
            lines.stream().filter(l -> l.contains(" " + m[0])).findFirst().ifPresent(l -> sb.append(" ").append(m[1]).append(" @")
                    .append(l.substring(l.indexOf('[') + 1, l.indexOf(']'))).append(";"));
        }
        if (!lines.isEmpty()) {
            String last = lines.get(lines.size() - 1);
            sb.append(" last class @").append(last.substring(last.indexOf('[') + 1, last.indexOf(']')));
        }
        System.out.println(sb);
    }

    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    static int closedPort() throws java.io.IOException {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void process(String label, List<String> cmd, Map<String, String> env, int runs, boolean firstSeparately) throws Exception {
        process(label, cmd, env, runs, firstSeparately, 0);
    }

    static void process(String label, List<String> cmd, Map<String, String> env, int runs, boolean firstSeparately, int expectedExit) throws Exception {
        List<Double> ms = new ArrayList<>();
        double first = -1;
        for (int i = 0; i < runs + 1; i++) {
            ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
            pb.environment().putAll(env);
            long t0 = System.nanoTime();
            Process p = pb.start();
            byte[] out = p.getInputStream().readAllBytes();
            int code = p.waitFor();
            double t = (System.nanoTime() - t0) / 1e6;
            if (code != expectedExit) throw new IllegalStateException(label + " exit " + code + ": " + new String(out));
            if (i == 0) first = t;
            else ms.add(t);
        }
        Collections.sort(ms);
        System.out.printf("%-45s first %5.0f ms | warm median %4.0f ms, min %4.0f, max %4.0f%n", label, first,
                ms.get(ms.size() / 2), ms.get(0), ms.get(ms.size() - 1));
    }
}
