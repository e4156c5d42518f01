package io.guildnet.tailnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One connector against the fake tailscaled/tailscale pair: join, health, key handling, crash restart, stop. */
class ConnectorTest {

    static final String KEY = "hskey-client-9f8e7d6c5b4a39281706";

    @TempDir
    Path tmp;

    private ScheduledExecutorService exec;
    private TailnetConfig config;
    private final List<Connector> connectors = new ArrayList<>();

    @BeforeEach
    void setUp() throws IOException {
        exec = Executors.newScheduledThreadPool(4);
        config = FakeTailscale.config(tmp.resolve("bin"), tmp.resolve("home/tsnet"));
    }

    @AfterEach
    void tearDown() throws InterruptedException {
        connectors.forEach(Connector::close);
        exec.shutdownNow();
        exec.awaitTermination(5, TimeUnit.SECONDS);
    }

    private Connector start(String id, TailnetConfig cfg) throws IOException {
        Connector c = new Connector(new Connector.Spec(id, "http://127.0.0.1:9", KEY, cfg.stateDir(id), cfg.nodeName(id)), cfg, exec,
                Clock.systemUTC(), null);
        connectors.add(c);
        return c.start();
    }

    static void eventually(String what, long ms, BooleanSupplier cond) throws InterruptedException {
        long until = System.currentTimeMillis() + ms;
        while (!cond.getAsBoolean()) {
            if (System.currentTimeMillis() > until) throw new AssertionError("timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    @Test
    void joinsItsTailnetAndReportsAddressNameAndPeers() throws Exception {
        Connector c = start("alpha", config);
        eventually("connector ok", 20_000, () -> "ok".equals(c.status()));
        JsonObject h = c.health();
        assertEquals(true, h.getBoolean("ok"));
        assertEquals("100.64.0.7", h.getString("ip"));
        assertEquals("guildnet-alpha-testhost.tailnet.test", h.getString("fqdn"));
        assertEquals("Running", h.getString("backendState"));
        assertEquals(2, h.getInt("peers"));
        assertEquals(1, h.getInt("peersOnline"));
        assertFalse(h.containsKey("error"));
        Path dir = tmp.resolve("home/tsnet/cluster-alpha");
        assertEquals(dir.toString(), h.getString("stateDir"));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir)));
        List<String> upArgs = List.of(Files.readString(dir.resolve("fake-up")).split("\n"));
        assertEquals(List.of("guildnet-alpha-testhost", "http://127.0.0.1:9"), upArgs);
        String args = Files.readString(dir.resolve("fake-up-args"));
        assertTrue(args.contains("--accept-routes") && args.contains("--auth-key=file:"), args);
    }

