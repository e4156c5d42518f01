package io.guildnet.tailnet;

import io.guildnet.cluster.ClusterEgress;
import io.guildnet.security.SecureFiles;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.IOException;
import java.io.StringReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * One cluster's tailnet connector: a supervised {@code tailscaled} in userspace-networking
 * mode with its own state dir (0700), control socket and loopback SOCKS5 and HTTP CONNECT
 * proxies, joined to the cluster's tailnet with {@code tailscale up}. Java has no tsnet, so a
 * process per cluster gives the same isolation: no host routes, no shared daemon.
 *
 * <p>The client auth key never appears on a command line: it is written to a 0600 file for
 * {@code tailscale up --auth-key=file:PATH} and deleted as soon as {@code up} returns. A dead
 * {@code tailscaled} is restarted with exponential backoff; {@link #close()} stops it for good.
 */
public final class Connector implements ClusterEgress {

    private static final Logger LOG = Logger.getLogger(Connector.class.getName());
    static final String SOCKET = "ts.sock";
    static final String KEY_FILE = "authkey";
    static final String LOG_FILE = "tailscaled.log";
    private static final long LOG_ROTATE_BYTES = 5L * 1024 * 1024;

    /** What one connector needs: its cluster, control server, key (used once per {@code up}) and node name. */
    public record Spec(String clusterId, String loginServer, String authKey, Path stateDir, String hostname) {
        @Override
        public String toString() {
            return "Spec[" + clusterId + ", " + loginServer + ", " + stateDir + ", " + hostname + "]"; // never the key
        }
    }

    private final Spec spec;
    private final TailnetConfig config;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Consumer<Connector> onChange;
    private final InetSocketAddress http;
    private final InetSocketAddress socks;

    // guarded by this
    private Process process;
    private boolean joined;
    private boolean stopped;
    private String status = "starting";
    private String lastError;
    private Instant nextLaunch = Instant.EPOCH;
    private Instant launchedAt;
    private Instant lastStatusAt = Instant.EPOCH;
    private long backoffMs;
    private int restarts;
    private JsonObject tsStatus;
    private ScheduledFuture<?> tick;

    Connector(Spec spec, TailnetConfig config, ScheduledExecutorService scheduler, Clock clock, Consumer<Connector> onChange) {
        this.spec = spec;
        this.config = config;
        this.scheduler = scheduler;
        this.clock = clock;
        this.onChange = onChange == null ? c -> { } : onChange;
        this.http = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
        this.socks = new InetSocketAddress(InetAddress.getLoopbackAddress(), freePort());
        this.backoffMs = config.minBackoff().toMillis();
    }

    /** Creates the state dir (0700) and starts supervising; the first launch runs at once in the background. */
    public Connector start() throws IOException {
        // only the connector's own dir is made 0700: its parent may be a user's directory (ts_state_path)
        Files.createDirectories(spec.stateDir().getParent());
        SecureFiles.privateDir(spec.stateDir());
        Files.deleteIfExists(spec.stateDir().resolve(KEY_FILE)); // a leftover of a crash mid-up
        synchronized (this) {
            if (stopped) throw new IllegalStateException("connector for cluster " + spec.clusterId() + " is stopped");
            if (tick != null) return this;
            tick = scheduler.scheduleWithFixedDelay(this::supervise, 0, config.superviseEvery().toMillis(), TimeUnit.MILLISECONDS);
        }
        return this;
    }

    public String clusterId() { return spec.clusterId(); }

    public Path stateDir() { return spec.stateDir(); }

    @Override
    public InetSocketAddress httpProxy() { return http; }

    @Override
    public InetSocketAddress socksProxy() { return socks; }

    @Override
    public synchronized String status() { return status; }

    public synchronized int restarts() { return restarts; }

    /** The running {@code tailscaled}'s process, if any (tests, diagnostics). */
    public synchronized java.util.Optional<ProcessHandle> process() {
        return process != null && process.isAlive() ? java.util.Optional.of(process.toHandle()) : java.util.Optional.empty();
    }

    /** A TCP connection to {@code host:port} in the cluster's tailnet, through the connector's SOCKS5 proxy. */
    public Socket dial(String host, int port, int timeoutMs) throws IOException {
        Socket s = new Socket(socks());
        try {
            s.connect(InetSocketAddress.createUnresolved(host, port), timeoutMs);
            return s;
        } catch (IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** {@code tailscale serve --bg --tcp=PORT tcp://127.0.0.1:LOCAL}: tailscaled's netstack forwards the node's port to the local listener. */
    @Override
    public void serveTcp(int tailnetPort, int localPort) throws IOException {
        serve(List.of("serve", "--bg", "--tcp=" + tailnetPort, "tcp://127.0.0.1:" + localPort), "publishing port " + tailnetPort);
    }

    /** {@code tailscale serve --tcp=PORT off}. */
    @Override
    public void unserveTcp(int tailnetPort) throws IOException {
        serve(List.of("serve", "--tcp=" + tailnetPort, "off"), "unpublishing port " + tailnetPort);
    }

    private void serve(List<String> args, String what) throws IOException {
        String st;
        String err;
        synchronized (this) {
            st = status;
            err = lastError;
        }
        if (!"ok".equals(st)) throw new IOException("the cluster's tailnet connector is " + st + (err == null ? "" : ": " + err));
        if (config.tailscale().isEmpty()) throw new IOException("tailscale CLI not found: set TAILSCALE_PATH or put tailscale on PATH");
        List<String> cmd = new ArrayList<>(List.of(config.tailscale().get().toString(), "--socket=" + spec.stateDir().resolve(SOCKET)));
        cmd.addAll(args);
        Cli.Result r = Cli.run(cmd, spec.stateDir(), java.time.Duration.ofSeconds(30));
        if (r.exit() != 0) throw new IOException(what + " failed (tailscale exit " + r.exit() + ")" + lastLine(redact(r.output())));
    }

    /**
     * Clears the node's serve configuration after each (re)join: tailscaled keeps it in its state,
     * and entries from an earlier run point at loopback ports this process no longer owns (another
     * listener may hold them now). The published services set up theirs again.
     */
    private void resetServe() {
        try {
            Cli.Result r = Cli.run(List.of(config.tailscale().get().toString(), "--socket=" + spec.stateDir().resolve(SOCKET), "serve", "reset"),
                    spec.stateDir(), java.time.Duration.ofSeconds(30));
            if (r.exit() != 0) LOG.warning("cluster " + spec.clusterId() + ": tailscale serve reset failed (exit " + r.exit() + ")" + lastLine(redact(r.output())));
        } catch (IOException | RuntimeException e) {
            LOG.warning("cluster " + spec.clusterId() + ": tailscale serve reset failed: " + e.getMessage());
        }
    }

    @Override
    public synchronized java.util.Optional<String> tailnetIp() {
        if (tsStatus == null || tsStatus.getJsonObject("Self") == null) return java.util.Optional.empty();
        JsonArray ips = tsStatus.getJsonObject("Self").getJsonArray("TailscaleIPs");
        return ips == null || ips.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(ips.getString(0, ""));
    }

    /** {@code {ok, status, clusterId, stateDir, loginServer, hostname, ip, fqdn, backendState, peers, peersOnline, restarts, httpProxy, socksProxy, error?}}. */
    @Override
    public synchronized JsonObject health() {
        JsonObjectBuilder b = Json.createObjectBuilder().add("ok", "ok".equals(status)).add("status", status)
                .add("clusterId", spec.clusterId()).add("stateDir", spec.stateDir().toString())
                .add("loginServer", spec.loginServer()).add("hostname", spec.hostname());
        String ip = "";
        String fqdn = "";
        String backend = "";
        int peers = 0;
        int online = 0;
        if (tsStatus != null) {
            backend = tsStatus.getString("BackendState", "");
            JsonObject self = tsStatus.getJsonObject("Self");
            if (self != null) {
                JsonArray ips = self.getJsonArray("TailscaleIPs");
                if (ips != null && !ips.isEmpty()) ip = ips.getString(0, "");
                fqdn = trimDot(self.getString("DNSName", ""));
            }
            JsonValue pv = tsStatus.get("Peer");
            if (pv instanceof JsonObject po) {
                for (JsonValue v : po.values()) {
                    peers++;
                    if (v instanceof JsonObject p && p.getBoolean("Online", false)) online++;
                }
            }
        }
        b.add("ip", ip).add("fqdn", fqdn).add("backendState", backend).add("peers", peers).add("peersOnline", online)
                .add("restarts", restarts).add("httpProxy", hostPort(http)).add("socksProxy", hostPort(socks));
        if (lastError != null) b.add("error", lastError);
        return b.build();
    }

    /** Stops supervision and {@code tailscaled} (its state dir stays, so a restart rejoins without a key). */
    @Override
    public void close() {
        Process p;
        ScheduledFuture<?> t;
        synchronized (this) {
            if (stopped) return;
            stopped = true;
            t = tick;
            p = process;
            process = null;
            setStatus("stopped", null);
        }
        if (t != null) t.cancel(false);
        if (p != null) terminate(p);
        try {
            Files.deleteIfExists(spec.stateDir().resolve(KEY_FILE));
        } catch (IOException ignored) {
            // the dir is 0700 and the file 0600; nothing else to do
        }
        onChange.accept(this);
        LOG.info("cluster " + spec.clusterId() + ": tailnet connector stopped");
    }

    // ---- supervision ------------------------------------------------------------------------

    private void supervise() {
        try {
            superviseOnce();
        } catch (RuntimeException e) {
            synchronized (this) {
                if (!stopped) setStatus("degraded", "supervision failed: " + e.getMessage());
            }
        }
    }

    void superviseOnce() {
        Process p;
        synchronized (this) {
            if (stopped) return;
            p = process;
            if (p != null && !p.isAlive()) {
                restarts++;
                String err = "tailscaled exited with code " + p.exitValue() + lastLogLine();
                LOG.warning("cluster " + spec.clusterId() + ": " + err + "; restarting in " + backoffMs + " ms");
                nextLaunch = clock.instant().plusMillis(backoffMs);
                backoffMs = Math.min(config.maxBackoff().toMillis(), backoffMs * 2);
                process = null;
                joined = false;
                tsStatus = null;
                setStatus("degraded", err);
                p = null;
            }
            if (p == null && clock.instant().isBefore(nextLaunch)) return;
        }
        if (p == null) {
            launch();
            synchronized (this) {
                p = process;
            }
            if (p == null) return;
        }
        boolean isJoined;
        synchronized (this) {
            isJoined = joined;
        }
        if (!isJoined) {
            up(p);
        } else if (clock.instant().isAfter(lastStatusAt.plus(ok() ? config.statusEvery() : config.superviseEvery()))) {
            pollStatus();
        }
    }

    private synchronized boolean ok() { return "ok".equals(status); }

    private void launch() {
        List<String> cmd = new ArrayList<>();
        if (config.tailscaled().isEmpty()) {
            synchronized (this) {
                setStatus("degraded", "tailscaled not found: set TAILSCALED_PATH or put tailscaled on PATH");
                nextLaunch = clock.instant().plus(config.maxBackoff());
            }
            return;
        }
        Path dir = spec.stateDir();
        cmd.add(config.tailscaled().get().toString());
        cmd.add("--tun=userspace-networking");
        cmd.add("--statedir=" + dir);
        cmd.add("--socket=" + dir.resolve(SOCKET));
        cmd.add("--port=0");
        cmd.add("--socks5-server=" + hostPort(socks));
        cmd.add("--outbound-http-proxy-listen=" + hostPort(http));
        try {
            Files.deleteIfExists(dir.resolve(SOCKET));
            rotateLog(dir.resolve(LOG_FILE));
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve(LOG_FILE).toFile()));
            scrubEnv(pb.environment());
            Process started = pb.start();
            SecureFiles.restrict(dir.resolve(LOG_FILE));
            synchronized (this) {
                if (stopped) {
                    terminate(started);
                    return;
                }
                process = started;
                launchedAt = clock.instant();
                joined = false;
                if (!"degraded".equals(status)) setStatus("starting", lastError);
            }
            LOG.info("cluster " + spec.clusterId() + ": tailscaled started (pid " + started.pid() + ", HTTP proxy " + hostPort(http)
                    + ", SOCKS5 " + hostPort(socks) + ")");
        } catch (IOException e) {
            synchronized (this) {
                restarts++;
                nextLaunch = clock.instant().plusMillis(backoffMs);
                backoffMs = Math.min(config.maxBackoff().toMillis(), backoffMs * 2);
                setStatus("degraded", "cannot start tailscaled: " + e.getMessage());
            }
        }
    }

    /** {@code tailscale up} once the daemon's socket exists; the key goes through a 0600 file, deleted right after. */
    private void up(Process daemon) {
        Path sock = spec.stateDir().resolve(SOCKET);
        // a fresh daemon opens its socket within a second or so: wait briefly rather than a whole tick
        long until = System.nanoTime() + Math.min(config.upTimeout().toNanos(), TimeUnit.SECONDS.toNanos(10));
        while (!Files.exists(sock) && daemon.isAlive() && System.nanoTime() < until) {
            try {
                Thread.sleep(25);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        if (!Files.exists(sock)) {
            synchronized (this) {
                if (launchedAt != null && clock.instant().isAfter(launchedAt.plus(config.upTimeout()))) {
                    setStatus("degraded", "tailscaled did not open its socket within " + config.upTimeout().toSeconds() + " s");
                }
            }
            return;
        }
        if (config.tailscale().isEmpty()) {
            synchronized (this) {
                setStatus("degraded", "tailscale CLI not found: set TAILSCALE_PATH or put tailscale on PATH");
            }
            return;
        }
        Path key = spec.stateDir().resolve(KEY_FILE);
        List<String> cmd = new ArrayList<>(List.of(config.tailscale().get().toString(), "--socket=" + sock, "up", "--reset",
                "--login-server=" + spec.loginServer(), "--hostname=" + spec.hostname(), "--accept-routes", "--accept-dns=false",
                "--timeout=" + config.upTimeout().toSeconds() + "s"));
        try {
            if (spec.authKey() != null && !spec.authKey().isEmpty()) {
                SecureFiles.writeAtomically(key, spec.authKey().getBytes(StandardCharsets.UTF_8));
                cmd.add("--auth-key=file:" + key);
            }
            Cli.Result r = Cli.run(cmd, spec.stateDir(), config.upTimeout().plusSeconds(5));
            Files.deleteIfExists(key); // gone before anyone can see the connector ok (and again in finally on errors)
            synchronized (this) {
                if (stopped || process != daemon) return;
                if (r.exit() == 0) {
                    joined = true;
                    lastStatusAt = Instant.EPOCH;
                    LOG.info("cluster " + spec.clusterId() + ": joined " + spec.loginServer() + " as " + spec.hostname());
                } else {
                    setStatus("degraded", "tailscale up failed (exit " + r.exit() + ")" + lastLine(redact(r.output())));
                }
            }
            if (r.exit() == 0) {
                resetServe();
                pollStatus();
            }
        } catch (IOException e) {
            synchronized (this) {
                setStatus("degraded", "tailscale up failed: " + redact(String.valueOf(e.getMessage())));
            }
        } finally {
            try {
                Files.deleteIfExists(key);
            } catch (IOException ignored) {
                // left in a 0700 dir; deleted again at the next start
            }
        }
    }

    private void pollStatus() {
        Path sock = spec.stateDir().resolve(SOCKET);
        if (config.tailscale().isEmpty()) return;
        try {
            Cli.Result r = Cli.run(List.of(config.tailscale().get().toString(), "--socket=" + sock, "status", "--json"),
                    spec.stateDir(), config.superviseEvery().plusSeconds(10));
            synchronized (this) {
                if (stopped) return;
                lastStatusAt = clock.instant();
                if (r.exit() != 0) {
                    setStatus("degraded", "tailscale status failed (exit " + r.exit() + ")" + lastLine(redact(r.output())));
                    return;
                }
                JsonObject st = Json.createReader(new StringReader(r.output())).readObject();
                tsStatus = st;
                String backend = st.getString("BackendState", "");
                JsonObject self = st.getJsonObject("Self");
                boolean hasIp = self != null && self.getJsonArray("TailscaleIPs") != null && !self.getJsonArray("TailscaleIPs").isEmpty();
                if ("Running".equals(backend) && hasIp) {
                    backoffMs = config.minBackoff().toMillis();
                    setStatus("ok", null);
                } else if ("NeedsLogin".equals(backend) || "NeedsMachineAuth".equals(backend)) {
                    joined = false; // run up again (the key may have been replaced)
                    setStatus("degraded", "tailnet login needed (" + backend + "): check the cluster's client auth key");
                } else {
                    setStatus("degraded".equals(status) ? "degraded" : "starting", lastError);
                }
            }
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                if (!stopped) setStatus("degraded", "tailscale status unreadable: " + e.getMessage());
            }
        }
    }

    private void setStatus(String s, String error) {
        boolean changed = !s.equals(status);
        status = s;
        lastError = error;
        if (changed && !"stopped".equals(s)) {
            try {
                scheduler.execute(() -> onChange.accept(this));
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // the application is stopping: nobody is listening any more, and supervision must not die on it
            }
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    /** Removes the variables a tailscale tool could pick a key up from (the key only ever goes through the file). */
    static void scrubEnv(Map<String, String> env) {
        env.keySet().removeIf(k -> k.startsWith("TS_") || k.equals("TAILSCALE_AUTHKEY") || k.startsWith("GUILDNET_MASTER"));
    }

    private String redact(String s) {
        String k = spec.authKey();
        return k == null || k.isEmpty() || s == null ? s : s.replace(k, "***");
    }

    private String lastLogLine() {
        try {
            List<String> lines = Files.readAllLines(spec.stateDir().resolve(LOG_FILE), StandardCharsets.UTF_8);
            return lines.isEmpty() ? "" : lastLine(redact(lines.get(lines.size() - 1)));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static String lastLine(String out) {
        if (out == null) return "";
        String t = out.strip();
        if (t.isEmpty()) return "";
        int i = t.lastIndexOf('\n');
        String l = i < 0 ? t : t.substring(i + 1);
        return ": " + (l.length() > 300 ? l.substring(0, 300) : l);
    }

    private static void rotateLog(Path log) throws IOException {
        if (Files.exists(log) && Files.size(log) > LOG_ROTATE_BYTES) {
            Files.move(log, log.resolveSibling(LOG_FILE + ".1"), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private static void terminate(Process p) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        try {
            // within the cluster instance's close budget (1.8 s for all its parts)
            if (!p.waitFor(1000, TimeUnit.MILLISECONDS)) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor(300, TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String trimDot(String s) {
        return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    }

    static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** A free loopback port (bound, read, closed); kept for the connector's lifetime so the client config stays valid. */
    private static int freePort() {
        try (ServerSocket ss = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return ss.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException("no free loopback port: " + e.getMessage(), e);
        }
    }
}
