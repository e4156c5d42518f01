package io.guildnet.store;

import io.guildnet.api.ApiException;
import java.sql.SQLException;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Runs database work for the service layer, turning a database failure into 503 {@code state_unavailable}. */
public final class Transactions {

    private static final Logger LOG = Logger.getLogger(Transactions.class.getName());

    private Transactions() {}

    public static <T> T read(Database db, Database.Work<T> work) {
        try {
            return db.read(work);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    public static <T> T write(Database db, Database.Work<T> work) {
        try {
            return db.write(work);
        } catch (SQLException e) {
            throw failure(e);
        }
    }

    private static ApiException failure(SQLException e) {
        LOG.log(Level.WARNING, "state database error: " + e.getMessage(), e);
        return new ApiException(503, "state_unavailable", "the local state database is unavailable");
    }
}
