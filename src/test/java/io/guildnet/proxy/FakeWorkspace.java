package io.guildnet.proxy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local upstream that behaves like code-server where it matters to a reverse proxy: HTML
 * that forbids framing, relative, root-relative and absolute redirects, cookies with
 * {@code Secure; SameSite=Lax; HttpOnly}, a WebSocket echo (text, binary, large frames,
 * subprotocols, close codes), a long SSE stream, chunked and large downloads, and a request
 * echo. HTTP/1.1 with keep-alive, on a loopback port.
 */
public final class FakeWorkspace implements AutoCloseable {

    private final ServerSocket server;
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-workspace");
        t.setDaemon(true);
        return t;
    });
    public final AtomicInteger connections = new AtomicInteger();
    public final AtomicInteger requests = new AtomicInteger();
    public final AtomicInteger webSockets = new AtomicInteger();
    private volatile boolean closed;

    public FakeWorkspace() throws IOException {
        server = new ServerSocket(0, 512, InetAddress.getLoopbackAddress());
        pool.execute(this::acceptLoop);
    }

    public int port() { return server.getLocalPort(); }

    public String authority() { return "127.0.0.1:" + port(); }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                connections.incrementAndGet();
                pool.execute(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            InputStream in = new BufferedInputStream(s.getInputStream());
            OutputStream out = new BufferedOutputStream(s.getOutputStream());
            while (true) {
                String line = HttpWire.readLine(in, true);
                if (line == null) return;
                if (line.isEmpty()) continue;
                String[] rl = line.split(" ");
                HeaderList h = HttpWire.readHeaders(in);
                requests.incrementAndGet();
                String method = rl[0], target = rl[1];
                byte[] body = readBody(in, h);
                boolean close = h.hasToken("Connection", "close");
                if (!handle(method, target, h, body, in, out, s)) return;
                out.flush();
                if (close) return;
            }
        } catch (IOException e) {
            // client went away
        }
    }

    static byte[] readBody(InputStream in, HeaderList h) throws IOException {
        if (h.hasToken("Transfer-Encoding", "chunked")) return HttpWire.chunked(in).readAllBytes();
        String cl = h.first("Content-Length");
        if (cl != null) return in.readNBytes(Integer.parseInt(cl.trim()));
        return new byte[0];
    }

    private static Map<String, String> query(String target) {
        Map<String, String> q = new LinkedHashMap<>();
        int i = target.indexOf('?');
        if (i < 0) return q;
        for (String p : target.substring(i + 1).split("&")) {
            int eq = p.indexOf('=');
            if (eq > 0) q.put(p.substring(0, eq), URLDecoder.decode(p.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return q;
    }

    /** Returns false when the connection must end (upgraded and finished). */
    private boolean handle(String method, String target, HeaderList h, byte[] body, InputStream in, OutputStream out, Socket s)
            throws IOException {
        String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
        Map<String, String> q = query(target);
        switch (path) {
            case "/" -> respond(out, method, 200, "OK", "text/html; charset=utf-8",
                    "<!doctype html><html><head><title>code-server</title></head><body><a href=\"./static/app.js\">app</a></body></html>",
                    "X-Frame-Options: DENY", "Content-Security-Policy: default-src 'self'; frame-ancestors 'none'");
            case "/redirect/absolute" -> respond(out, method, 302, "Found", "text/plain", "",
                    "Location: http://" + authority() + "/login?next=%2Fhome&x=1");
            case "/redirect/root" -> respond(out, method, 302, "Found", "text/plain", "", "Location: /login?x=1");
            case "/redirect/relative" -> respond(out, method, 302, "Found", "text/plain", "", "Location: ./login?x=1");
            case "/cookie" -> respond(out, method, 200, "OK", "text/plain", "ok",
                    "Set-Cookie: sid=abc; Path=/; Secure; SameSite=Lax; HttpOnly",
                    "Set-Cookie: theme=dark; Domain=example.com; Path=/prefs");
            case "/echo" -> respond(out, method, 200, "OK", "application/json", echo(method, target, h, body));
            case "/sse" -> sse(out, Integer.parseInt(q.getOrDefault("events", "5")), Long.parseLong(q.getOrDefault("intervalMs", "100")));
            case "/download" -> download(out, Long.parseLong(q.getOrDefault("bytes", "1048576")));
            case "/chunked" -> chunked(out, Integer.parseInt(q.getOrDefault("parts", "3")));
            case "/ws" -> {
                webSocket(h, in, out);
                return false;
            }
            case "/close-without-length" -> {
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nConnection: close\r\n\r\n"
                        + "until-close-body").getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                return false;
            }
            default -> {
                if (path.startsWith("/status/")) {
                    int code = Integer.parseInt(path.substring(8));
                    respond(out, method, code, "Status", "application/json", "{\"from\":\"workspace\",\"status\":" + code + "}");
                } else if (path.startsWith("/static/") || path.startsWith("/login")) {
                    respond(out, method, 200, "OK", "text/plain", "static " + path);
                } else {
                    respond(out, method, 404, "Not Found", "text/plain", "no " + path);
                }
            }
        }
        return true;
    }

    static String echo(String method, String target, HeaderList h, byte[] body) {
        StringBuilder b = new StringBuilder("{\"method\":\"").append(method).append("\",\"target\":\"").append(esc(target)).append("\",\"headers\":{");
        Map<String, String> merged = new LinkedHashMap<>();
        for (int i = 0; i < h.size(); i++) merged.merge(h.name(i).toLowerCase(), h.value(i), (a, c) -> a + ", " + c);
        boolean first = true;
        for (var e : merged.entrySet()) {
            if (!first) b.append(',');
            first = false;
            b.append('"').append(esc(e.getKey())).append("\":\"").append(esc(e.getValue())).append('"');
        }
        String sha;
        try {
            sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return b.append("},\"bodyBytes\":").append(body.length).append(",\"bodySha256\":\"").append(sha).append("\"}").toString();
    }

    private static String esc(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"");
    }

    static void respond(OutputStream out, String method, int status, String reason, String type, String body, String... extra) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        StringBuilder head = new StringBuilder("HTTP/1.1 ").append(status).append(' ').append(reason).append("\r\n")
                .append("Content-Type: ").append(type).append("\r\nContent-Length: ").append(b.length).append("\r\n");
        for (String x : extra) head.append(x).append("\r\n");
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        if (!"HEAD".equals(method)) out.write(b);
    }

    private static void sse(OutputStream out, int events, long intervalMs) throws IOException {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        HttpWire.ChunkedOutput c = new HttpWire.ChunkedOutput(out);
        for (int i = 0; i < events; i++) {
            c.write(("id: " + i + "\ndata: event " + i + " at " + System.currentTimeMillis() + "\n\n").getBytes(StandardCharsets.UTF_8));
            c.flush();
            if (i < events - 1) sleep(intervalMs);
        }
        c.close();
    }

    private static void download(OutputStream out, long bytes) throws IOException {
        out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + bytes + "\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        byte[] block = pattern(64 * 1024);
        long left = bytes;
        while (left > 0) {
            int n = (int) Math.min(block.length, left);
            out.write(block, 0, n);
            left -= n;
        }
    }

    /** The download content: the byte at position p is p mod 256 (64 KiB blocks keep that true across blocks). */
    static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) b[i] = (byte) (i % 256);
        return b;
    }

    private static void chunked(OutputStream out, int parts) throws IOException {
        out.write("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
        HttpWire.ChunkedOutput c = new HttpWire.ChunkedOutput(out);
        for (int i = 0; i < parts; i++) c.write(("part-" + i + ";").getBytes(StandardCharsets.UTF_8));
        c.close();
    }

    private void webSocket(HeaderList h, InputStream in, OutputStream out) throws IOException {
        webSockets.incrementAndGet();
        String key = h.first("Sec-WebSocket-Key");
        if (key == null || !h.hasToken("Upgrade", "websocket")) {
            respond(out, "GET", 400, "Bad Request", "text/plain", "not a websocket request");
            out.flush();
            return;
        }
        StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Accept: ").append(WsCodec.accept(key)).append("\r\n");
        String protos = h.first("Sec-WebSocket-Protocol");
        if (protos != null) head.append("Sec-WebSocket-Protocol: ").append(protos.split(",")[0].trim()).append("\r\n");
        // what the handshake saw, for tests of the proxy's header handling
        head.append("X-Seen-Origin: ").append(h.first("Origin") == null ? "" : h.first("Origin")).append("\r\n");
        head.append("X-Seen-Forwarded-Host: ").append(h.first("X-Forwarded-Host") == null ? "" : h.first("X-Forwarded-Host")).append("\r\n");
        head.append("\r\n");
        out.write(head.toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        while (true) {
            WsCodec.Frame f = WsCodec.read(in);
            switch (f.opcode()) {
                case 0x8 -> {
                    WsCodec.write(out, true, 0x8, f.payload(), false);
                    return;
                }
                case 0x9 -> WsCodec.write(out, true, 0xA, f.payload(), false);
                case 0xA -> { }
                default -> WsCodec.write(out, f.fin(), f.opcode(), f.payload(), false);
            }
        }
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing
        }
        pool.shutdownNow();
    }

    /** Runs it standalone (benchmarks): {@code java ... FakeWorkspace <port>}. */
    public static void main(String[] args) throws Exception {
        FakeWorkspace w = new FakeWorkspace();
        System.out.println(w.port());
        Thread.currentThread().join();
    }
}
