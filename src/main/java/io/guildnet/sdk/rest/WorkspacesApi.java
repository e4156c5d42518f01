package io.guildnet.sdk.rest;

import io.guildnet.sdk.GuildNetErrorMapper;
import io.guildnet.sdk.ConnectionException;
import io.guildnet.sdk.GuildNetException;
import io.guildnet.sdk.Workspaces;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/** Workspaces of one cluster: {@code /api/cluster/{id}/workspaces}. Log follow is in {@link io.guildnet.sdk.GuildNetClient}. */
@RegisterRestClient(configKey = "guildnet")
@RegisterProvider(GuildNetErrorMapper.class)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface WorkspacesApi extends AutoCloseable {

    /** Launches a workspace: {@code {"id": name, "status": …}}. */
    @POST
    @Path("/api/cluster/{id}/workspaces")
    JsonObject create(@PathParam("id") String cluster, JsonObject spec);

    default String create(String cluster, Workspaces.Spec spec) {
        return create(cluster, spec.toJson()).getString("id");
    }

    @GET
    @Path("/api/cluster/{id}/workspaces")
    JsonArray list(@PathParam("id") String cluster);

    @GET
    @Path("/api/cluster/{id}/workspaces/{name}")
    JsonObject get(@PathParam("id") String cluster, @PathParam("name") String name);

    @DELETE
    @Path("/api/cluster/{id}/workspaces/{name}")
    JsonObject delete(@PathParam("id") String cluster, @PathParam("name") String name);

    /** The last {@code limit} log lines, {@code [{t, msg, …}]}. */
    @GET
    @Path("/api/cluster/{id}/workspaces/{name}/logs")
    JsonArray logs(@PathParam("id") String cluster, @PathParam("name") String name, @QueryParam("limit") Integer limit);

    /** Deletes every workspace the Capabilities allow: {@code {deleted:[…], denied:[…]}}. */
    @POST
    @Path("/api/cluster/{id}/workspaces/stop-all")
    JsonObject stopAll(@PathParam("id") String cluster);

    /**
     * Polls the list until the workspace reports {@code running} (returns its list entry); throws
     * {@link GuildNetException} {@code workspace_failed} when it failed and {@code timeout} when the
     * time is up, like {@link Workspaces#waitUntilRunning}.
     */
    default JsonObject waitUntilRunning(String cluster, String name, Duration timeout, Duration interval) {
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "absent";
        while (true) {
            JsonObject entry = list(cluster).getValuesAs(JsonObject.class).stream()
                    .filter(o -> name.equals(o.getString("id", null)) || name.equals(o.getString("name", null))).findFirst().orElse(null);
            if (entry != null) {
                last = entry.getString("status", "unknown");
                if ("running".equalsIgnoreCase(last)) return entry;
                if ("failed".equalsIgnoreCase(last)) {
                    throw new GuildNetException(0, "workspace_failed", "workspace " + name + " failed: " + entry.getString("error", "no reason given"),
                            null, entry);
                }
            }
            if (System.nanoTime() >= deadline) {
                throw new GuildNetException(0, "timeout", "workspace " + name + " not running after " + timeout + " (status " + last + ")", null, null);
            }
            try {
                Thread.sleep(Math.max(50, Math.min(interval.toMillis(), (deadline - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectionException("interrupted", e);
            }
        }
    }
}
