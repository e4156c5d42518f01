package io.guildnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code mgn workspace logs -f} prints each streamed line as it arrives (the API double of the ITs
 * runs no pods, so the stream is served here by a loopback stub in the Host App's SSE format).
 */
class LogsFollowTest {

    HttpServer stub;
    @TempDir
    Path home;

    @AfterEach
    void stop() {
        if (stub != null) stub.stop(0);
    }

    @Test
    void followPrintsStreamedLinesInTableAndJsonFormat() throws Exception {
        stub = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        stub.setExecutor(Executors.newCachedThreadPool());
        stub.createContext("/api/cluster/c1/workspaces/web/logs/stream", ex -> {
            ex.getResponseHeaders().add("Content-Type", "text/event-stream");
            ex.sendResponseHeaders(200, 0);
            OutputStream o = ex.getResponseBody();
            o.write((": ping\n\ndata: {\"t\":\"2026-12-02T10:00:00Z\",\"msg\":\"[web-1] started\"}\n\n"
                    + "data: {\"t\":\"2026-12-02T10:00:01Z\",\"msg\":\"[web-2] ready\"}\n\n").getBytes(StandardCharsets.UTF_8));
            o.flush();
            try {
                Thread.sleep(1500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            ex.close();
        });
        stub.start();
        Map<String, String> env = Map.of("MGN_API_URL", "http://127.0.0.1:" + stub.getAddress().getPort());

        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int code = Main.execute(new String[] {"workspace", "logs", "c1", "web", "-f", "--max-lines", "2"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err, env, home, false);
        assertEquals(0, code);
        assertEquals("2026-12-02T10:00:00Z [web-1] started\n2026-12-02T10:00:01Z [web-2] ready\n", out.toString(StandardCharsets.UTF_8));

        out.reset();
        code = Main.execute(new String[] {"-o", "json", "workspace", "logs", "c1", "web", "-f"},
                new PrintStream(out, true, StandardCharsets.UTF_8), System.err, env, home, false);
        assertEquals(0, code, "the stream ended");
        assertEquals(2, out.toString(StandardCharsets.UTF_8).lines().map(l -> jakarta.json.Json.createReader(new java.io.StringReader(l))
                .readObject().getString("msg")).count());
    }
}