    @Test
    void theKeyReachesTailscaleUpOnlyThroughAFileThatIsDeletedAfterwards() throws Exception {
        Connector c = start("alpha", config);
        eventually("connector ok", 20_000, () -> "ok".equals(c.status()));
        Path dir = c.stateDir();
        assertEquals(FakeTailscale.sha256(KEY), Files.readString(dir.resolve("fake-login")).trim(), "up read the right key");
        assertFalse(Files.exists(dir.resolve(Connector.KEY_FILE)), "the key file is gone once up returned");
        ProcessHandle daemon = c.process().orElseThrow();
        String cmdline = String.join(" ", daemon.info().arguments().orElse(new String[0]));
        assertTrue(cmdline.contains("--tun=userspace-networking"), cmdline);
        assertFalse(cmdline.contains(KEY), "no key among tailscaled's arguments");
        try (var files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                assertFalse(Files.readString(f, StandardCharsets.ISO_8859_1).contains(KEY), "key found in " + f);
            }
        }
        assertFalse(c.health().toString().contains(KEY));
    }

    @Test
    void aCrashedDaemonIsRestartedAndTheConnectorRecovers() throws Exception {
        Connector c = start("alpha", config);
        eventually("connector ok", 20_000, () -> "ok".equals(c.status()));
        ProcessHandle first = c.process().orElseThrow();
        first.destroyForcibly();
        eventually("crash noticed", 10_000, () -> c.restarts() == 1);
        eventually("connector ok again", 30_000, () -> "ok".equals(c.status()) && c.process().isPresent());
        assertNotEquals(first.pid(), c.process().orElseThrow().pid());
        assertFalse(first.isAlive());
        // the proxy answers again on the same port the cluster's client was built with
        try (ServerSocket target = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
             Socket s = c.dial("127.0.0.1", target.getLocalPort(), 3000)) {
            assertTrue(s.isConnected());
        }
    }

    @Test
    void closeStopsTheDaemonAndReportsStopped() throws Exception {
        Connector c = start("alpha", config);
        eventually("daemon running", 20_000, () -> c.process().isPresent());
        ProcessHandle p = c.process().orElseThrow();
        c.close();
        assertEquals("stopped", c.status());
        assertEquals("stopped", c.health().getString("status"));
        eventually("daemon gone", 5000, () -> !p.isAlive());
    }

    @Test
    void dialGoesThroughTheConnectorsSocksProxy() throws Exception {
        Connector c = start("alpha", config);
        eventually("connector ok", 20_000, () -> "ok".equals(c.status()));
        try (ServerSocket target = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            try (Socket s = c.dial("127.0.0.1", target.getLocalPort(), 3000); Socket accepted = target.accept()) {
                s.getOutputStream().write("ping".getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().flush();
                assertEquals("ping", new String(accepted.getInputStream().readNBytes(4), StandardCharsets.US_ASCII));
            }
            assertEquals(List.of("socks 127.0.0.1:" + target.getLocalPort()), FakeTailscale.forwarded(c.stateDir()));
        }
    }

    @Test
    void withoutTailscaledTheConnectorIsDegradedWithTheReason() throws Exception {
        TailnetConfig none = new TailnetConfig(Optional.empty(), Optional.empty(), tmp.resolve("home/tsnet"), "testhost",
                config.superviseEvery(), config.statusEvery(), config.minBackoff(), config.maxBackoff(), config.upTimeout());
        Connector c = start("beta", none);
        eventually("degraded", 5000, () -> "degraded".equals(c.status()));
        assertTrue(c.health().getString("error").contains("TAILSCALED_PATH"), c.health().toString());
    }

    @Test
    void nodeNamesAreDnsLabels() {
        TailnetConfig c = new TailnetConfig(Optional.empty(), Optional.empty(), tmp, "My_Laptop.local", config.superviseEvery(),
                config.statusEvery(), config.minBackoff(), config.maxBackoff(), config.upTimeout());
        assertEquals("guildnet-alpha-my-laptop-local", c.nodeName("alpha"));
        assertEquals(63, c.nodeName("x".repeat(80)).length());
        assertEquals(tmp.resolve("cluster-alpha"), c.stateDir("alpha"));
    }

    @Test
    void aCustomStateDirMustBeAbsoluteAndNewEmptyOrAConnectorsOwn() throws Exception {
        TailnetConnectors cs = new TailnetConnectors(config, exec, Clock.systemUTC(), null);
        var withPath = (java.util.function.Function<String, io.guildnet.cluster.ClusterSettings>) p -> io.guildnet.cluster.ClusterSettings.empty()
                .apply(jakarta.json.Json.createObjectBuilder().add("ts_login_server", "https://hs.test").add("ts_state_path", p).build(),
                        new java.util.HashSet<>(), new String[1]);
        Path home = Files.createDirectories(tmp.resolve("someones-home"));
        Files.writeString(home.resolve(".profile"), "x");
        var before = Files.getPosixFilePermissions(home);
        var refused = org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> cs.open("c1", withPath.apply(home.toString()), () -> Optional.of(KEY)));
        assertTrue(refused.getMessage().contains("not a connector's state dir"), refused.getMessage());
        assertEquals(before, Files.getPosixFilePermissions(home), "nothing was chmod-ed");
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
                () -> cs.open("c1", withPath.apply("relative/dir"), () -> Optional.of(KEY)));
        Path fresh = tmp.resolve("custom/state");
        Connector c = (Connector) cs.open("c1", withPath.apply(fresh.toString()), () -> Optional.of(KEY)).orElseThrow();
        connectors.add(c);
        assertEquals(fresh, c.stateDir());
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(fresh)));
        assertTrue(cs.open("c2", io.guildnet.cluster.ClusterSettings.empty(), () -> Optional.of(KEY)).isEmpty(), "no login server: no connector");
    }
}
