package io.guildnet.tailnet;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Test fixture: a stand-in for {@code tailscaled --tun=userspace-networking} (run as its own
 * process by the script {@link FakeTailscale} writes). It opens the real loopback SOCKS5 and
 * HTTP proxies named by {@code --socks5-server} and {@code --outbound-http-proxy-listen},
 * forwards to the requested targets and appends every target to {@code <statedir>/fake-forwarded.log}
 * ("http host:port" or "socks host:port"), so a test can assert which connector carried which traffic.
 * It creates its {@code --socket} path once listening and exits when its parent process is gone.
 */
public final class FakeTailscaled {

    private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-tailscaled");
        t.setDaemon(true);
        return t;
    });
    private static Path forwardedLog;

    public static void main(String[] args) throws Exception {
        Map<String, String> a = new HashMap<>();
        for (String s : args) {
            int i = s.indexOf('=');
            if (s.startsWith("--") && i > 0) a.put(s.substring(2, i), s.substring(i + 1));
        }
        if (!"userspace-networking".equals(a.get("tun"))) {
            System.err.println("fake tailscaled: only --tun=userspace-networking is supported");
            System.exit(2);
        }
        Path dir = Path.of(a.get("statedir"));
        forwardedLog = dir.resolve("fake-forwarded.log");
        ServerSocket socks = listen(a.get("socks5-server"));
        ServerSocket http = listen(a.get("outbound-http-proxy-listen"));
        POOL.execute(() -> accept(socks, true));
        POOL.execute(() -> accept(http, false));
        Files.writeString(dir.resolve("fake.pid"), Long.toString(ProcessHandle.current().pid()));
        Files.writeString(Path.of(a.get("socket")), "fake socket");
        System.out.println("fake tailscaled: listening (socks " + socks.getLocalPort() + ", http " + http.getLocalPort() + ")");
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        while (parent == null || parent.isAlive()) Thread.sleep(200);
        System.exit(0);
    }

    private static ServerSocket listen(String hostPort) throws IOException {
        int i = hostPort.lastIndexOf(':');
        ServerSocket ss = new ServerSocket();
        ss.setReuseAddress(true);
        ss.bind(new InetSocketAddress(InetAddress.getByName(hostPort.substring(0, i)), Integer.parseInt(hostPort.substring(i + 1))), 64);
        return ss;
    }

    private static void accept(ServerSocket ss, boolean socks) {
        while (true) {
            try {
                Socket c = ss.accept();
                POOL.execute(() -> {
                    try {
                        if (socks) socks(c);
                        else http(c);
                    } catch (IOException e) {
                        close(c);
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    private static synchronized void record(String line) throws IOException {
        Files.writeString(forwardedLog, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    private static void socks(Socket c) throws IOException {
        InputStream in = c.getInputStream();
        OutputStream out = c.getOutputStream();
        if (in.read() != 5) throw new IOException("not SOCKS5");
        int n = in.read();
        in.readNBytes(n);
        out.write(new byte[] {5, 0});
        out.flush();
        byte[] h = in.readNBytes(4);
        if (h.length < 4 || h[1] != 1) throw new IOException("only CONNECT");
        String host = switch (h[3]) {
            case 1 -> InetAddress.getByAddress(in.readNBytes(4)).getHostAddress();
            case 3 -> new String(in.readNBytes(in.read()), StandardCharsets.US_ASCII);
            case 4 -> InetAddress.getByAddress(in.readNBytes(16)).getHostAddress();
            default -> throw new IOException("bad address type");
        };
        byte[] p = in.readNBytes(2);
        int port = ((p[0] & 0xff) << 8) | (p[1] & 0xff);
        Socket t;
        try {
            t = new Socket(host, port);
        } catch (IOException e) {
            out.write(new byte[] {5, 5, 0, 1, 0, 0, 0, 0, 0, 0});
            out.flush();
            throw e;
        }
        record("socks " + host + ":" + port);
        out.write(new byte[] {5, 0, 0, 1, 0, 0, 0, 0, 0, 0});
        out.flush();
        pipe(c, t);
    }

    private static void http(Socket c) throws IOException {
        InputStream in = c.getInputStream();
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int b;
        int state = 0;
        while (state < 4 && (b = in.read()) >= 0) {
            head.write(b);
            state = (b == '\r' && (state == 0 || state == 2)) || (b == '\n' && (state == 1 || state == 3)) ? state + 1 : 0;
        }
        String text = head.toString(StandardCharsets.ISO_8859_1);
        String first = text.substring(0, text.indexOf("\r\n"));
        String[] parts = first.split(" ");
        OutputStream out = c.getOutputStream();
        if (parts[0].equals("CONNECT")) {
            String[] hp = splitHostPort(parts[1], 443);
            Socket t;
            try {
                t = new Socket(hp[0], Integer.parseInt(hp[1]));
            } catch (IOException e) {
                out.write("HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                throw e;
            }
            record("http " + hp[0] + ":" + hp[1]);
            out.write("HTTP/1.1 200 Connection established\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            pipe(c, t);
            return;
        }
        // absolute-form request: one upstream per client connection (enough for one API server per connector)
        java.net.URI u = java.net.URI.create(parts[1]);
        int port = u.getPort() > 0 ? u.getPort() : 80;
        Socket t = new Socket(u.getHost(), port);
        record("http " + u.getHost() + ":" + port);
        String path = u.getRawPath() + (u.getRawQuery() == null ? "" : "?" + u.getRawQuery());
        t.getOutputStream().write((parts[0] + " " + path + " " + parts[2] + text.substring(first.length())).getBytes(StandardCharsets.ISO_8859_1));
        pipe(c, t);
    }

    private static String[] splitHostPort(String s, int dflt) {
        if (s.startsWith("[")) {
            int e = s.indexOf(']');
            return new String[] {s.substring(1, e), e + 2 <= s.length() && s.charAt(e + 1) == ':' ? s.substring(e + 2) : Integer.toString(dflt)};
        }
        int i = s.lastIndexOf(':');
        return i < 0 ? new String[] {s, Integer.toString(dflt)} : new String[] {s.substring(0, i), s.substring(i + 1)};
    }

    private static void pipe(Socket a, Socket b) {
        POOL.execute(() -> copy(a, b));
        copy(b, a);
    }

    private static void copy(Socket from, Socket to) {
        try {
            from.getInputStream().transferTo(to.getOutputStream());
        } catch (IOException ignored) {
            // one side closed
        } finally {
            close(from);
            close(to);
        }
    }

    private static void close(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
