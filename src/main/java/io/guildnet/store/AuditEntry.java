package io.guildnet.store;

/** One audited mutation: who did what to which entity, when, and with what outcome. Never holds a secret. */
public record AuditEntry(String id, String ts, String actor, String action, String entityType, String entityId,
                         String details, String requestId, Integer status) {}
