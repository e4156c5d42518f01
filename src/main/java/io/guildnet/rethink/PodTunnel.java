package io.guildnet.rethink;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * A port-forward through the cluster's API server to a pod: the last discovery fallback when no
 * Service address is reachable from the Host App. The proxy package's port-forward manager
 * implements it (wired by {@link RethinkModule}); the returned loopback address stays open until
 * the cluster instance closes.
 */
public interface PodTunnel {
    InetSocketAddress open(String namespace, String pod, int port) throws IOException;
}
