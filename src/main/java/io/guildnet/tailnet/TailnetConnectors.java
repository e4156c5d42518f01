package io.guildnet.tailnet;

import io.guildnet.cluster.ClusterEgress;
import io.guildnet.cluster.ClusterSettings;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * Opens a {@link Connector} for every cluster whose settings name a tailnet ({@code ts_login_server}
 * and a client auth key), and keeps the live ones for health and metrics. The cluster registry
 * calls {@link #open} before it builds the cluster's client, and closes the connector with the instance.
 */
public final class TailnetConnectors implements ClusterEgress.Factory {

    private final TailnetConfig config;
    private final ScheduledExecutorService scheduler;
    private final Clock clock;
    private final Consumer<Connector> onChange;
    private final Map<String, Connector> live = new ConcurrentHashMap<>();

    public TailnetConnectors(TailnetConfig config, ScheduledExecutorService scheduler, Clock clock, Consumer<Connector> onChange) {
        this.config = config;
        this.scheduler = scheduler;
        this.clock = clock;
        this.onChange = onChange == null ? c -> { } : onChange;
    }

    public TailnetConfig config() { return config; }

    /** Whether {@code s} (with a stored client key) asks for a connector. */
    public static boolean configured(ClusterSettings s, boolean keySet) {
        return !s.string("ts_login_server").isEmpty() && keySet;
    }

    @Override
    public Optional<ClusterEgress> open(String clusterId, ClusterSettings s, Supplier<Optional<String>> clientAuthKey) {
        String login = s.string("ts_login_server");
        if (login.isEmpty()) return Optional.empty();
        Optional<String> key = clientAuthKey.get().filter(k -> !k.isBlank());
        if (key.isEmpty()) return Optional.empty();
        String custom = s.string("ts_state_path");
        Path dir = custom.isEmpty() ? config.stateDir(clusterId) : custom(custom);
        if (custom.isEmpty()) {
            try {
                io.guildnet.security.SecureFiles.privateDir(config.root());
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create " + config.root() + ": " + e.getMessage(), e);
            }
        }
        Connector c = new Connector(new Connector.Spec(clusterId, login, key.get(), dir, config.nodeName(clusterId)), config, scheduler, clock,
                changed -> {
                    if ("stopped".equals(changed.status())) live.remove(clusterId, changed);
                    onChange.accept(changed);
                });
        try {
            c.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + ": " + e.getMessage(), e);
        }
        Connector old = live.put(clusterId, c);
        if (old != null && old != c) old.close();
        return Optional.of(c);
    }

    /** Deletes the node state of a deleted cluster (default location only: a custom {@code ts_state_path} is the user's). */
    @Override
    public void forget(String clusterId) {
        Connector c = live.remove(clusterId);
        if (c != null) c.close();
        try {
            io.guildnet.security.SecureFiles.deleteTree(config.stateDir(clusterId));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A {@code ts_state_path}: absolute, and new, empty or already a connector's directory — the connector makes it
     * 0700 and writes into it, so an existing directory of something else (a home directory…) is refused.
     */
    static Path custom(String raw) {
        Path p = Path.of(raw);
        if (!p.isAbsolute()) throw new IllegalArgumentException("ts_state_path must be an absolute path");
        if (java.nio.file.Files.isDirectory(p)) {
            try (var list = java.nio.file.Files.list(p)) {
                boolean empty = list.findAny().isEmpty();
                boolean ours = java.nio.file.Files.exists(p.resolve(Connector.LOG_FILE)) || java.nio.file.Files.exists(p.resolve("tailscaled.state"));
                if (!empty && !ours) {
                    throw new IllegalArgumentException("ts_state_path " + p + " is a non-empty directory that is not a connector's state dir");
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        } else if (java.nio.file.Files.exists(p)) {
            throw new IllegalArgumentException("ts_state_path " + p + " exists and is not a directory");
        }
        return p;
    }

    /** The live connector of a cluster, if it has one. */
    public Optional<Connector> get(String clusterId) {
        return Optional.ofNullable(live.get(clusterId));
    }

    public Map<String, Connector> live() { return Map.copyOf(live); }

    /** How many live connectors are in {@code status} (metrics). */
    public long count(String status) {
        return live.values().stream().filter(c -> status.equals(c.status())).count();
    }

    /** Restarts of the live connectors' daemons so far (metrics). */
    public long restarts() {
        return live.values().stream().mapToLong(Connector::restarts).sum();
    }
}
