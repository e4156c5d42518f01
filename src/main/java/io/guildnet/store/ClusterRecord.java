package io.guildnet.store;

/** A registered cluster (anchor shape {id,name,state,createdAt,updatedAt}). */
public record ClusterRecord(String id, String name, String state, String createdAt, String updatedAt) {}
