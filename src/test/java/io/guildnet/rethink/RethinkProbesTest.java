package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The verify job's database checks over a cluster link: they pass on a working database and leave nothing behind. */
class RethinkProbesTest {

    final ScheduledExecutorService exec = Executors.newScheduledThreadPool(2);

    @AfterEach
    void stop() { exec.shutdownNow(); }

    ClusterDatabase database(InMemoryBackend mem, boolean up) {
        RethinkLink link = new RethinkLink("c1", () -> new RethinkLink.Target(List.of(Discovery.explicit("127.0.0.1:28015")), null, "fp"),
                () -> "fp", (h, p, c) -> {
                    if (!up) throw new BackendException(BackendException.Reason.UNAVAILABLE, "Connection refused");
                    return mem;
                }, null, exec, exec, Clock.systemUTC(), Duration.ofSeconds(2));
        link.start(Duration.ofMillis(50));
        return new ClusterDatabase(link, null, null, null, "memory");
    }

    @Test
    void passesOnAWorkingDatabaseAndRemovesItsProbeRows() throws Exception {
        InMemoryBackend mem = new InMemoryBackend(exec);
        RethinkProbes.Probe p = new RethinkProbes.Probe(database(mem, true));
        assertFalse(p.reachable().isEmpty());
        p.writeReadDelete();
        p.changefeedRoundTrip();
        assertTrue(mem.query(RethinkProbes.DB, RethinkProbes.TABLE, RethinkBackend.Query.page(null, 10)).isEmpty(), "probe rows removed");
    }

    @Test
    void failsClearlyWhenTheDatabaseIsUnreachable() {
        RethinkProbes.Probe p = new RethinkProbes.Probe(database(new InMemoryBackend(exec), false));
        assertThrows(RuntimeException.class, p::reachable);
    }
}
