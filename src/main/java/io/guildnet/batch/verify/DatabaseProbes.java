package io.guildnet.batch.verify;

import java.util.Optional;

/** The database probe factories known to this build. */
public final class DatabaseProbes {

    private DatabaseProbes() {}

    /** No database layer in this build: L3 checks and the setup's RethinkDB step are skipped with this reason. */
    public static final DatabaseProbe.Factory NONE = new DatabaseProbe.Factory() {
        @Override
        public Optional<DatabaseProbe> forCluster(String clusterId) { return Optional.empty(); }

        @Override
        public String absentReason() {
            return "the RethinkDB layer (io.guildnet.rethink) is not part of this build, so there is no database to check yet";
        }
    };
}
