package io.guildnet.store;

/** A cluster service published on the tailnet (anchor PublishedService). */
public record PublishedService(String clusterId, String service, String addr, String addedAt) {}
