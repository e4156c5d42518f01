package io.guildnet.bench;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.guildnet.cluster.ClientFactory;
import io.guildnet.cluster.ClusterSettings;
import io.guildnet.tailnet.Connector;
import io.guildnet.tailnet.FakeTailscale;
import io.guildnet.tailnet.TailnetConfig;
import io.guildnet.tailnet.TailnetConnectors;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * Tailnet benchmark (docs/benchmarks.md, "Tailnet connector"), one run: (1) connector start time with
 * the fake tailscaled/tailscale pair, start() to status ok, sequentially and N at once; (2) Kubernetes
 * API call latency through a connector's local HTTP CONNECT hop vs direct, same mock API server (TLS),
 * alternating blocks so both see the same machine load. Args: [starts] [calls].
 */
public final class TailnetBench {

    public static void main(String[] args) throws Exception {
        int starts = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        int calls = args.length > 1 ? Integer.parseInt(args[1]) : 2000;
        Path work = Files.createTempDirectory("tailnet-bench");
        ScheduledExecutorService exec = Executors.newScheduledThreadPool(8);
        TailnetConfig cfg = FakeTailscale.config(work.resolve("bin"), work.resolve("tsnet"));
        TailnetConnectors connectors = new TailnetConnectors(cfg, exec, Clock.systemUTC(), null);
        ClusterSettings ts = ClusterSettings.empty().apply(jakarta.json.Json.createObjectBuilder()
                .add("ts_login_server", "https://hs.bench.test").build(), new java.util.HashSet<>(), new String[1]);

        // (1) start time
        double[] seq = new double[starts];
        for (int i = 0; i < starts; i++) {
            long t0 = System.nanoTime();
            Connector c = (Connector) connectors.open("seq" + i, ts, () -> Optional.of("bench-key")).orElseThrow();
            while (!"ok".equals(c.status())) Thread.sleep(5);
            seq[i] = (System.nanoTime() - t0) / 1e6;
            c.close();
        }
        long t0 = System.nanoTime();
        List<Connector> many = new ArrayList<>();
        for (int i = 0; i < starts; i++) many.add((Connector) connectors.open("par" + i, ts, () -> Optional.of("bench-key")).orElseThrow());
        for (Connector c : many) while (!"ok".equals(c.status())) Thread.sleep(5);
        double parallel = (System.nanoTime() - t0) / 1e6;
        many.forEach(Connector::close);
        Arrays.sort(seq);
        System.out.printf("connector start (fake tailscaled, start() -> ok), %d sequential: median %.0f ms, min %.0f, max %.0f%n",
                starts, seq[starts / 2], seq[0], seq[starts - 1]);
        System.out.printf("connector start, %d at once: all ok after %.0f ms%n", starts, parallel);

        // (2) API call latency: direct vs through the connector's HTTP CONNECT proxy
        KubernetesMockServer api = new KubernetesMockServer(new Context(Serialization.jsonMapper()), new MockWebServer(), new HashMap<>(),
                new KubernetesMixedDispatcher(new HashMap<>()), true);
        api.init(InetAddress.getLoopbackAddress(), 0);
        String url = api.url("/").replaceAll("/$", "");
        String kubeconfig = "apiVersion: v1\nkind: Config\ncurrent-context: b\nclusters:\n- name: b\n  cluster:\n    server: " + url
                + "\n    insecure-skip-tls-verify: true\ncontexts:\n- name: b\n  context:\n    cluster: b\n    user: u\nusers:\n- name: u\n  user:\n    token: t\n";
        Connector c = (Connector) connectors.open("api", ts, () -> Optional.of("bench-key")).orElseThrow();
        while (!"ok".equals(c.status())) Thread.sleep(5);
        ClientFactory f = new ClientFactory(5000, 10000);
        try (KubernetesClient direct = f.build(kubeconfig, ClusterSettings.empty());
             KubernetesClient via = f.build(kubeconfig, ClusterSettings.empty(), c.httpProxy())) {
            for (int i = 0; i < 300; i++) { // warm-up
                direct.configMaps().inNamespace("default").list();
                via.configMaps().inNamespace("default").list();
            }
            long[] d = new long[calls];
            long[] v = new long[calls];
            int block = 100;
            for (int b = 0; b < calls; b += block) {
                for (int i = b; i < Math.min(calls, b + block); i++) {
                    long s = System.nanoTime();
                    direct.configMaps().inNamespace("default").list();
                    d[i] = System.nanoTime() - s;
                }
                for (int i = b; i < Math.min(calls, b + block); i++) {
                    long s = System.nanoTime();
                    via.configMaps().inNamespace("default").list();
                    v[i] = System.nanoTime() - s;
                }
            }
            Arrays.sort(d);
            Arrays.sort(v);
            System.out.printf("API call (list ConfigMaps, TLS, keep-alive), %d calls each:%n", calls);
            System.out.printf("  direct          p50 %.2f ms  p90 %.2f ms  p99 %.2f ms%n", d[calls / 2] / 1e6, d[calls * 9 / 10] / 1e6, d[calls * 99 / 100] / 1e6);
            System.out.printf("  via connector   p50 %.2f ms  p90 %.2f ms  p99 %.2f ms%n", v[calls / 2] / 1e6, v[calls * 9 / 10] / 1e6, v[calls * 99 / 100] / 1e6);
            System.out.printf("  ratio p50 %.2f, p99 %.2f; tunnels opened by the proxy: %d%n", (double) v[calls / 2] / d[calls / 2],
                    (double) v[calls * 99 / 100] / d[calls * 99 / 100], FakeTailscale.forwarded(c.stateDir()).size());
        } finally {
            c.close();
            api.destroy();
            exec.shutdownNow();
        }
        System.exit(0);
    }
}
