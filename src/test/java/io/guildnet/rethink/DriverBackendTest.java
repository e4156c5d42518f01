package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.rethinkdb.gen.exc.ReqlNonExistenceError;
import com.rethinkdb.gen.exc.ReqlOpFailedError;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The driver backend without a server: connection failures and how server errors are classified (see DriverRethinkIT for a real one). */
class DriverBackendTest {

    static final ExecutorService exec = Executors.newCachedThreadPool();

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
}
