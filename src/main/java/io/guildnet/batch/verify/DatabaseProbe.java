package io.guildnet.batch.verify;

import java.util.Optional;

/**
 * What the verification (L3) and the setup's RethinkDB step need from the database layer.
 * The RethinkDB part (package io.guildnet.rethink) implements it per cluster; until it is
 * present, {@link DatabaseProbes#NONE} makes those checks report {@code skip} with the reason.
 */
public interface DatabaseProbe {

    /** Connects (or reuses the connection); returns the server version or description. Throws when unreachable. */
    String reachable() throws Exception;

    /** Writes, reads back and deletes one probe document in a scratch table. Throws on any mismatch. */
    void writeReadDelete() throws Exception;

    /** Opens a changefeed, writes a document and waits for its change to arrive. Throws on timeout. */
    void changefeedRoundTrip() throws Exception;

    /** Finds the database probe for a cluster, if the database layer exists and knows the cluster. */
    interface Factory {
        Optional<DatabaseProbe> forCluster(String clusterId);

        /** Why there is no probe (shown in skipped checks). */
        String absentReason();
    }
}
