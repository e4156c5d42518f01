package io.guildnet.cluster;

import java.net.InetSocketAddress;
import java.net.Proxy;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * A cluster's own way out of the Host App (its tailnet connector): loopback proxies every
 * connection to that cluster goes through. Attached to the instance as {@link #PART} and
 * closed with it; the Kubernetes client is built to use {@link #httpProxy()}.
 */
public interface ClusterEgress extends AutoCloseable, PartHealth {

    String PART = "tailnet";

    /** The loopback HTTP CONNECT proxy (fabric8's JDK HTTP client). */
    InetSocketAddress httpProxy();

    /** The loopback SOCKS5 proxy (raw sockets: the reverse proxy's upstreams). */
    InetSocketAddress socksProxy();

    default Proxy socks() { return new Proxy(Proxy.Type.SOCKS, socksProxy()); }

    /** {@code starting}, {@code ok}, {@code degraded} or {@code stopped}. */
    String status();

    /**
     * Forwards TCP connections to this node's tailnet address, port {@code tailnetPort}, to
     * {@code 127.0.0.1:localPort} (published services).
     */
    default void serveTcp(int tailnetPort, int localPort) throws java.io.IOException {
        throw new java.io.IOException("this cluster's egress cannot publish services");
    }

    /** Stops forwarding {@code tailnetPort}. */
    default void unserveTcp(int tailnetPort) throws java.io.IOException {
        throw new java.io.IOException("this cluster's egress cannot publish services");
    }

    /** This node's first tailnet address, empty until known. */
    default Optional<String> tailnetIp() {
        return Optional.empty();
    }

    @Override
    void close();

    /** Opens the egress of a cluster whose settings ask for one; empty when they do not. */
    @FunctionalInterface
    interface Factory {
        Factory NONE = (id, settings, key) -> Optional.empty();

        Optional<ClusterEgress> open(String clusterId, ClusterSettings settings, Supplier<Optional<String>> clientAuthKey);

        /** The cluster is deleted: drop what the egress kept for it (a connector's node state). */
        default void forget(String clusterId) { }
    }
}
