package io.guildnet.store;

/** A stored secret; {@code value} is always a SecretBox envelope. */
public record Credential(String id, String scopeType, String scopeId, String kind, String value, String rotatedAt) {}
