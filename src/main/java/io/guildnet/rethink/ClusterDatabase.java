package io.guildnet.rethink;

/** A cluster's database part, attached to its ClusterInstance as {@code "rethink"}: link, hub and API service. */
public record ClusterDatabase(RethinkLink link, ChangefeedHub hub, DatabaseService service, DataTransfer transfer, String backendKind)
        implements AutoCloseable, io.guildnet.cluster.PartHealth {

    public static final String PART = "rethink";

    /** {@code {"ok", "addr", "error"?}}: connected now, or after waiting briefly for a connection in progress. */
    @Override
    public jakarta.json.JsonObject health() {
        var b = jakarta.json.Json.createObjectBuilder();
        try {
            link.backend();
            return b.add("ok", true).add("addr", link.health().getString("addr", "")).build();
        } catch (io.guildnet.api.ApiException e) {
            return b.add("ok", false).add("error", e.getMessage()).build();
        }
    }

    @Override
    public void close() {
        hub.close();
        link.close();
    }
}
