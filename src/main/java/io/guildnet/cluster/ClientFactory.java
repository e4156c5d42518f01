package io.guildnet.cluster;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import java.net.URI;

/**
 * Builds a cluster's fabric8 client from its kubeconfig and settings.
 *
 * <p>{@code api_proxy_url} replaces the API server address (an {@code http://}
 * URL, e.g. a {@code kubectl proxy}, needs no TLS); {@code api_proxy_force_http}
 * forces plain HTTP. Timeouts are short so an unreachable cluster answers fast.
 */
public class ClientFactory {

    private final int connectTimeoutMs;
    private final int requestTimeoutMs;

    public ClientFactory(int connectTimeoutMs, int requestTimeoutMs) {
        this.connectTimeoutMs = connectTimeoutMs;
        this.requestTimeoutMs = requestTimeoutMs;
    }

    public KubernetesClient build(String kubeconfig, ClusterSettings s) {
        return build(kubeconfig, s, null);
    }

    /** As {@link #build(String, ClusterSettings)}; every request goes through {@code httpProxy} (a tailnet connector) when given. */
    public KubernetesClient build(String kubeconfig, ClusterSettings s, java.net.InetSocketAddress httpProxy) {
        Kubeconfigs.validate(kubeconfig);
        Config cfg = Config.fromKubeconfig(kubeconfig);
        String proxy = s.bool("disable_api_proxy") ? "" : s.string("api_proxy_url");
        if (!proxy.isEmpty()) cfg.setMasterUrl(proxy);
        if (s.bool("api_proxy_force_http")) {
            URI u = URI.create(cfg.getMasterUrl());
            cfg.setMasterUrl("http://" + u.getRawAuthority() + (u.getRawPath() == null ? "" : u.getRawPath()));
        }
        if (httpProxy != null) {
            String p = "http://" + httpProxy.getHostString() + ":" + httpProxy.getPort();
            cfg.setHttpProxy(p);
            cfg.setHttpsProxy(p);
            // NO_PROXY from the environment must not let a cluster's traffic bypass its connector
            cfg.setNoProxy(new String[0]);
        }
        cfg.setConnectionTimeout(connectTimeoutMs);
        cfg.setRequestTimeout(requestTimeoutMs);
        cfg.setRequestRetryBackoffLimit(0);
        return new KubernetesClientBuilder().withConfig(cfg).withHttpClientFactory(new JdkHttpClientFactory()).build();
    }
}
