package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The join's {@code cluster_rdb} step: an explicit rdb_addr must answer; discovery alone never fails a join. */
class RethinkPrewarmTest {

    final ScheduledExecutorService exec = Executors.newScheduledThreadPool(2);
    final AtomicInteger attempts = new AtomicInteger();

    @AfterEach
    void stop() { exec.shutdownNow(); }

    RethinkLink link(String addr, RethinkLink.Connector connector) {
        return new RethinkLink("c1", () -> new RethinkLink.Target(List.of(Discovery.explicit(addr)), null, "fp"), () -> "fp",
                connector, null, exec, exec, Clock.systemUTC(), Duration.ofSeconds(2));
    }

    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Test
    void anExplicitAddressThatRefusesFailsTheStepWithTheReason() throws Exception {
        String addr = "127.0.0.1:" + closedPort();
        RethinkLink l = link(addr, (h, p, c) -> {
            attempts.incrementAndGet();
            try (java.net.Socket s = new java.net.Socket(h, p)) {
                return new InMemoryBackend();
            } catch (IOException e) {
                throw new BackendException(BackendException.Reason.UNAVAILABLE, e.getMessage());
            }
        }).start(Duration.ofSeconds(30));
        String err = RethinkPrewarm.check(addr, l, Duration.ofSeconds(5));
        assertTrue(err != null && err.contains(addr) && err.contains("refused"), err);
        l.close();
    }

    @Test
    void anExplicitAddressThatAnswersPassesAndTheConnectionIsTheLinksOwn() {
        RethinkLink l = link("127.0.0.1:28015", (h, p, c) -> {
            attempts.incrementAndGet();
            return new InMemoryBackend();
        }).start(Duration.ofSeconds(30));
        assertNull(RethinkPrewarm.check("127.0.0.1:28015", l, Duration.ofSeconds(5)));
        assertTrue(l.connected());
        l.backend();
        assertEquals(1, attempts.get(), "the pre-warm shares the link's connection; requests open none of their own");
        l.close();
    }

    @Test
    void withoutAnExplicitAddressTheJoinDoesNotWaitForDiscovery() {
        RethinkLink l = link("127.0.0.1:28015", (h, p, c) -> {
            throw new BackendException(BackendException.Reason.UNAVAILABLE, "no RethinkDB yet");
        }).start(Duration.ofSeconds(30));
        assertNull(RethinkPrewarm.check("", l, Duration.ofSeconds(5)));
        assertNull(RethinkPrewarm.check(null, l, Duration.ofSeconds(5)));
        l.close();
    }

    @Test
    void aClosedLinkIsReportedNotAwaited() {
        RethinkLink l = link("127.0.0.1:28015", (h, p, c) -> new InMemoryBackend());
        l.close();
        String err = RethinkPrewarm.check("127.0.0.1:28015", l, Duration.ofSeconds(5));
        assertTrue(err != null && err.contains("closed"), err);
    }
}
