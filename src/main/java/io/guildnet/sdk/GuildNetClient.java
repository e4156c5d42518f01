package io.guildnet.sdk;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The GuildNet Host App client. Build one with {@link #builder(String)}, use the resource views
 * ({@link #clusters()}, {@link #workspaces(String)}, {@link #db(String)}, {@link #jobs()},
 * {@link #health()}), close it when done (ends open subscriptions).
 *
 * <pre>{@code
 * try (GuildNetClient gn = GuildNetClient.builder("https://127.0.0.1:8090")
 *         .token(System.getenv("MGN_API_TOKEN")).trustGuildNetHome(Path.of(System.getProperty("user.home"), ".guildnet"))
 *         .build()) {
 *     for (ClusterRecord c : gn.clusters().list()) System.out.println(c.id() + " " + c.state());
 * }
 * }</pre>
 */
public final class GuildNetClient implements AutoCloseable {

    /** The SDK version (the jar's Implementation-Version; "dev" from classes). */
    public static final String VERSION;

    static {
        Package p = GuildNetClient.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        VERSION = v == null ? "dev" : v;
    }

    final Transport transport;
    private final ExecutorService streams;

    private GuildNetClient(Transport transport, ExecutorService streams) {
        this.transport = transport;
        this.streams = streams;
    }

    public static Builder builder(String baseUrl) {
        return new Builder(baseUrl);
    }

    public URI baseUri() { return transport.base; }

    public Clusters clusters() { return new Clusters(transport); }

    public Workspaces workspaces(String clusterId) { return new Workspaces(transport, clusterId, streams); }

    public Databases db(String clusterId) { return new Databases(transport, clusterId, streams); }

    public Jobs jobs() { return new Jobs(transport); }

    public Health health() { return new Health(transport); }

    /** How many requests were retried so far (503 or connect failures). */
    public long retries() { return transport.retries.get(); }

    @Override
    public void close() {
        streams.shutdownNow();
    }

    /** Builds a {@link GuildNetClient}. */
    public static final class Builder {
        private final URI base;
        private String token;
        private Duration connectTimeout = Duration.ofSeconds(10);
        private Duration requestTimeout = Duration.ofSeconds(30);
        private int maxRetries = 3;
        private Duration backoff = Duration.ofMillis(250);
        private Duration maxBackoff = Duration.ofSeconds(8);
        private final List<X509Certificate> trusted = new ArrayList<>();
        private boolean trustSystem = true;
        private String userAgent = "guildnet-sdk/" + VERSION;

        private Builder(String baseUrl) {
            if (baseUrl == null || baseUrl.isBlank()) throw new IllegalArgumentException("base URL required");
            this.base = URI.create(baseUrl.trim());
            if (base.getScheme() == null || base.getHost() == null) throw new IllegalArgumentException("not an absolute URL: " + baseUrl);
        }

        /** The API token, sent as {@code Authorization: Bearer}. Null or empty: none (loopback callers need none). */
        public Builder token(String token) { this.token = token; return this; }

        public Builder connectTimeout(Duration d) { this.connectTimeout = d; return this; }

        /** Per-request timeout for plain calls (streams have none). */
        public Builder requestTimeout(Duration d) { this.requestTimeout = d; return this; }

        /** Retries for 503 answers and connections that could not be opened (default 3); 0 disables. */
        public Builder maxRetries(int n) {
            if (n < 0) throw new IllegalArgumentException("maxRetries < 0");
            this.maxRetries = n;
            return this;
        }

        /** The first retry's delay; each further one doubles, up to {@code max} (defaults 250 ms, 8 s). */
        public Builder backoff(Duration first, Duration max) { this.backoff = first; this.maxBackoff = max; return this; }

        /** Also trusts the certificates (PEM, one or more) in this file, e.g. a CA or the Host App's own certificate. */
        public Builder trustCertificates(Path pemFile) {
            try (InputStream in = Files.newInputStream(pemFile)) {
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) trusted.add((X509Certificate) c);
            } catch (IOException | CertificateException e) {
                throw new IllegalArgumentException("cannot read certificates from " + pemFile + ": " + e.getMessage(), e);
            }
            return this;
        }

        /**
         * Trusts the self-signed certificate of the Host App whose GUILDNET_HOME this is
         * ({@code state/certs/server.crt}); does nothing when that file does not exist.
         */
        public Builder trustGuildNetHome(Path guildnetHome) {
            Path crt = guildnetHome.resolve("state/certs/server.crt");
            if (Files.isReadable(crt)) trustCertificates(crt);
            return this;
        }

        /** Whether the JDK's default CAs are trusted as well (default true). */
        public Builder trustSystemCertificates(boolean on) { this.trustSystem = on; return this; }

        public Builder userAgent(String ua) { this.userAgent = ua; return this; }

        /**
         * A MicroProfile Rest Client for one of the interfaces in {@code io.guildnet.sdk.rest}
         * ({@code ClustersApi}, {@code WorkspacesApi}, {@code DatabasesApi}, {@code JobsApi},
         * {@code HostApi}) with this builder's URL, token, timeouts, TLS trust and retries; errors
         * arrive as the same typed exceptions. Needs a Rest Client implementation and a JSON-P provider
         * on the class path (e.g. RESTEasy's {@code microprofile-rest-client} and
         * {@code resteasy-json-p-provider}, or a MicroProfile server's own). Close it when done.
         */
        public <T> T restClient(Class<T> api) {
            SSLContext ssl = "https".equalsIgnoreCase(base.getScheme()) && (!trusted.isEmpty() || !trustSystem) ? sslContext() : null;
            return RestClientFactory.create(api, base, token, connectTimeout, requestTimeout, ssl, userAgent, maxRetries, backoff, maxBackoff);
        }

        public GuildNetClient build() {
            HttpClient.Builder hb = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(connectTimeout).followRedirects(HttpClient.Redirect.NEVER);
            if ("https".equalsIgnoreCase(base.getScheme()) && (!trusted.isEmpty() || !trustSystem)) hb.sslContext(sslContext());
            ExecutorService streams = Executors.newCachedThreadPool(daemonThreads());
            return new GuildNetClient(new Transport(base, token, hb.build(), requestTimeout, maxRetries, backoff, maxBackoff, userAgent),
                    streams);
        }

        private SSLContext sslContext() {
            try {
                List<java.util.function.Supplier<X509TrustManager>> managers = new ArrayList<>();
                if (!trusted.isEmpty()) {
                    KeyStore ks = KeyStore.getInstance("PKCS12");
                    ks.load(null, null);
                    for (int i = 0; i < trusted.size(); i++) ks.setCertificateEntry("trusted-" + i, trusted.get(i));
                    X509TrustManager own = trustManager(ks);
                    managers.add(() -> own);
                }
                // the JDK's CA store is only loaded when the own certificates do not match (start-up time)
                if (trustSystem) managers.add(new SystemTrust());
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, new TrustManager[] {new AnyOf(managers)}, null);
                return ctx;
            } catch (GeneralSecurityException | IOException e) {
                throw new IllegalStateException("cannot set up TLS trust: " + e.getMessage(), e);
            }
        }

        private static X509TrustManager trustManager(KeyStore ks) throws GeneralSecurityException {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(ks);
            for (TrustManager tm : tmf.getTrustManagers()) if (tm instanceof X509TrustManager x) return x;
            throw new GeneralSecurityException("no X509TrustManager");
        }
    }

    private static ThreadFactory daemonThreads() {
        AtomicInteger n = new AtomicInteger();
        return r -> {
            Thread t = Executors.defaultThreadFactory().newThread(r);
            t.setName("guildnet-sdk-stream-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        };
    }

    /** The JDK's default trust manager, loaded on first use. */
    private static final class SystemTrust implements java.util.function.Supplier<X509TrustManager> {
        private X509TrustManager tm;

        @Override
        public synchronized X509TrustManager get() {
            if (tm == null) {
                try {
                    tm = Builder.trustManager(null);
                } catch (GeneralSecurityException e) {
                    throw new IllegalStateException("cannot load the JDK's CA certificates: " + e.getMessage(), e);
                }
            }
            return tm;
        }
    }

    /** Trusts a server chain when any of the given managers does (custom certificates, then the JDK's CAs). */
    private record AnyOf(List<java.util.function.Supplier<X509TrustManager>> managers) implements X509TrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            throw new CertificateException("client certificates are not checked here");
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
            CertificateException last = new CertificateException("no trust manager");
            for (java.util.function.Supplier<X509TrustManager> m : managers) {
                try {
                    m.get().checkServerTrusted(chain, authType);
                    return;
                } catch (CertificateException e) {
                    last = e;
                }
            }
            throw last;
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return managers.stream().flatMap(m -> java.util.Arrays.stream(m.get().getAcceptedIssuers())).toArray(X509Certificate[]::new);
        }
    }
}
