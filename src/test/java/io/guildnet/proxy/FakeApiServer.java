package io.guildnet.proxy;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * A Kubernetes API server double for the proxy paths fabric8's mock lacks. It answers
 * {@code services/{scheme}:{name}:{port}/proxy}, {@code pods/{scheme}:{pod}:{port}/proxy}
 * (checking the cluster's bearer token, and prefixing same-host redirects with the proxy path
 * as the real API server does) and {@code pods/{pod}/portforward} (the v4 channel protocol
 * over WebSocket) by forwarding to real local upstreams; every other request goes to the
 * fabric8 CRUD mock behind it. Plain HTTP or TLS.
 */
public final class FakeApiServer implements AutoCloseable {

    static final Pattern PROXY = Pattern.compile("^/api/v1/namespaces/([^/]+)/(services|pods)/(?:(https?):)?([^/:]+)(?::([^/]+))?/proxy(/.*)?$");
    static final Pattern PORT_FORWARD = Pattern.compile("^/api/v1/namespaces/([^/]+)/pods/([^/]+)/portforward$");

    private final ServerSocket server;
    private final String mockUrl;
    private final String token;
    private final boolean tls;
    private final Map<String, Integer> routes = new ConcurrentHashMap<>();
    private final ExecutorService pool = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "fake-api-server");
        t.setDaemon(true);
        return t;
    });
    public final AtomicInteger serviceProxy = new AtomicInteger();
    public final AtomicInteger podProxy = new AtomicInteger();
    public final AtomicInteger portForwards = new AtomicInteger();
    public final AtomicInteger unauthorized = new AtomicInteger();
    public final List<String> proxiedPaths = new CopyOnWriteArrayList<>();
    /** When set, the service proxy answers 503 like an API server whose Service has no endpoints. */
    public volatile boolean failServiceProxy;
    /** When set, the pod proxy answers 403 like an API server denying {@code pods/proxy}. */
    public volatile boolean forbidPodProxy;
    private volatile boolean closed;

    /** @param serverSocket a plain or TLS server socket on loopback */
    public FakeApiServer(ServerSocket serverSocket, String mockUrl, String token) {
        this.server = serverSocket;
        this.mockUrl = mockUrl.replaceAll("/$", "");
        this.token = token;
        this.tls = serverSocket instanceof javax.net.ssl.SSLServerSocket;
        pool.execute(this::acceptLoop);
    }

    public static FakeApiServer plain(String mockUrl, String token) throws IOException {
        return new FakeApiServer(new ServerSocket(0, 256, InetAddress.getLoopbackAddress()), mockUrl, token);
    }

    public String url() { return (tls ? "https" : "http") + "://127.0.0.1:" + server.getLocalPort(); }

    /** Requests to {@code kind} ("services" or "pods") {@code name} port {@code port} in {@code ns} reach 127.0.0.1:{@code upstreamPort}. */
    public void route(String ns, String kind, String name, int port, int upstreamPort) {
        routes.put(ns + "/" + kind + "/" + name + ":" + port, upstreamPort);
    }

    private void acceptLoop() {
        while (!closed) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
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
                String target = rl[1];
                String path = target.contains("?") ? target.substring(0, target.indexOf('?')) : target;
                String query = target.contains("?") ? target.substring(target.indexOf('?')) : "";
                Matcher pm = PROXY.matcher(path);
                Matcher pf = PORT_FORWARD.matcher(path);
                boolean keep;
                if (pm.matches()) {
                    keep = proxy(rl[0], pm, query, h, in, out);
                } else if (pf.matches() && h.hasToken("Upgrade", "websocket")) {
                    portForward(pf.group(1), pf.group(2), target, h, in, out);
                    keep = false;
                } else {
                    relayToMock(rl[0], target, h, in, out);
                    keep = false;
                }
                out.flush();
                if (!keep) return;
            }
        } catch (IOException e) {
            // peer went away
        }
    }

    private boolean authorized(HeaderList h) {
        return ("Bearer " + token).equals(h.first("Authorization"));
    }

    private static void status(OutputStream out, int code, String reason, String message) throws IOException {
        String body = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\",\"message\":\"" + message
                + "\",\"reason\":\"" + reason + "\",\"code\":" + code + "}";
        FakeWorkspace.respond(out, "GET", code, reason, "application/json", body, "Audit-Id: fake");
    }

    private boolean proxy(String method, Matcher m, String query, HeaderList h, InputStream in, OutputStream out) throws IOException {
        String ns = m.group(1), kind = m.group(2), name = m.group(4), port = m.group(5);
        String rest = m.group(6) == null ? "/" : m.group(6);
        byte[] body = FakeWorkspace.readBody(in, h);
        if (!authorized(h)) {
            unauthorized.incrementAndGet();
            status(out, 401, "Unauthorized", "Unauthorized");
            return true;
        }
        if (kind.equals("services")) serviceProxy.incrementAndGet();
        else podProxy.incrementAndGet();
        proxiedPaths.add(kind + ":" + rest);
        if (kind.equals("services") && failServiceProxy) {
            status(out, 503, "ServiceUnavailable", "no endpoints available for service \\\"" + name + "\\\"");
            return true;
        }
        if (kind.equals("pods") && forbidPodProxy) {
            status(out, 403, "Forbidden", "pods \\\"" + name + "\\\" is forbidden: cannot get resource \\\"pods/proxy\\\"");
            return true;
        }
        Integer up = routes.get(ns + "/" + kind + "/" + name + ":" + port);
        if (up == null) {
            status(out, 503, "ServiceUnavailable", "error trying to reach service: dial tcp: connection refused");
            return true;
        }
        String prefix = "/api/v1/namespaces/" + ns + "/" + kind + "/" + (m.group(3) == null ? "" : m.group(3) + ":") + name
                + (port == null ? "" : ":" + port) + "/proxy";
        try (Socket u = new Socket(InetAddress.getLoopbackAddress(), up)) {
            u.setTcpNoDelay(true);
            InputStream uin = new BufferedInputStream(u.getInputStream());
            OutputStream uout = new BufferedOutputStream(u.getOutputStream());
            boolean upgrade = h.hasToken("Connection", "upgrade");
            HeaderList fwd = new HeaderList();
            for (int i = 0; i < h.size(); i++) {
                String n = h.name(i).toLowerCase();
                // the API server consumes the credentials and the framing of its own hop
                if (n.equals("authorization") || n.equals("host") || n.equals("content-length") || n.equals("transfer-encoding")) continue;
                if (!upgrade && (n.equals("connection") || n.equals("upgrade"))) continue;
                fwd.add(h.name(i), h.value(i));
            }
            fwd.add("Host", "127.0.0.1:" + up);
            if (!upgrade) fwd.add("Connection", "close");
            if (body.length > 0) fwd.add("Content-Length", Integer.toString(body.length));
            HttpWire.writeRequestHead(uout, method, rest + query, fwd);
            uout.write(body);
            uout.flush();
            HttpWire.ResponseHead head = HttpWire.readResponseHead(uin);
            StringBuilder b = new StringBuilder("HTTP/1.1 ").append(head.status()).append(' ').append(head.reason()).append("\r\n");
            HeaderList rh = head.headers();
            boolean chunked = rh.hasToken("Transfer-Encoding", "chunked");
            String cl = rh.first("Content-Length");
            for (int i = 0; i < rh.size(); i++) {
                String n = rh.name(i).toLowerCase();
                String v = rh.value(i);
                if (n.equals("connection") && head.status() != 101) continue;
                if (n.equals("location")) v = rewriteLocation(v, up, prefix);
                b.append(rh.name(i)).append(": ").append(v).append("\r\n");
            }
            boolean untilClose = head.status() != 101 && !chunked && cl == null && !"HEAD".equals(method)
                    && head.status() != 204 && head.status() != 304;
            if (untilClose) b.append("Connection: close\r\n");
            b.append("\r\n");
            out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (head.status() == 101) {
                pipeBothWays(in, out, uin, uout);
                return false;
            }
            if ("HEAD".equals(method) || head.status() == 204 || head.status() == 304) return true;
            InputStream src = chunked ? HttpWire.chunked(uin) : cl != null ? HttpWire.fixed(uin, Long.parseLong(cl.trim())) : HttpWire.untilClose(uin);
            OutputStream dst = chunked ? new HttpWire.ChunkedOutput(out) : out;
            byte[] buf = new byte[32 * 1024];
            int n;
            while ((n = src.read(buf)) >= 0) {
                dst.write(buf, 0, n);
                if (src.available() == 0) dst.flush();
            }
            if (chunked) dst.close();
            out.flush();
            return !untilClose;
        }
    }

    /** Like the API server's proxy transport: a redirect to the backend itself is made to go through the proxy path. */
    private String rewriteLocation(String loc, int upstreamPort, String prefix) {
        String backend = "http://127.0.0.1:" + upstreamPort;
        if (loc.startsWith(backend)) return url() + prefix + loc.substring(backend.length());
        if (loc.startsWith("/")) return prefix + loc;
        return loc;
    }

    private void pipeBothWays(InputStream cin, OutputStream cout, InputStream uin, OutputStream uout) {
        var f = pool.submit(() -> copy(uin, cout));
        copy(cin, uout);
        try {
            f.get();
        } catch (Exception ignored) {
            // ended
        }
    }

    private static Void copy(InputStream from, OutputStream to) {
        byte[] buf = new byte[32 * 1024];
        try {
            int n;
            while ((n = from.read(buf)) >= 0) {
                to.write(buf, 0, n);
                if (from.available() == 0) to.flush();
            }
        } catch (IOException ignored) {
            // one side closed
        } finally {
            try {
                to.close();
            } catch (IOException ignored) {
                // closing
            }
        }
        return null;
    }

    /** {@code pods/{pod}/portforward}: the v4 channel protocol (data channel 0, error channel 1) to the routed upstream. */
    private void portForward(String ns, String pod, String target, HeaderList h, InputStream in, OutputStream out) throws IOException {
        int port = Integer.parseInt(target.replaceAll(".*[?&]ports=(\\d+).*", "$1"));
        if (!authorized(h)) {
            unauthorized.incrementAndGet();
            status(out, 401, "Unauthorized", "Unauthorized");
            return;
        }
        portForwards.incrementAndGet();
        Integer up = routes.get(ns + "/pods/" + pod + ":" + port);
        StringBuilder head = new StringBuilder("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Accept: ").append(WsCodec.accept(h.first("Sec-WebSocket-Key"))).append("\r\n");
        String protos = h.first("Sec-WebSocket-Protocol");
        if (protos != null) head.append("Sec-WebSocket-Protocol: ").append(protos.split(",")[0].trim()).append("\r\n");
        out.write(head.append("\r\n").toString().getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        byte[] portHeader = {0, (byte) (port & 0xff), (byte) (port >>> 8)};
        WsCodec.write(out, true, 0x2, portHeader, false);
        WsCodec.write(out, true, 0x2, new byte[] {1, (byte) (port & 0xff), (byte) (port >>> 8)}, false);
        if (up == null) {
            WsCodec.write(out, true, 0x2, concat((byte) 1, "error forwarding port: connection refused".getBytes(StandardCharsets.UTF_8)), false);
            WsCodec.write(out, true, 0x8, WsCodec.closePayload(1000, ""), false);
            return;
        }
        try (Socket u = new Socket(InetAddress.getLoopbackAddress(), up)) {
            u.setTcpNoDelay(true);
            InputStream uin = u.getInputStream();
            OutputStream uout = u.getOutputStream();
            var f = pool.submit(() -> {
                byte[] buf = new byte[32 * 1024];
                try {
                    int n;
                    while ((n = uin.read(buf)) >= 0) {
                        byte[] msg = new byte[n + 1];
                        System.arraycopy(buf, 0, msg, 1, n);
                        WsCodec.write(out, true, 0x2, msg, false);
                    }
                    WsCodec.write(out, true, 0x8, WsCodec.closePayload(1000, ""), false);
                } catch (IOException ignored) {
                    // closed
                }
                return null;
            });
            try {
                while (true) {
                    WsCodec.Frame fr = WsCodec.read(in);
                    if (fr.opcode() == 0x8) break;
                    if (fr.opcode() == 0x9) {
                        WsCodec.write(out, true, 0xA, fr.payload(), false);
                        continue;
                    }
                    if (fr.payload().length > 1 && fr.payload()[0] == 0) {
                        uout.write(fr.payload(), 1, fr.payload().length - 1);
                        uout.flush();
                    }
                }
            } catch (IOException ignored) {
                // client went away
            }
            u.close();
            try {
                f.get();
            } catch (Exception ignored) {
                // ended
            }
        }
    }

    private static byte[] concat(byte first, byte[] rest) {
        byte[] b = new byte[rest.length + 1];
        b[0] = first;
        System.arraycopy(rest, 0, b, 1, rest.length);
        return b;
    }

    /** Everything else goes to the CRUD mock, one connection per request (Connection: close both ways). */
    private void relayToMock(String method, String target, HeaderList h, InputStream in, OutputStream out) throws IOException {
        URI mu = URI.create(mockUrl);
        Socket raw = new Socket(InetAddress.getLoopbackAddress(), mu.getPort());
        Socket u = "https".equals(mu.getScheme()) ? trustAll().createSocket(raw, "127.0.0.1", mu.getPort(), true) : raw;
        try (u) {
            InputStream uin = new BufferedInputStream(u.getInputStream());
            OutputStream uout = new BufferedOutputStream(u.getOutputStream());
            HeaderList fwd = new HeaderList();
            for (int i = 0; i < h.size(); i++) {
                String n = h.name(i).toLowerCase();
                if (n.equals("host") || n.equals("connection") || n.equals("upgrade") || n.equals("keep-alive")) continue;
                fwd.add(h.name(i), h.value(i));
            }
            fwd.add("Host", "127.0.0.1:" + mu.getPort());
            boolean upgrade = h.hasToken("Connection", "upgrade");
            if (upgrade) {
                fwd.add("Connection", "Upgrade");
                fwd.add("Upgrade", h.first("Upgrade"));
            } else {
                fwd.add("Connection", "close");
            }
            HttpWire.writeRequestHead(uout, method, target, fwd);
            if (h.hasToken("Transfer-Encoding", "chunked")) {
                InputStream b = HttpWire.chunked(in);
                HttpWire.ChunkedOutput co = new HttpWire.ChunkedOutput(uout);
                b.transferTo(co);
                co.close();
            } else if (h.first("Content-Length") != null) {
                uout.write(in.readNBytes(Integer.parseInt(h.first("Content-Length").trim())));
            }
            uout.flush();
            HttpWire.ResponseHead head = HttpWire.readResponseHead(uin);
            StringBuilder b = new StringBuilder("HTTP/1.1 ").append(head.status()).append(' ').append(head.reason()).append("\r\n");
            for (int i = 0; i < head.headers().size(); i++) {
                String n = head.headers().name(i).toLowerCase();
                if (n.equals("connection") && head.status() != 101) continue;
                b.append(head.headers().name(i)).append(": ").append(head.headers().value(i)).append("\r\n");
            }
            if (head.status() != 101) b.append("Connection: close\r\n");
            b.append("\r\n");
            out.write(b.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            if (head.status() == 101) {
                pipeBothWays(in, out, uin, uout);
                return;
            }
            copy(uin, out);
        }
    }

    static SSLSocketFactory trustAll() {
        try {
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, new TrustManager[] {new X509TrustManager() {
                @Override public void checkClientTrusted(X509Certificate[] c, String a) { }
                @Override public void checkServerTrusted(X509Certificate[] c, String a) { }
                @Override public X509Certificate[] getAcceptedIssuers() { return new X509Certificate[0]; }
            }}, null);
            return ctx.getSocketFactory();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** A kubeconfig for this double with the given bearer token. */
    public String kubeconfig(String name, String caPemBase64) {
        String tlsLine = caPemBase64 == null ? "    insecure-skip-tls-verify: true\n" : "    certificate-authority-data: " + caPemBase64 + "\n";
        return "apiVersion: v1\nkind: Config\ncurrent-context: " + name + "\n"
                + "clusters:\n- name: " + name + "\n  cluster:\n    server: " + url() + "\n" + (tls ? tlsLine : "")
                + "contexts:\n- name: " + name + "\n  context:\n    cluster: " + name + "\n    user: " + name + "-user\n    namespace: default\n"
                + "users:\n- name: " + name + "-user\n  user:\n    token: " + token + "\n";
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
}
