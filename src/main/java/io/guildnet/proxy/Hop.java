package io.guildnet.proxy;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * One way to reach the workspace: where to connect (resolved only when this hop is tried, so
 * a fallback port-forward is opened only when needed), the path prefix to put before the
 * request's sub-path there, headers to add (the cluster's credentials toward the API server),
 * and what to do when this way fails (e.g. forget a dead port-forward, drop a cached target).
 */
public record Hop(ProxyPath path, Source source, String prefix, HeaderList extra, boolean apiServer,
                  Consumer<String> onFailure) {

    /** Where this hop connects; may open something (a port-forward) and fail. */
    @FunctionalInterface
    public interface Source {
        Upstream get() throws IOException;
    }

    public static Hop direct(ProxyPath path, Upstream u) {
        return new Hop(path, () -> u, "", new HeaderList(), false, e -> { });
    }

    void failed(String why) {
        if (onFailure != null) onFailure.accept(why);
    }
}
