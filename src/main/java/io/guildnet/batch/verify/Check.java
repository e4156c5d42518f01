package io.guildnet.batch.verify;

/**
 * The verification checks, each with a stable code (documented with cause and fix in
 * docs/troubleshooting.md), its layer, a title, the fix suggested when it fails, and a
 * latency threshold where timing matters (0 = untimed).
 */
public enum Check {
    NET01("network", "DNS resolution of the API server", 500,
            "Check the server address in the kubeconfig and the host's DNS resolver (e.g. /etc/resolv.conf, tailnet MagicDNS)."),
    NET02("network", "TCP connection to the API server", 1000,
            "Check that the API server is running and reachable from this host (firewall, VPN/tailnet route, port in the kubeconfig)."),
    NET03("network", "TLS handshake with the API server", 2000,
            "Check the API server's certificate and TLS configuration; a proxy in between may be intercepting TLS."),
    NET04("network", "Tailnet connector", 0,
            "Start the cluster's tailnet connector (tailnet provisioning) or check its auth key."),
    NET05("network", "Headscale reachable", 0,
            "Check the Headscale endpoint and that it is running."),
    NET06("network", "Tailnet subnet router", 0,
            "Run tailnet-provision, or check the router: kubectl -n kube-system get ds tailscale-subnet-router; its routes must be approved in Headscale."),
    K8S01("cluster", "Kubernetes API /version", 1000,
            "The API server did not answer /version: check the kubeconfig's server, credentials and the API server's health."),
    K8S02("cluster", "Nodes Ready", 0,
            "Inspect the nodes (kubectl describe node): kubelet down, disk or memory pressure, or no node joined yet."),
    K8S03("cluster", "GuildNet CRDs installed", 0,
            "Run the guildnet-setup job (or kubectl apply -f crds/) to install the Workspace and Capability CRDs."),
    K8S04("cluster", "Workspace operator running", 0,
            "Run guildnet-setup to start the embedded operator, or deploy k8s/operator.yaml; check GN_EMBED_OPERATOR and the embed_operator setting."),
    K8S05("cluster", "Workspace operator leading", 0,
            "No operator holds the guildnet-workspace-operator lease in guildnet-system: check the operator's logs and its permission on Leases."),
    K8S06("cluster", "RBAC for GuildNet", 0,
            "Grant the Host App's identity the permissions in k8s/operator.yaml (ClusterRole guildnet-operator), or use a kubeconfig with them."),
    RDB01("database", "RethinkDB reachable", 1000,
            "Run guildnet-setup to deploy RethinkDB (k8s/rethinkdb.yaml) and check its Service."),
    RDB02("database", "RethinkDB write/read/delete probe", 2000,
            "The database answered but a write/read/delete failed: check its disk, permissions and logs."),
    RDB03("database", "RethinkDB changefeed round trip", 3000,
            "Changefeeds do not deliver: check the RethinkDB proxy/connection and the server logs."),
    APP01("application", "Host App health", 0,
            "Check the Host App log (messages.log) and its state directory ($GUILDNET_HOME/state): disk full or permissions."),
    APP02("application", "Probe Workspace created, reconciled and deleted", 8000,
            "The operator did not reconcile a probe Workspace in time: check K8S04/K8S05, the operator log and the namespace's quota."),
    APP03("application", "Proxied request to the probe workspace", 3000,
            "Read the message: the path that answered (X-Guild-Proxy-Path) or every path tried. Check the API server's services/proxy and pods/proxy "
            + "permissions, the workspace's Service and endpoints, a Capability denying 'proxy', and the cluster's prefer_pod_proxy/use_port_forward "
            + "settings; if the probe fails to start, set GUILDNET_BATCH_VERIFY_PROBE_IMAGE to a busybox image the cluster can pull.");

    private final String layer;
    private final String title;
    private final long thresholdMs;
    private final String fix;

    Check(String layer, String title, long thresholdMs, String fix) {
        this.layer = layer;
        this.title = title;
        this.thresholdMs = thresholdMs;
        this.fix = fix;
    }

    public String code() { return name(); }

    public String layer() { return layer; }

    public String title() { return title; }

    public long thresholdMs() { return thresholdMs; }

    public String fix() { return fix; }
}
