package io.guildnet.rethink;

import io.fabric8.kubernetes.api.model.LoadBalancerIngress;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAddress;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where a cluster's RethinkDB is (anchor §5.1, fixed): an explicit {@code rdb_addr} setting wins;
 * otherwise the {@code rethinkdb} Service gives LoadBalancer ingress, NodePort (external IP, else
 * internal) and ClusterIP addresses, tried in that order; last, a pod of that Service reached
 * through a port-forward ({@link PodTunnel}).
 */
public final class Discovery {

    public static final int CLIENT_PORT = 28015;

    /** One address to try: {@code host:port}, or a tunnel target when {@code pod} is set. */
    public record Candidate(String via, String host, int port, String namespace, String pod) {
        public String addr() { return pod == null ? host + ":" + port : "port-forward " + namespace + "/" + pod + ":" + port; }
    }

    private Discovery() {}

    /** Parses {@code host:port} ({@code [v6]:port}; port defaults to 28015). */
    public static Candidate explicit(String addr) {
        String a = addr.trim();
        String host;
        int port = CLIENT_PORT;
        if (a.startsWith("[")) {
            int end = a.indexOf(']');
            if (end < 0) throw new IllegalArgumentException("bad address " + addr);
            host = a.substring(1, end);
            if (a.length() > end + 1) port = Integer.parseInt(a.substring(end + 2));
        } else {
            int c = a.lastIndexOf(':');
            if (c > 0 && a.indexOf(':') == c) {
                host = a.substring(0, c);
                port = Integer.parseInt(a.substring(c + 1));
            } else host = a;
        }
        if (host.isBlank() || port < 1 || port > 65535) throw new IllegalArgumentException("bad address " + addr);
        return new Candidate("setting", host, port, null, null);
    }

    /** The candidates for a cluster, best first. */
    public static List<Candidate> candidates(String explicitAddr, KubernetesClient client, String namespace, String service) {
        List<Candidate> out = new ArrayList<>();
        if (explicitAddr != null && !explicitAddr.isBlank()) {
            out.add(explicit(explicitAddr));
            return out;
        }
        if (client == null) return out;
        Service svc = client.services().inNamespace(namespace).withName(service).get();
        if (svc == null) return out;
        ServicePort port = clientPort(svc).orElse(null);
        int svcPort = port == null || port.getPort() == null ? CLIENT_PORT : port.getPort();
        // 1. LoadBalancer ingress
        if (svc.getStatus() != null && svc.getStatus().getLoadBalancer() != null && svc.getStatus().getLoadBalancer().getIngress() != null) {
            for (LoadBalancerIngress in : svc.getStatus().getLoadBalancer().getIngress()) {
                String h = in.getIp() != null && !in.getIp().isBlank() ? in.getIp() : in.getHostname();
                if (h != null && !h.isBlank()) out.add(new Candidate("loadbalancer", h, svcPort, null, null));
            }
        }
        // 2. NodePort: a node's ExternalIP, else its InternalIP
        if (port != null && port.getNodePort() != null && port.getNodePort() > 0) {
            try {
                String ext = null, internal = null;
                for (Node n : client.nodes().list().getItems()) {
                    if (n.getStatus() == null || n.getStatus().getAddresses() == null) continue;
                    for (NodeAddress a : n.getStatus().getAddresses()) {
                        if ("ExternalIP".equals(a.getType()) && ext == null) ext = a.getAddress();
                        if ("InternalIP".equals(a.getType()) && internal == null) internal = a.getAddress();
                    }
                }
                if (ext != null) out.add(new Candidate("nodeport", ext, port.getNodePort(), null, null));
                if (internal != null) out.add(new Candidate("nodeport", internal, port.getNodePort(), null, null));
            } catch (RuntimeException e) {
                // listing nodes may be forbidden: fall through to ClusterIP
            }
        }
        // 3. ClusterIP
        String cip = svc.getSpec() == null ? null : svc.getSpec().getClusterIP();
        if (cip != null && !cip.isBlank() && !"None".equals(cip)) out.add(new Candidate("clusterip", cip, svcPort, null, null));
        // 4. a ready pod behind the Service, through a port-forward
        Map<String, String> sel = svc.getSpec() == null ? null : svc.getSpec().getSelector();
        if (sel != null && !sel.isEmpty()) {
            int target = port != null && port.getTargetPort() != null && port.getTargetPort().getIntVal() != null
                    ? port.getTargetPort().getIntVal() : CLIENT_PORT;
            for (Pod p : client.pods().inNamespace(namespace).withLabels(sel).list().getItems()) {
                if (p.getStatus() != null && "Running".equals(p.getStatus().getPhase())) {
                    out.add(new Candidate("port-forward", null, target, namespace, p.getMetadata().getName()));
                    break;
                }
            }
        }
        return out;
    }

    static Optional<ServicePort> clientPort(Service svc) {
        if (svc.getSpec() == null || svc.getSpec().getPorts() == null || svc.getSpec().getPorts().isEmpty()) return Optional.empty();
        for (ServicePort p : svc.getSpec().getPorts()) if ("client".equals(p.getName())) return Optional.of(p);
        for (ServicePort p : svc.getSpec().getPorts()) if (p.getPort() != null && p.getPort() == CLIENT_PORT) return Optional.of(p);
        return Optional.of(svc.getSpec().getPorts().get(0));
    }
}
