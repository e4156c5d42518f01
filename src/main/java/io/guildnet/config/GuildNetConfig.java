package io.guildnet.config;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * One typed view over every knob the Host App reads at start-up.
 *
 * <p>Each knob has a MicroProfile Config key (dotted) and is readable from the
 * environment under its upper-case form (MicroProfile maps {@code guildnet.home}
 * to {@code GUILDNET_HOME}). The class is plain so tests build it from a map;
 * {@link ConfigProducer} builds it from MicroProfile Config in the server.
 * docs/configuration.md lists every knob with its default and effect.
 */
public final class GuildNetConfig {

    /** How mutating requests are authenticated. */
    public enum AuthMode {
        /** Token, session cookie, or a caller on a loopback address. */
        LOOPBACK_OR_TOKEN("loopback-or-token"),
        /** Token or session cookie on every request, loopback included. */
        TOKEN("token");

        private final String wire;

        AuthMode(String wire) { this.wire = wire; }

        public String wire() { return wire; }

        public static Optional<AuthMode> parse(String s) {
            if (s == null) return Optional.empty();
            String v = s.trim().toLowerCase(Locale.ROOT);
            for (AuthMode m : values()) if (m.wire.equals(v)) return Optional.of(m);
            return Optional.empty();
        }
    }

    public static final String DEFAULT_LISTEN = "127.0.0.1:8090";
    public static final long DEFAULT_MAX_BODY_BYTES = 16L * 1024 * 1024;
    public static final long DEFAULT_SESSION_TTL_SECONDS = 12L * 3600;

    private final Path home;
    private final ListenAddress listen;
    private final AuthMode authMode;
    private final Optional<String> apiToken;
    private final Optional<Path> tokensFile;
    private final Optional<String> masterKey;
    private final long maxBodyBytes;
    private final long sessionTtlSeconds;
    private final String name;
    private final Optional<String> kubeProxyAddr;
    private final boolean kubectlProxyAutodetect;
    private final long healthTtlSeconds;
    private final long clusterCheckTimeoutMs;
    private final long bootstrapPrewarmSeconds;
    private final boolean embedOperator;
    private final boolean ensureCrds;
    private final long workspaceStartTimeoutSeconds;
    private final String metallbPool;
    private final boolean operatorMode;

    private GuildNetConfig(Function<String, Optional<String>> lookup) {
        this.home = lookup.apply("guildnet.home").filter(s -> !s.isBlank())
                .map(GuildNetConfig::expandHome)
                .orElse(Path.of(System.getProperty("user.home"), ".guildnet"))
                .toAbsolutePath().normalize();
        String listenRaw = lookup.apply("listen.local").filter(s -> !s.isBlank()).orElse(DEFAULT_LISTEN);
        this.listen = ListenAddress.parse(listenRaw);
        String mode = lookup.apply("guildnet.auth.mode").filter(s -> !s.isBlank()).orElse("loopback-or-token");
        this.authMode = AuthMode.parse(mode).orElseThrow(() -> new IllegalArgumentException(
                "GUILDNET_AUTH_MODE must be 'loopback-or-token' or 'token', got '" + mode + "'"));
        this.apiToken = lookup.apply("guildnet.api.token").map(String::trim).filter(s -> !s.isEmpty());
        this.tokensFile = lookup.apply("guildnet.tokens.file").filter(s -> !s.isBlank()).map(GuildNetConfig::expandHome);
        // An empty master key is treated as absent (a generated key file is used), never as a zero key.
        this.masterKey = lookup.apply("guildnet.master.key").filter(s -> !s.isBlank());
        this.maxBodyBytes = positiveLong(lookup, "guildnet.max.body.bytes", DEFAULT_MAX_BODY_BYTES);
        this.sessionTtlSeconds = positiveLong(lookup, "guildnet.session.ttl.seconds", DEFAULT_SESSION_TTL_SECONDS);
        this.name = lookup.apply("guildnet.name").filter(s -> !s.isBlank()).orElse("GuildNet");
        this.kubeProxyAddr = lookup.apply("kube.proxy.addr").map(String::trim).filter(s -> !s.isEmpty());
        kubeProxyAddr.ifPresent(a -> {
            try {
                ListenAddress.parse(a);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("KUBE_PROXY_ADDR must be host:port (e.g. 127.0.0.1:8001), got '" + a + "'");
            }
        });
        this.kubectlProxyAutodetect = !lookup.apply("gn.kubectl.proxy.autodetect").map(String::trim)
                .map(v -> v.equals("0") || v.equalsIgnoreCase("false")).orElse(false);
        this.healthTtlSeconds = positiveLong(lookup, "guildnet.health.ttl.seconds", 15);
        this.clusterCheckTimeoutMs = positiveLong(lookup, "guildnet.cluster.check.timeout.ms", 3000);
        this.bootstrapPrewarmSeconds = positiveLong(lookup, "guildnet.bootstrap.prewarm.seconds", 10);
        this.embedOperator = flag(lookup, "gn.embed.operator", true);
        this.ensureCrds = flag(lookup, "gn.ensure.crds", true);
        this.workspaceStartTimeoutSeconds = positiveLong(lookup, "guildnet.workspace.start.timeout.seconds", 300);
        this.metallbPool = lookup.apply("metallb.pool.name").map(String::trim).orElse("workspaces");
        String runMode = lookup.apply("guildnet.mode").map(String::trim).filter(v -> !v.isEmpty()).orElse("host");
        if (!runMode.equals("host") && !runMode.equals("operator")) {
            throw new IllegalArgumentException("GUILDNET_MODE must be 'host' or 'operator', got '" + runMode + "'");
        }
        this.operatorMode = runMode.equals("operator");
    }

