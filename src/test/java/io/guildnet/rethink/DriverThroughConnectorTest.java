package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.cluster.ClusterSettings;
import io.guildnet.tailnet.Connector;
import io.guildnet.tailnet.FakeTailscale;
import io.guildnet.tailnet.SocksRethinkSockets;
import io.guildnet.tailnet.TailnetConnectors;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The RethinkDB driver's connection through a cluster's tailnet connector (fake tailscaled's SOCKS5 proxy). */
class DriverThroughConnectorTest {

    @TempDir
    Path tmp;

    @Test
    void theDriverConnectsAndQueriesThroughTheConnectorAndDialsLoopbackDirectlyByDefault() throws Exception {
        ScheduledExecutorService sched = Executors.newScheduledThreadPool(3);
        TailnetConnectors connectors = new TailnetConnectors(FakeTailscale.config(tmp.resolve("bin"), tmp.resolve("tsnet")), sched,
                Clock.systemUTC(), null);
        ClusterSettings s = ClusterSettings.empty().apply(jakarta.json.Json.createObjectBuilder().add("ts_login_server", "https://hs.test").build(),
                new java.util.HashSet<>(), new String[1]);
        Connector c = (Connector) connectors.open("rdb", s, () -> Optional.of("k-123")).orElseThrow();
        try {
            long until = System.currentTimeMillis() + 20_000;
            while (!"ok".equals(c.status()) && System.currentTimeMillis() < until) Thread.sleep(50);
            try (ServerSocket ss = DriverBackendTest.fakeServer(q -> "{\"t\":1,\"r\":[[\"a\",\"b\"]]}")) {
                DriverBackend b = DriverBackend.connect("127.0.0.1", ss.getLocalPort(), "admin", "pw", Duration.ofSeconds(3),
                        DriverBackendTest.exec, Duration.ofSeconds(3), new SocksRethinkSockets(c.socks(), false));
                assertEquals(List.of("a", "b"), b.dbList());
                b.close();
                assertEquals(List.of("socks 127.0.0.1:" + ss.getLocalPort()), FakeTailscale.forwarded(c.stateDir()));
            }
            try (ServerSocket ss = DriverBackendTest.fakeServer(q -> "{\"t\":1,\"r\":[[\"c\"]]}")) {
                DriverBackend b = DriverBackend.connect("127.0.0.1", ss.getLocalPort(), "admin", "pw", Duration.ofSeconds(3),
                        DriverBackendTest.exec, Duration.ofSeconds(3), new SocksRethinkSockets(c.socks()));
                assertEquals(List.of("c"), b.dbList());
                b.close();
                assertTrue(FakeTailscale.forwarded(c.stateDir()).stream().noneMatch(l -> l.endsWith(":" + ss.getLocalPort())),
                        "a port-forward's loopback end is dialled directly");
            }
        } finally {
            c.close();
            sched.shutdownNow();
        }
    }
}
