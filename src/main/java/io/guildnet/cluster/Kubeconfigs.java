package io.guildnet.cluster;

import io.fabric8.kubernetes.api.model.NamedCluster;
import io.fabric8.kubernetes.api.model.NamedContext;
import io.fabric8.kubernetes.client.internal.KubeConfigUtils;
import io.guildnet.api.ApiException;
import java.net.URI;
import java.util.Map;

/** Validation of pasted or uploaded kubeconfigs: YAML, a current context, a cluster with a server URL. */
public final class Kubeconfigs {

    /** What a valid kubeconfig points at. */
    public record Summary(String context, String cluster, String server) {}

    private Kubeconfigs() {}

    public static Summary validate(String yaml) {
        if (yaml == null || yaml.isBlank()) throw ApiException.badRequest("missing_kubeconfig", "kubeconfig is required");
        io.fabric8.kubernetes.api.model.Config cfg;
        try {
            cfg = KubeConfigUtils.parseConfigFromString(yaml);
        } catch (RuntimeException e) {
            throw ApiException.badRequest("bad_kubeconfig", "kubeconfig is not valid YAML", Map.of("error", firstLine(e.getMessage())));
        }
        if (cfg == null) throw ApiException.badRequest("bad_kubeconfig", "kubeconfig is empty");
        String current = cfg.getCurrentContext();
        if (current == null || current.isBlank()) {
            throw ApiException.badRequest("bad_kubeconfig", "kubeconfig has no current-context; set one with kubectl config use-context");
        }
        NamedContext ctx = cfg.getContexts() == null ? null
                : cfg.getContexts().stream().filter(c -> current.equals(c.getName())).findFirst().orElse(null);
        if (ctx == null || ctx.getContext() == null) {
            throw ApiException.badRequest("bad_kubeconfig", "current-context '" + current + "' is not defined in contexts");
        }
        String clusterName = ctx.getContext().getCluster();
        NamedCluster nc = cfg.getClusters() == null ? null
                : cfg.getClusters().stream().filter(c -> c.getName() != null && c.getName().equals(clusterName)).findFirst().orElse(null);
        if (nc == null || nc.getCluster() == null || nc.getCluster().getServer() == null || nc.getCluster().getServer().isBlank()) {
            throw ApiException.badRequest("bad_kubeconfig", "context '" + current + "' names cluster '" + clusterName + "' which has no server URL");
        }
        String server = nc.getCluster().getServer().trim();
        try {
            URI u = URI.create(server);
            if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) throw new IllegalArgumentException();
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("bad_kubeconfig", "cluster server '" + server + "' is not an http(s) URL");
        }
        return new Summary(current, clusterName, server);
    }

    private static String firstLine(String s) {
        if (s == null) return "parse error";
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }
}
