package io.guildnet.audit;

import io.guildnet.store.AuditEntry;
import io.guildnet.store.AuditRepository;
import io.guildnet.store.StateStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;

/** Records mutations (who, what, which entity, when, outcome). Callers pass no secret values. */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());

    @Inject
    StateStore store;

    public void record(String actor, String action, String entityType, String entityId, String details, String requestId, Integer status) {
        AuditEntry e = new AuditEntry(UUID.randomUUID().toString(), Instant.now().toString(), actor, action, entityType,
                entityId, details, requestId, status);
        try {
            store.write(c -> {
                store.audit().insert(c, e);
                return null;
            });
        } catch (RuntimeException ex) {
            // The mutation already happened; losing its audit line must be loud, not fatal.
            LOG.log(Level.SEVERE, "could not write audit entry " + action + " " + entityType + "/" + entityId + ": " + ex.getMessage());
        }
    }

    public List<AuditEntry> query(AuditRepository.Filter f, int limit) {
        return store.read(c -> store.audit().query(c, f, limit));
    }
}
