package io.guildnet.bench;

import io.guildnet.proxy.FakeWorkspace;
import java.io.FileInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * WebSocket figures for docs/benchmarks.md: echo round trip direct vs through the Host App
 * (side by side, interleaved, same upstream), then N idle WebSockets held open through it.
 * Args: hostAppBase (https://127.0.0.1:port) certFile wsUpstreamPort rounds idleCount.
 * Prints one line per figure; the caller measures the Host App's heap meanwhile.
 */
public final class ProxyWsBench {

    static final class Echo implements WebSocket.Listener {
        final LinkedBlockingQueue<String> got = new LinkedBlockingQueue<>();
        final StringBuilder buf = new StringBuilder();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            buf.append(data);
            if (last) {
                got.add(buf.toString());
                buf.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    public static void main(String[] args) throws Exception {
        String base = args[0];
        String cert = args[1];
        int upstream = Integer.parseInt(args[2]);
        int rounds = Integer.parseInt(args[3]);
        int idle = Integer.parseInt(args[4]);
        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        try (var in = new FileInputStream(cert)) {
            ts.setCertificateEntry("h", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(ts);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        HttpClient client = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(10)).build();

        String direct = "ws://127.0.0.1:" + upstream + "/ws";
        String proxied = base.replace("https", "wss") + "/proxy/127.0.0.1:" + upstream + "/ws";
        Echo de = new Echo(), pe = new Echo();
        WebSocket d = client.newWebSocketBuilder().buildAsync(URI.create(direct), de).get(10, TimeUnit.SECONDS);
        WebSocket p = client.newWebSocketBuilder().header("Origin", base).buildAsync(URI.create(proxied), pe).get(10, TimeUnit.SECONDS);
        String msg = "x".repeat(64);
        long[] dt = new long[rounds], pt = new long[rounds];
        for (int i = 0; i < rounds + 1000; i++) { // first 1000: warm-up, not counted
            long t0 = System.nanoTime();
            d.sendText(msg, true).join();
            de.got.take();
            long t1 = System.nanoTime();
            p.sendText(msg, true).join();
            pe.got.take();
            long t2 = System.nanoTime();
            if (i >= 1000) {
                dt[i - 1000] = t1 - t0;
                pt[i - 1000] = t2 - t1;
            }
        }
        Arrays.sort(dt);
        Arrays.sort(pt);
        System.out.printf("ws_rtt_direct_us p50=%d p99=%d%n", dt[rounds / 2] / 1000, dt[rounds * 99 / 100] / 1000);
        System.out.printf("ws_rtt_proxied_us p50=%d p99=%d%n", pt[rounds / 2] / 1000, pt[rounds * 99 / 100] / 1000);
        System.out.printf("ws_rtt_added_us p50=%d p99=%d%n", (pt[rounds / 2] - dt[rounds / 2]) / 1000,
                (pt[rounds * 99 / 100] - dt[rounds * 99 / 100]) / 1000);
        d.sendClose(1000, "").join();
        p.sendClose(1000, "").join();

        List<WebSocket> open = new ArrayList<>();
        List<CompletableFuture<WebSocket>> pending = new ArrayList<>();
        for (int i = 0; i < idle; i++) {
            pending.add(client.newWebSocketBuilder().header("Origin", base).buildAsync(URI.create(proxied), new Echo()));
            if (pending.size() == 50) {
                for (var f : pending) open.add(f.get(30, TimeUnit.SECONDS));
                pending.clear();
            }
        }
        for (var f : pending) open.add(f.get(30, TimeUnit.SECONDS));
        System.out.println("idle_open " + open.size());
        System.out.flush();
        // hold them while the caller measures; it signals the end by closing stdin
        while (System.in.read() >= 0) { }
        for (WebSocket w : open) w.abort();
    }

    /** A standalone WebSocket/HTTP upstream for the benchmark script. */
    public static final class Upstream {
        public static void main(String[] args) throws Exception {
            FakeWorkspace.main(args);
        }
    }
}
