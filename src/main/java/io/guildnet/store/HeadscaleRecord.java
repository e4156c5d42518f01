package io.guildnet.store;

/**
 * A Headscale server record (anchor shape {id,name,type,state,createdAt,endpoint?,updatedAt?}), plus
 * {@code cluster}/{@code namespace} when the Host App manages its deployment there (null = external).
 */
public record HeadscaleRecord(String id, String name, String type, String state, String endpoint, String createdAt, String updatedAt,
        String cluster, String namespace) {

    /** An external (not managed) record. */
    public HeadscaleRecord(String id, String name, String type, String state, String endpoint, String createdAt, String updatedAt) {
        this(id, name, type, state, endpoint, createdAt, updatedAt, null, null);
    }

    /** True when start/stop/destroy operate a deployment in {@link #cluster()}. */
    public boolean managed() { return cluster != null && !cluster.isBlank(); }

    public HeadscaleRecord withState(String newState, String at) {
        return new HeadscaleRecord(id, name, type, newState, endpoint, createdAt, at, cluster, namespace);
    }

    public HeadscaleRecord withEndpoint(String newEndpoint, String at) {
        return new HeadscaleRecord(id, name, type, state, newEndpoint, createdAt, at, cluster, namespace);
    }

    public HeadscaleRecord withPlacement(String newCluster, String newNamespace, String at) {
        return new HeadscaleRecord(id, name, type, state, endpoint, createdAt, at, newCluster, newNamespace);
    }
}
