package io.guildnet.batch.verify;

import java.time.Duration;

/**
 * APP03's way to a workspace: one GET through the Host App's own proxy route
 * ({@code /api/cluster/{id}/proxy/server/{name}/...}), never to an arbitrary address.
 */
@FunctionalInterface
public interface WorkspaceProxy {

    /** The answer: status, the path that carried it ({@code X-Guild-Proxy-Path}) and the body (bounded). */
    record Response(int status, String path, String body) {}

    /** Throws with the reason (e.g. every path tried and why it failed) when no path answered. */
    Response get(String workspace, String subPathAndQuery, Duration timeout) throws Exception;
}