    private static boolean flag(Function<String, Optional<String>> lookup, String key, boolean dflt) {
        return lookup.apply(key).map(String::trim).filter(v -> !v.isEmpty())
                .map(v -> v.equals("1") || v.equalsIgnoreCase("true") || v.equalsIgnoreCase("yes")).orElse(dflt);
    }

    public static GuildNetConfig from(Function<String, Optional<String>> lookup) {
        return new GuildNetConfig(lookup);
    }

    public static GuildNetConfig fromMap(Map<String, String> values) {
        return new GuildNetConfig(k -> Optional.ofNullable(values.get(k)));
    }

    /** A positive whole number setting (default when unset or blank); a clear error naming the environment variable otherwise. */
    public static long positiveLong(Function<String, Optional<String>> lookup, String key, long dflt) {
        Optional<String> raw = lookup.apply(key).map(String::trim).filter(s -> !s.isEmpty());
        if (raw.isEmpty()) return dflt;
        try {
            long v = Long.parseLong(raw.get());
            if (v <= 0) throw new NumberFormatException();
            return v;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key.toUpperCase(Locale.ROOT).replace('.', '_')
                    + " must be a positive whole number, got '" + raw.get() + "'");
        }
    }

    static Path expandHome(String p) {
        String s = p.trim();
        if (s.equals("~")) return Path.of(System.getProperty("user.home"));
        if (s.startsWith("~/")) return Path.of(System.getProperty("user.home"), s.substring(2));
        return Path.of(s);
    }

    /** {@code $GUILDNET_HOME}: every byte of state lives below it. */
    public Path home() { return home; }

    public Path stateDir() { return home.resolve("state"); }

    public Path certsDir() { return stateDir().resolve("certs"); }

    public Path databaseFile() { return stateDir().resolve("guildnet.sqlite"); }

    public Path clusterStateDir(String clusterId) { return stateDir().resolve("clusters").resolve(clusterId); }

    public ListenAddress listen() { return listen; }

    public AuthMode authMode() { return authMode; }

    public Optional<String> apiToken() { return apiToken; }

    public Optional<Path> tokensFile() { return tokensFile; }

    public Optional<String> masterKey() { return masterKey; }

    public long maxBodyBytes() { return maxBodyBytes; }

    public long sessionTtlSeconds() { return sessionTtlSeconds; }

    public String name() { return name; }

    /** {@code KUBE_PROXY_ADDR}: a kubectl proxy to fall back to when a cluster's API server is unreachable. */
    public Optional<String> kubeProxyAddr() { return kubeProxyAddr; }

    /** {@code GN_KUBECTL_PROXY_AUTODETECT} (default on): also try a kubectl proxy on 127.0.0.1:8001. */
    public boolean kubectlProxyAutodetect() { return kubectlProxyAutodetect; }

    public long healthTtlSeconds() { return healthTtlSeconds; }

    public long clusterCheckTimeoutMs() { return clusterCheckTimeoutMs; }

    public long bootstrapPrewarmSeconds() { return bootstrapPrewarmSeconds; }

    /** {@code GN_EMBED_OPERATOR} (default on): run the Workspace operator inside each cluster instance. */
    public boolean embedOperator() { return embedOperator; }

    /** {@code GN_ENSURE_CRDS} (default on): apply the Workspace/Capability CRDs when a cluster instance starts. */
    public boolean ensureCrds() { return ensureCrds; }

    public long workspaceStartTimeoutSeconds() { return workspaceStartTimeoutSeconds; }

    /**
     * {@code GUILDNET_MODE=operator}: the in-cluster operator deployment — only the host's own
     * (in-cluster) default cluster and its Workspace operator run; registered clusters are not started.
     */
    public boolean operatorMode() { return operatorMode; }

    /** {@code METALLB_POOL_NAME}: address pool annotation for LoadBalancer workspaces ("" for none). */
    public String metallbPool() { return metallbPool; }
}
