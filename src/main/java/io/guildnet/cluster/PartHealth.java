package io.guildnet.cluster;

import jakarta.json.JsonObject;

/** A part attached to a {@link ClusterInstance} that reports its own health ({@code {"ok", "error"?}}) for {@code /api/cluster/{id}/health}. */
public interface PartHealth {
    JsonObject health();
}
