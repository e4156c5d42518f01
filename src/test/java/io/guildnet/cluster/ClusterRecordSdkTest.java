package io.guildnet.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.guildnet.sdk.Clusters;
import io.guildnet.store.ClusterRecord;
import org.junit.jupiter.api.Test;

/** The SDK reads back exactly what the server writes for a cluster record (same class, same JSON). */
class ClusterRecordSdkTest {
    @Test
    void sdkParsesTheServersClusterJsonBackToAnEqualRecord() {
        ClusterRecord full = new ClusterRecord("c-1", "one", "ready", "2026-12-02T00:00:00Z", "2026-12-02T01:00:00Z");
        assertEquals(full, Clusters.record(ClusterDeployResource.json(full)));
        ClusterRecord fresh = new ClusterRecord("c-2", "two", "pending", "2026-12-02T00:00:00Z", null);
        assertEquals(fresh, Clusters.record(ClusterDeployResource.json(fresh)));
    }
}
