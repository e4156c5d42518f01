package io.guildnet.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A real Liberty server running the packaged war, for integration tests.
 *
 * <p>Each instance has its own server directory, GUILDNET_HOME and port. It is
 * launched the way scripts/run.sh launches the Host App: TLS material first
 * (io.guildnet.security.TlsBootstrap), then {@code server start}. Clients trust
 * only the Host App's own certificate, with hostname verification on.
 */
public final class LibertyServer {

    private static final Path WLP = Path.of(System.getProperty("it.wlp", "target/liberty/wlp")).toAbsolutePath();
    private static final Path WAR = Path.of(System.getProperty("it.war", "target/guildnet.war")).toAbsolutePath();
    private static final Path SERVER_XML = Path.of(System.getProperty("it.serverXml", "src/main/liberty/config/server.xml")).toAbsolutePath();
    private static final Path WORK = Path.of(System.getProperty("it.work", "target/it")).toAbsolutePath();
    private static final Path CLASSES = Path.of(System.getProperty("it.classes", "target/classes")).toAbsolutePath();
    private static final Path TOKENS = Path.of("src/test/resources/it-tokens.txt").toAbsolutePath();

    public static final String ALICE_TOKEN = "alice-token-0123456789abcdef";

    private static LibertyServer shared;

    private final String name;
    private final Path home;
    private final int port;
    private final Map<String, String> env = new LinkedHashMap<>();
    private boolean running;
    private HttpClient client;

    public LibertyServer(String name) throws IOException {
        this.name = name;
        this.home = WORK.resolve(name + "-home");
        this.port = freePort();
        env.put("GUILDNET_HOME", home.toString());
        env.put("LISTEN_LOCAL", "127.0.0.1:" + port);
        env.put("GUILDNET_TOKENS_FILE", TOKENS.toString());
        env.put("GUILDNET_MAX_BODY_BYTES", "65536");
    }

    /** The Kubernetes API double that the shared server uses as its host default cluster (KUBECONFIG). */
    static MockCluster defaultCluster;

    /** The server most tests share; started once per test JVM and stopped at exit. */
    public static synchronized LibertyServer shared() throws Exception {
        if (shared == null) {
            LibertyServer s = new LibertyServer("guildnetIT");
            s.wipeHome();
            defaultCluster = new MockCluster();
            Path kc = WORK.resolve("default-kubeconfig.yaml");
            Files.createDirectories(WORK);
            Files.writeString(kc, defaultCluster.kubeconfig("host-default"));
            s.env.put("KUBECONFIG", kc.toString());
            // the database API runs on the in-memory RethinkDB stand-in (no server here)
            s.env.put("GUILDNET_RDB_BACKEND", "memory");
            s.start();
            Runtime.getRuntime().addShutdownHook(new Thread(s::stopQuietly));
            shared = s;
        }
        return shared;
    }

    public Map<String, String> env() { return env; }

    /** The Liberty installation (target/liberty/wlp) and the packaged war the ITs use. */
    public static Path wlp() { return WLP; }

    public static Path war() { return WAR; }

    /** Scratch directory of the ITs (target/it). */
    public static Path work() { return WORK; }

    public Path home() { return home; }

    public int port() { return port; }

    /** This server's directory under wlp/usr/servers (apps/expanded holds the expanded war). */
    public Path serverDir() { return WLP.resolve("usr/servers").resolve(name); }

    public URI uri(String path) { return URI.create("https://127.0.0.1:" + port + path); }

    public URI uriLocalhost(String path) { return URI.create("https://localhost:" + port + path); }

    public void wipeHome() throws IOException {
        deleteTree(home);
    }

    public synchronized void start() throws Exception {
        prepare(true);
        // 2. server start (returns once the server reports it started).
        run(List.of(WLP.resolve("bin/server").toString(), "start", name), WLP, env, 180);
        running = true;
        client = null;
        waitReady(Duration.ofSeconds(90));
    }

