package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.api.ApiException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class RethinkLinkTest {

    final ScheduledExecutorService exec = Executors.newScheduledThreadPool(2);
    final AtomicInteger opened = new AtomicInteger(), closed = new AtomicInteger();
    final AtomicBoolean reachable = new AtomicBoolean(true);
    final AtomicReference<String> seenHost = new AtomicReference<>();

    class Conn extends ChangefeedHubTest.Delegate {
        final AtomicBoolean dead = new AtomicBoolean();

        Conn() { super(new InMemoryBackend()); }

        @Override
        public void ping() {
            if (dead.get()) throw new BackendException(BackendException.Reason.UNAVAILABLE, "connection reset by peer");
        }

        @Override
        public void close() { closed.incrementAndGet(); }
    }

    final AtomicReference<Conn> last = new AtomicReference<>();

    RethinkLink.Connector connector = (h, p, c) -> {
        seenHost.set(h + ":" + p);
        if (!reachable.get()) throw new BackendException(BackendException.Reason.UNAVAILABLE, "Connection refused");
        opened.incrementAndGet();
        Conn conn = new Conn();
        last.set(conn);
        return conn;
    };

    RethinkLink link(List<Discovery.Candidate> cands, PodTunnel tunnel) {
        return new RethinkLink("c1", () -> new RethinkLink.Target(cands, new RethinkLink.Creds("admin", "pw"), "fp"), () -> "fp",
                connector, tunnel, exec, exec, Clock.systemUTC(), Duration.ofSeconds(2));
    }

    @AfterEach
    void stop() { exec.shutdownNow(); }

    @Test
    void connectsInTheBackgroundAndRequestsShareTheOneConnection() throws Exception {
        RethinkLink l = link(List.of(Discovery.explicit("127.0.0.1:28015")), null).start(Duration.ofMillis(50));
        RethinkBackend a = l.backend(), b = l.backend();
        assertSame(a, b);
        Thread.sleep(200);
        assertEquals(1, opened.get(), "no request opens its own connection");
        assertEquals("ok", l.health().getString("status"));
        l.close();
        assertEquals(1, closed.get(), "closed with the instance");
    }

    @Test
    void unreachableIs503WithTheErrorClassThenReconnectsWhenBack() throws Exception {
        reachable.set(false);
        RethinkLink l = link(List.of(Discovery.explicit("127.0.0.1:1")), null).start(Duration.ofMillis(50));
        ApiException e = assertThrows(ApiException.class, l::backend);
        assertEquals(503, e.status());
        assertEquals("db_unavailable", e.code());
        assertEquals("transient", l.health().getString("error_class"));
        reachable.set(true);
        long end = System.currentTimeMillis() + 5000;
        while (!l.connected() && System.currentTimeMillis() < end) Thread.sleep(20);
        assertTrue(l.connected(), "the monitor retried with backoff");
        l.close();
    }

    @Test
    void aCutConnectionIsReplacedAndTheOldOneClosed() throws Exception {
        AtomicInteger hooks = new AtomicInteger();
        RethinkLink l = link(List.of(Discovery.explicit("127.0.0.1:28015")), null);
        l.onConnect(hooks::incrementAndGet);
        l.start(Duration.ofMillis(50));
        l.backend();
        last.get().dead.set(true);
        long end = System.currentTimeMillis() + 5000;
        while (opened.get() < 2 && System.currentTimeMillis() < end) Thread.sleep(20);
        Thread.sleep(100);
        assertEquals(2, opened.get());
        assertEquals(1, closed.get(), "the broken connection was closed, not leaked");
        assertEquals(2, hooks.get(), "hub resumes after the reconnect");
        l.close();
        assertEquals(2, closed.get());
    }

    @Test
    void portForwardIsTheLastResort() throws Exception {
        PodTunnel fake = new PodTunnel() {
            @Override
            public InetSocketAddress open(String ns, String pod, int port) throws IOException {
                assertEquals("db", ns);
                assertEquals("rethinkdb-0", pod);
                return new InetSocketAddress("127.0.0.1", 40123);
            }
        };
        RethinkLink.Connector onlyTunnel = (h, p, c) -> {
            if (p != 40123) throw new BackendException(BackendException.Reason.UNAVAILABLE, "No route to host (unreachable)");
            opened.incrementAndGet();
            return new Conn();
        };
        RethinkLink l = new RethinkLink("c1", () -> new RethinkLink.Target(List.of(
                new Discovery.Candidate("clusterip", "10.0.0.5", 28015, null, null),
                new Discovery.Candidate("port-forward", null, 28015, "db", "rethinkdb-0")), null, "fp"), () -> "fp",
                onlyTunnel, fake, exec, exec, Clock.systemUTC(), Duration.ofSeconds(2)).start(Duration.ofSeconds(10));
        l.backend();
        assertEquals("port-forward", l.health().getString("via"));
        l.close();
    }

    @Test
    void errorClassesFollowTheAnchor() {
        assertEquals(ErrorClass.TRANSIENT, ErrorClass.ofMessage("rethinkdb: no primary replica"));
        assertEquals(ErrorClass.AUTH, ErrorClass.ofMessage("Wrong password (auth)"));
        assertEquals(ErrorClass.SCHEMA, ErrorClass.ofMessage("Database `x` does not exist."));
        assertEquals(ErrorClass.FATAL, ErrorClass.ofMessage("something odd"));
        assertEquals(ErrorClass.NONE, ErrorClass.of(null));
    }

    @Test
    void changedAddressOrCredentialsReconnectWithinAMonitorPeriod() throws Exception {
        AtomicReference<String> fp = new AtomicReference<>("one");
        AtomicReference<String> pass = new AtomicReference<>("old");
        AtomicReference<String> used = new AtomicReference<>();
        RethinkLink.Connector c = (h, p, creds) -> {
            used.set(creds.password());
            opened.incrementAndGet();
            return new Conn();
        };
        RethinkLink l = new RethinkLink("c1", () -> new RethinkLink.Target(List.of(Discovery.explicit("127.0.0.1")),
                new RethinkLink.Creds("admin", pass.get()), fp.get()), fp::get, c, null, exec, exec, Clock.systemUTC(), Duration.ofSeconds(2))
                .start(Duration.ofMillis(50));
        l.backend();
        assertEquals("old", used.get());
        pass.set("new");
        fp.set("two");
        long end = System.currentTimeMillis() + 5000;
        while (!"new".equals(used.get()) && System.currentTimeMillis() < end) Thread.sleep(20);
        assertEquals("new", used.get());
        Thread.sleep(200);
        assertEquals(2, opened.get(), "one reconnect, not one per tick");
        assertEquals(1, closed.get());
        assertTrue(!l.health().toString().contains("new"), "credentials never shown");
        l.close();
    }
}
