package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rethinkdb.gen.exc.ReqlNonExistenceError;
import com.rethinkdb.gen.exc.ReqlOpFailedError;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The driver backend without a server: connection failures and how server errors are classified (see DriverRethinkIT for a real one). */
class DriverBackendTest {

    static final ExecutorService exec = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "driver-backend-test");
        t.setDaemon(true); // a fake server blocked in a read never keeps the test JVM alive
        return t;
    });

    @AfterAll
    static void stop() { exec.shutdownNow(); }

    @Test
    void aClosedPortIsATransientFailureNamingTheAddress() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        int p = port;
        BackendException e = assertThrows(BackendException.class,
                () -> DriverBackend.connect("127.0.0.1", p, "admin", "", Duration.ofSeconds(2), exec, Duration.ofSeconds(2)));
        assertEquals(BackendException.Reason.UNAVAILABLE, e.reason());
        assertEquals(ErrorClass.TRANSIENT, e.errorClass());
        assertTrue(e.getMessage().contains("127.0.0.1:" + port), e.getMessage());
    }

    @Test
    void aServerThatNeverAnswersTheHandshakeFailsWithinTheConnectTimeout() throws Exception {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            exec.execute(() -> {
                try (Socket silent = s.accept()) {
                    Thread.sleep(10_000);
                } catch (Exception ignored) {
                    // closed by the test
                }
            });
            long t0 = System.nanoTime();
            BackendException e = assertThrows(BackendException.class,
                    () -> DriverBackend.connect("127.0.0.1", s.getLocalPort(), "admin", "", Duration.ofMillis(500), exec, Duration.ofSeconds(2)));
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertEquals(BackendException.Reason.UNAVAILABLE, e.reason());
            assertTrue(ms < 5_000, "took " + ms + " ms");
        }
    }

    @Test
    void serverErrorsMapToTheBackendReasons() {
        assertEquals(BackendException.Reason.NOT_FOUND, DriverBackend.map(new ReqlOpFailedError("Database `x` does not exist.")).reason());
        assertEquals(BackendException.Reason.NOT_FOUND, DriverBackend.map(new ReqlOpFailedError("Table `x.y` does not exist.")).reason());
        assertEquals(BackendException.Reason.ALREADY_EXISTS, DriverBackend.map(new ReqlOpFailedError("Table `x.y` already exists.")).reason());
        assertEquals(BackendException.Reason.UNAVAILABLE, DriverBackend.map(new ReqlOpFailedError("Changefeed aborted (table unavailable).")).reason());
        assertEquals(BackendException.Reason.UNAVAILABLE,
                DriverBackend.map(new ReqlOpFailedError("Cannot perform read: primary replica for shard [\"\", +inf) not available")).reason());
        assertEquals(BackendException.Reason.INVALID, DriverBackend.map(new ReqlNonExistenceError("No attribute `a` in object")).reason());
    }
    // ---- a loopback stand-in that speaks the V1_0 handshake (SCRAM-SHA-256) and answers queries as told ----------

    /** Accepts one connection, completes the handshake for password {@code pw}, then answers each query with {@code answer} (null: never). */
    static ServerSocket fakeServer(Function<String, String> answer) throws IOException {
        ServerSocket ss = new ServerSocket(0, 5, InetAddress.getLoopbackAddress());
        exec.execute(() -> {
            try (Socket s = ss.accept()) {
                DataInputStream in = new DataInputStream(s.getInputStream());
                OutputStream out = s.getOutputStream();
                in.readFully(new byte[4]); // magic V1_0
                send(out, "{\"success\":true,\"min_protocol_version\":0,\"max_protocol_version\":0,\"server_version\":\"2.4.4\"}");
                String cf = cstring(in);
                Matcher first = Pattern.compile("n=([^,]*),r=([^\"]*)").matcher(cf);
                if (!first.find()) return;
                String clientBare = "n=" + first.group(1) + ",r=" + first.group(2);
                byte[] salt = "saltsaltsaltsalt".getBytes(StandardCharsets.UTF_8);
                String serverFirst = "r=" + first.group(2) + "srv,s=" + Base64.getEncoder().encodeToString(salt) + ",i=1";
                send(out, "{\"success\":true,\"authentication\":\"" + serverFirst + "\"}");
                String cfin = cstring(in);
                Matcher fin = Pattern.compile("\"authentication\":\"([^\"]*),p=").matcher(cfin);
                if (!fin.find()) return;
                byte[] block = ByteBuffer.allocate(salt.length + 4).put(salt).putInt(1).array();
                byte[] salted = hmac("pw".getBytes(StandardCharsets.UTF_8), block); // PBKDF2 with one iteration
                byte[] sig = hmac(hmac(salted, "Server Key".getBytes(StandardCharsets.UTF_8)),
                        (clientBare + "," + serverFirst + "," + fin.group(1)).getBytes(StandardCharsets.UTF_8));
                send(out, "{\"success\":true,\"authentication\":\"v=" + Base64.getEncoder().encodeToString(sig) + "\"}");
                while (true) {
                    byte[] head = new byte[12];
                    in.readFully(head);
                    ByteBuffer h = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
                    long token = h.getLong();
                    byte[] q = new byte[h.getInt()];
                    in.readFully(q);
                    String a = answer.apply(new String(q, StandardCharsets.UTF_8));
                    if (a == null) continue;
                    byte[] body = a.getBytes(StandardCharsets.UTF_8);
                    out.write(ByteBuffer.allocate(12 + body.length).order(ByteOrder.LITTLE_ENDIAN).putLong(token).putInt(body.length).put(body).array());
                    out.flush();
                }
            } catch (Exception ignored) {
                // the client went away
            }
        });
        return ss;
    }

    static void send(OutputStream out, String json) throws IOException {
        out.write(json.getBytes(StandardCharsets.UTF_8));
        out.write(0);
        out.flush();
    }

    static String cstring(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (int c; (c = in.read()) > 0; ) b.write(c);
        return b.toString(StandardCharsets.UTF_8);
    }

    static byte[] hmac(byte[] key, byte[] data) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(key, "HmacSHA256"));
            return m.doFinal(data);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void answersAreReadAndTimeoutsAndCloseDoNotHangOnAServerThatStopsAnswering() throws Exception {
        // the first query (dbList) is answered, every later one is swallowed: a half-dead server
        java.util.concurrent.atomic.AtomicInteger n = new java.util.concurrent.atomic.AtomicInteger();
        try (ServerSocket ss = fakeServer(q -> n.getAndIncrement() == 0 ? "{\"t\":1,\"r\":[[\"a\",\"b\"]]}" : null)) {
            DriverBackend b = DriverBackend.connect("127.0.0.1", ss.getLocalPort(), "admin", "pw", Duration.ofSeconds(2), exec, Duration.ofMillis(700));
            assertEquals(List.of("a", "b"), b.dbList());
            long t0 = System.nanoTime();
            BackendException e = assertThrows(BackendException.class, b::ping);
            assertEquals(ErrorClass.TRANSIENT, e.errorClass(), e.getMessage());
            assertThrows(BackendException.class, () -> b.get("d", "t", "k"));
            assertTimeoutPreemptively(Duration.ofSeconds(5), b::close, "close() must not wait for a NOREPLY_WAIT answer that never comes");
            long ms = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(ms < 6_000, "ping + get + close took " + ms + " ms");
            assertTrue(!b.isOpen());
        }
    }

    @Test
    void theQueryTimeoutAlsoBoundsTheLaterBatchesOfAStream() throws Exception {
        // primaryKey() is answered, the scan's first batch is partial and its CONTINUE is never answered
        java.util.concurrent.atomic.AtomicInteger starts = new java.util.concurrent.atomic.AtomicInteger();
        try (ServerSocket ss = fakeServer(q -> !q.startsWith("[1") ? null
                : starts.getAndIncrement() == 0 ? "{\"t\":1,\"r\":[\"id\"]}" : "{\"t\":3,\"r\":[{\"id\":1}]}")) {
            DriverBackend b = DriverBackend.connect("127.0.0.1", ss.getLocalPort(), "admin", "pw", Duration.ofSeconds(2), exec, Duration.ofMillis(700));
            try {
                BackendException e = assertTimeoutPreemptively(Duration.ofSeconds(5),
                        () -> assertThrows(BackendException.class, () -> b.query("d", "t", RethinkBackend.Query.page(null, 10))));
                assertEquals(BackendException.Reason.UNAVAILABLE, e.reason());
                assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            } finally {
                assertTimeoutPreemptively(Duration.ofSeconds(5), b::close);
            }
        }
    }

    @Test
    void aClosedFeedIsStoppedOnTheServerAndAClosedConnectionEndsAFeedAsUnavailable() throws Exception {
        java.util.concurrent.atomic.AtomicInteger continues = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
        String add = "{\"t\":3,\"n\":[1],\"r\":[{\"type\":\"add\",\"old_val\":null,\"new_val\":{\"id\":1}}]}";
        try (ServerSocket ss = fakeServer(q -> {
            if (q.startsWith("[1")) return "{\"t\":3,\"n\":[1],\"r\":[]}"; // changes(): an empty first batch
            if (q.startsWith("[2")) return continues.getAndIncrement() == 0 ? add : null; // one event, then nothing
            if (q.startsWith("[3")) stopped.countDown();
            return q.startsWith("[3") ? "{\"t\":2,\"r\":[]}" : null;
        })) {
            DriverBackend b = DriverBackend.connect("127.0.0.1", ss.getLocalPort(), "admin", "pw", Duration.ofSeconds(2), exec, Duration.ofSeconds(2));
            List<String> events = new java.util.concurrent.CopyOnWriteArrayList<>();
            List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
            RethinkBackend.FeedListener l = new RethinkBackend.FeedListener() {
                @Override
                public void onChange(String type, java.util.Map<String, Object> before, java.util.Map<String, Object> after) {
                    events.add(type + " " + after);
                }

                @Override
                public void onError(Throwable error) { errors.add(error); }
            };
            RethinkBackend.FeedHandle h = b.changes("d", "t", l);
            long end = System.currentTimeMillis() + 5000;
            while (events.isEmpty() && System.currentTimeMillis() < end) Thread.sleep(20);
            assertEquals(List.of("insert {id=1}"), events);
            h.close();
            assertTrue(stopped.await(3, java.util.concurrent.TimeUnit.SECONDS), "STOP sent for the closed feed");
            Thread.sleep(1500); // the reader notices within its 1 s poll
            assertEquals(List.of(), errors, "a closed feed reports no error");

            RethinkBackend.FeedHandle h2 = b.changes("d", "t", l);
            b.close();
            end = System.currentTimeMillis() + 5000;
            while (errors.isEmpty() && System.currentTimeMillis() < end) Thread.sleep(20);
            assertEquals(1, errors.size());
            assertEquals(BackendException.Reason.UNAVAILABLE, ((BackendException) errors.get(0)).reason(), errors.get(0).getMessage());
            h2.close();
        }
    }
}
