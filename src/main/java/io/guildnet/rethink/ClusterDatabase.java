package io.guildnet.rethink;

/** A cluster's database part, attached to its ClusterInstance as {@code "rethink"}: link, hub and API service. */
public record ClusterDatabase(RethinkLink link, ChangefeedHub hub, DatabaseService service, DataTransfer transfer, String backendKind)
        implements AutoCloseable {

    public static final String PART = "rethink";

    @Override
    public void close() {
        hub.close();
        link.close();
    }
}
