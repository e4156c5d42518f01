package io.guildnet.proxy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class UpstreamPoolTest {

    /** A loopback HTTP/1.1 server answering every request with "ok", keeping connections open unless told otherwise. */
    static final class MiniServer implements AutoCloseable {
        final ServerSocket ss;
        final ExecutorService ex = Executors.newCachedThreadPool();
        final List<Socket> accepted = new CopyOnWriteArrayList<>();
        final AtomicInteger requests = new AtomicInteger();
        volatile boolean closeAfterResponse;
        volatile String extraAfterResponse;

        MiniServer() throws IOException {
            ss = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            ex.submit(this::acceptLoop);
        }

        Upstream upstream() { return Upstream.plain(InetAddress.getLoopbackAddress().getHostAddress(), ss.getLocalPort()); }

        private void acceptLoop() {
            while (!ss.isClosed()) {
                try {
                    Socket s = ss.accept();
                    accepted.add(s);
                    ex.submit(() -> serve(s));
                } catch (IOException e) {
                    return;
                }
            }
        }

        private void serve(Socket s) {
            try (s) {
                InputStream in = new BufferedInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                while (true) {
                    String line = HttpWire.readLine(in, true);
                    if (line == null) return;
                    while (!HttpWire.readLine(in, false).isEmpty()) {
                        // skip request headers
                    }
                    requests.incrementAndGet();
                    String extra = extraAfterResponse;
                    out.write(("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok" + (extra == null ? "" : extra))
                            .getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    if (closeAfterResponse) return;
                }
            } catch (IOException e) {
                // the client went away
            }
        }

        @Override
        public void close() throws IOException {
            ss.close();
            for (Socket s : accepted) s.close();
            ex.shutdownNow();
        }
    }

    private final List<AutoCloseable> cleanup = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable c : cleanup) c.close();
    }

    MiniServer server() throws IOException {
        MiniServer s = new MiniServer();
        cleanup.add(s);
        return s;
    }

    UpstreamPool pool(long keepAliveMs, int maxIdle) {
        UpstreamPool p = new UpstreamPool(keepAliveMs, maxIdle, 2000);
        cleanup.add(p);
        return p;
    }

    static String exchange(UpstreamConnection c) throws IOException {
        c.timeout(5000);
        HttpWire.writeRequestHead(c.out(), "GET", "/", new HeaderList().add("Host", c.upstream().authority()));
        c.out().flush();
        HttpWire.ResponseHead h = HttpWire.readResponseHead(c.in());
        assertEquals(200, h.status());
        HttpWire.Body b = HttpWire.fixed(c.in(), Long.parseLong(h.headers().first("Content-Length")));
        String body = new String(b.readAllBytes(), StandardCharsets.ISO_8859_1);
        assertTrue(b.complete());
        return body;
    }

    static void awaitServerClosed(MiniServer s, int n) throws InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < end) {
            if (s.accepted.size() >= n && s.accepted.stream().limit(n).allMatch(Socket::isClosed)) return;
            Thread.sleep(5);
        }
        throw new AssertionError("server did not close its connections");
    }

    @Test
    void releasedConnectionIsReused() throws Exception {
        MiniServer s = server();
        UpstreamPool p = pool(60_000, 4);
        UpstreamConnection c1 = p.acquire(s.upstream());
        assertEquals("ok", exchange(c1));
        int port = c1.socket().getLocalPort();
        assertEquals(0, c1.reuses());
        p.release(c1);
        assertEquals(1, p.idleConnections());

        UpstreamConnection c2 = p.acquire(s.upstream());
        assertSame(c1, c2);
        assertEquals(port, c2.socket().getLocalPort());
        assertEquals(1, c2.reuses());
        assertEquals(0, p.idleConnections());
        assertEquals("ok", exchange(c2));
        assertEquals(1, s.accepted.size(), "one TCP connection carried both requests");
        assertEquals(2, s.requests.get());
        assertEquals(1, p.openedTotal());
    }

    @Test
    void connectionInUseIsNotHandedOutTwice() throws Exception {
        MiniServer s = server();
        UpstreamPool p = pool(60_000, 4);
        UpstreamConnection c1 = p.acquire(s.upstream());
        UpstreamConnection c2 = p.acquire(s.upstream());
        assertNotSame(c1, c2);
        assertNotEquals(c1.socket().getLocalPort(), c2.socket().getLocalPort());
        assertEquals(2, p.openedTotal());
    }

    @Test
    void mostRecentlyReleasedIsHandedOutFirst() throws Exception {
        MiniServer s = server();
        UpstreamPool p = pool(60_000, 4);
        UpstreamConnection a = p.acquire(s.upstream());
        UpstreamConnection b = p.acquire(s.upstream());
        p.release(a);
        p.release(b);
        assertSame(b, p.acquire(s.upstream()));
        assertSame(a, p.acquire(s.upstream()));
    }

    @Test
    void openNeverTakesFromThePool() throws Exception {
        MiniServer s = server();
        UpstreamPool p = pool(60_000, 4);
        UpstreamConnection a = p.acquire(s.upstream());
        p.release(a);
        UpstreamConnection b = p.open(s.upstream());
        assertNotSame(a, b);
        assertEquals(1, p.idleConnections());
    }

    @Test
    void connectionsAreSharedOnlyWithTheSameUpstream() throws Exception {
        MiniServer s1 = server();
        MiniServer s2 = server();
        UpstreamPool p = pool(60_000, 4);
        UpstreamConnection a = p.acquire(s1.upstream());
        p.release(a);
        UpstreamConnection b = p.acquire(s2.upstream());
        assertNotSame(a, b);
        assertEquals(s2.ss.getLocalPort(), b.socket().getPort());
        assertEquals("ok", exchange(b));
    }

    @Test
    void idleBeyondTheLimitPerUpstreamAreClosed() throws Exception {
        MiniServer s = server();
        UpstreamPool p = pool(60_000, 1);
        UpstreamConnection a = p.acquire(s.upstream());
        UpstreamConnection b = p.acquire(s.upstream());
        p.release(a);
        p.release(b);
        assertEquals(1, p.idleConnections());
        assertTrue(a.closed(), "the older idle connection is closed");
        assertFalse(b.closed());
        assertSame(b, p.acquire(s.upstream()));
    }

    @Test
    void closedConnectionIsNotPooled() throws Exception {
        MiniServer s = server();
        UpstreamPool p = pool(60_000, 4);
        UpstreamConnection a = p.acquire(s.upstream());
        a.close();
        p.release(a);
        assertEquals(0, p.idleConnections());
        assertNotSame(a, p.acquire(s.upstream()));
    }

    @Test
    void probeSaysAliveForAnOpenIdleConnectionAndLeavesItUsable() throws Exception {
        MiniServer s = server();
        UpstreamPool p = pool(60_000, 4);
        UpstreamConnection c = p.acquire(s.upstream());
        assertEquals("ok", exchange(c));
        assertTrue(c.probeAlive());
        assertTrue(c.probeAlive());
        assertEquals("ok", exchange(c), "the probe consumed nothing");
    }

    @Test
    void probeSaysDeadWhenTheServerClosedTheIdleConnection() throws Exception {
        MiniServer s = server();
        s.closeAfterResponse = true;
        UpstreamPool p = pool(60_000, 4);
        UpstreamConnection c = p.acquire(s.upstream());
        assertEquals("ok", exchange(c));
        awaitServerClosed(s, 1);
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        boolean alive = true;
        while (alive && System.nanoTime() < end) {
            alive = c.probeAlive();
            if (alive) Thread.sleep(5);
        }
        assertFalse(alive);
    }

    @Test
    void probeSaysDeadWhenUnexpectedBytesArrived() throws Exception {
        MiniServer s = server();
        s.extraAfterResponse = "HTTP/1.1 200 OK\r\n";
        UpstreamPool p = pool(60_000, 4);
        UpstreamConnection c = p.acquire(s.upstream());
        assertEquals("ok", exchange(c));
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        boolean alive = true;
        while (alive && System.nanoTime() < end) {
            alive = c.probeAlive();
            if (alive) Thread.sleep(5);
        }
        assertFalse(alive, "a connection with stray bytes is never reused");
    }

    @Test
    void connectionClosedByServerWhileIdleIsNotHandedOut() throws Exception {
        MiniServer s = server();
        s.closeAfterResponse = true;
        UpstreamPool p = pool(60_000, 4);
        UpstreamConnection c = p.acquire(s.upstream());
        assertEquals("ok", exchange(c));
        p.release(c);
        awaitServerClosed(s, 1);
        Thread.sleep(2_100); // the pool probes connections idle for more than 2 s
        UpstreamConnection d = p.acquire(s.upstream());
        assertNotSame(c, d);
        assertTrue(c.closed());
        assertEquals("ok", exchange(d));
        assertEquals(2, p.openedTotal());
    }

    @Test
    void keepAliveExpiryClosesIdleConnections() throws Exception {
        MiniServer s = server();
        UpstreamPool p = pool(1, 4);
        UpstreamConnection c = p.acquire(s.upstream());
        assertEquals("ok", exchange(c));
        p.release(c);
        assertEquals(1, p.idleConnections());
        Thread.sleep(20);
        p.evictIdle();
        assertEquals(0, p.idleConnections());
        assertTrue(c.closed());
        awaitServerClosed(s, 1);
    }

    @Test
    void evictIdleKeepsFreshConnections() throws Exception {
        MiniServer s = server();
        UpstreamPool p = pool(60_000, 4);
        UpstreamConnection c = p.acquire(s.upstream());
        p.release(c);
        p.evictIdle();
        assertEquals(1, p.idleConnections());
        assertFalse(c.closed());
        assertSame(c, p.acquire(s.upstream()));
    }

    @Test
    void expiredConnectionIsNotHandedOutEvenBeforeEviction() throws Exception {
        MiniServer s = server();
        UpstreamPool p = pool(1, 4);
        UpstreamConnection c = p.acquire(s.upstream());
        p.release(c);
        Thread.sleep(20);
        UpstreamConnection d = p.acquire(s.upstream());
        assertNotSame(c, d);
        assertTrue(c.closed());
        assertEquals(0, p.idleConnections());
    }

    @Test
    void forgetClosesIdleConnectionsOfThatUpstreamOnly() throws Exception {
        MiniServer s1 = server();
        MiniServer s2 = server();
        UpstreamPool p = pool(60_000, 4);
        UpstreamConnection a = p.acquire(s1.upstream());
        UpstreamConnection b = p.acquire(s2.upstream());
        p.release(a);
        p.release(b);
        p.forget(s1.upstream());
        assertTrue(a.closed());
        assertFalse(b.closed());
        assertEquals(1, p.idleConnections());
        assertNotSame(a, p.acquire(s1.upstream()));
        assertSame(b, p.acquire(s2.upstream()));
        p.forget(Upstream.plain("127.0.0.1", 1)); // unknown upstream: nothing happens
    }

    @Test
    void closeClosesIdleConnectionsAndRefusesNewOnes() throws Exception {
        MiniServer s = server();
        UpstreamPool p = pool(60_000, 4);
        UpstreamConnection idle = p.acquire(s.upstream());
        UpstreamConnection busy = p.acquire(s.upstream());
        p.release(idle);
        p.close();
        assertTrue(idle.closed());
        assertEquals(0, p.idleConnections());
        assertThrows(IOException.class, () -> p.acquire(s.upstream()));
        assertThrows(IOException.class, () -> p.open(s.upstream()));
        assertFalse(busy.closed(), "an exchange in progress is not cut");
        p.release(busy);
        assertTrue(busy.closed(), "returned after shutdown: closed");
        assertEquals(0, p.idleConnections());
    }

    @Test
    void connectToClosedLoopbackPortFailsFast() throws Exception {
        int port;
        try (ServerSocket tmp = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = tmp.getLocalPort();
        }
        UpstreamPool p = pool(60_000, 4);
        long t0 = System.nanoTime();
        assertThrows(ConnectException.class, () -> p.acquire(Upstream.plain("127.0.0.1", port)));
        assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(2), "refused, not timed out");
        assertEquals(0, p.openedTotal());
        assertEquals(0, p.idleConnections());
    }
    @Test
    void releaseRacingEvictionNeverLosesAConnection() throws Exception {
        MiniServer s = server();
        UpstreamPool p = pool(60_000, 4);
        Upstream u = s.upstream();
        ExecutorService sweeper = Executors.newSingleThreadExecutor();
        java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
        java.util.Set<UpstreamConnection> seen = java.util.concurrent.ConcurrentHashMap.newKeySet();
        try {
            sweeper.submit(() -> {
                while (!stop.get()) p.evictIdle();
            });
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
            while (System.nanoTime() < end && p.openedTotal() <= 1) {
                // one request at a time, released after each: one connection is all it ever needs
                UpstreamConnection c = p.acquire(u);
                seen.add(c);
                p.release(c);
            }
        } finally {
            stop.set(true);
            sweeper.shutdown();
            assertTrue(sweeper.awaitTermination(5, TimeUnit.SECONDS));
        }
        p.close();
        for (UpstreamConnection c : seen) assertTrue(c.closed(), "an idle connection left open after close()");
        assertEquals(1, p.openedTotal(), "a released connection was lost and a new one opened");
    }
}
