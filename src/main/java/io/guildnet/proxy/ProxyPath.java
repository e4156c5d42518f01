package io.guildnet.proxy;

/** How a proxied request reached the workspace; shown in {@code X-Guild-Proxy-Path} and in metrics. */
public enum ProxyPath {
    /** The API server's service proxy: {@code /api/v1/namespaces/{ns}/services/{scheme}:{svc}:{port}/proxy}. */
    SERVICE("service-proxy"),
    /** The API server's pod proxy: {@code /api/v1/namespaces/{ns}/pods/{scheme}:{pod}:{port}/proxy}. */
    POD("pod-proxy"),
    /** A shared fabric8 port-forward to the pod, on a loopback port of the Host App. */
    PORT_FORWARD("port-forward"),
    /** The Service's ClusterIP, when the Host App runs inside that cluster. */
    DIRECT("direct"),
    /** A raw allowlisted {@code host:port} target. */
    ALLOWLISTED("allowlisted");

    private final String wire;

    ProxyPath(String wire) { this.wire = wire; }

    public String wire() { return wire; }
}
