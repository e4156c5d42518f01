package io.guildnet.store;

/** Metadata of a batch job as the API shows it (anchor Job Record). */
public record JobRecord(String id, String kind, String specJson, String status, double progress,
                        String created, String updated, String result, String error) {}