    /**
     * Writes the server directory (server.xml, jvm.options, server.env and, if {@code withApp},
     * the war in apps/) and the TLS material, without starting the server; the Arquillian
     * container (io.guildnet.arq) starts it itself and deploys its own archive.
     */
    public synchronized void prepare(boolean withApp) throws Exception {
        Path dir = serverDir();
        Files.createDirectories(dir.resolve("apps"));
        Files.copy(SERVER_XML, dir.resolve("server.xml"), StandardCopyOption.REPLACE_EXISTING);
        if (withApp) Files.copy(WAR, dir.resolve("apps/guildnet.war"), StandardCopyOption.REPLACE_EXISTING);
        Path jvmOptions = SERVER_XML.resolveSibling("jvm.options");
        Files.writeString(dir.resolve("jvm.options"),
                (Files.exists(jvmOptions) ? Files.readString(jvmOptions) : "") + "-Xmx512m\n");
        StringBuilder se = new StringBuilder("keystore_password=it-default-keystore\n");
        env.forEach((k, v) -> se.append(k).append('=').append(v).append('\n'));
        Files.writeString(dir.resolve("server.env"), se.toString());
        Files.createDirectories(home);

        // 1. TLS material before Liberty starts, exactly as scripts/run.sh does.
        run(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp", CLASSES.toString(),
                "io.guildnet.security.TlsBootstrap"), home, env, 60);
    }

    public synchronized void stop() throws Exception {
        if (!running) return;
        run(List.of(WLP.resolve("bin/server").toString(), "stop", name), WLP, env, 120);
        running = false;
    }

    void stopQuietly() {
        try {
            stop();
        } catch (Exception e) {
            System.err.println("could not stop " + name + ": " + e);
        }
    }

    public void restart() throws Exception {
        stop();
        start();
    }

    /** Waits until /health/started answers 200 (readiness may be down on purpose in some tests). */
    private void waitReady(Duration max) throws Exception {
        long deadline = System.nanoTime() + max.toNanos();
        Exception last = null;
        while (System.nanoTime() < deadline) {
            try {
                HttpResponse<String> r = get("/health/started");
                if (r.statusCode() == 200) {
                    // and the app itself answers
                    if (get("/healthz").statusCode() == 200) return;
                }
            } catch (IOException e) {
                last = e;
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("server " + name + " not started within " + max + "; log tail:\n" + logTail(), last);
    }

    public String logTail() {
        try {
            Path log = WLP.resolve("usr/servers").resolve(name).resolve("logs/messages.log");
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    public String messagesLog() throws IOException {
        return Files.readString(WLP.resolve("usr/servers").resolve(name).resolve("logs/messages.log"), StandardCharsets.UTF_8);
    }

    /** The Host App's own certificate (the one clients must trust). */
    public X509Certificate certificate() throws Exception {
        try (var in = Files.newInputStream(home.resolve("state/certs/server.crt"))) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }

    public synchronized HttpClient client() throws Exception {
        if (client == null) client = newClient();
        return client;
    }

    /** A client that trusts only the Host App's certificate and verifies host names. */
    public HttpClient newClient() throws Exception {
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        ts.setCertificateEntry("guildnet", certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(ctx).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public HttpResponse<String> get(String path, String... headers) throws Exception {
        return send("GET", path, null, headers);
    }

    public HttpResponse<String> send(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return client().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A JSON request: Content-Type application/json plus the given headers. */
    public HttpResponse<String> json(String method, String path, String body, String... headers) throws Exception {
        List<String> h = new ArrayList<>(List.of("Content-Type", "application/json"));
        h.addAll(List.of(headers));
        return send(method, path, body, h.toArray(new String[0]));
    }

    /** The admin API token the server generated into its home. */
    public String adminToken() throws IOException {
        return Files.readString(home.resolve("state/api-token")).trim();
    }

    private static void run(List<String> cmd, Path dir, Map<String, String> env, int timeoutSeconds) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("GUILDNET_") || k.equals("LISTEN_LOCAL") || k.equals("KUBECONFIG"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd + " timed out:\n" + out);
        }
        if (p.exitValue() != 0 && !(cmd.contains("stop") && out.contains("not running"))) {
            throw new IllegalStateException(cmd + " exited " + p.exitValue() + ":\n" + out);
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}
