package io.guildnet.store;

/** A Headscale server record (anchor shape {id,name,type,state,createdAt,endpoint?,updatedAt?}). */
public record HeadscaleRecord(String id, String name, String type, String state, String endpoint, String createdAt, String updatedAt) {}
