/**
 * MicroProfile Rest Client interfaces of the Host App's API, for Java programs that already run a
 * Rest Client (a MicroProfile server, or RESTEasy/Jersey on the class path). Get one with
 * {@code GuildNetClient.builder(url)….restClient(ClustersApi.class)}: the same token, TLS trust,
 * retries and typed exceptions as {@link io.guildnet.sdk.GuildNetClient}, or inject them with
 * {@code @RestClient} under the config key {@code guildnet}.
 *
 * <p>Each method names one server route; {@code RestApiMatchesServerTest} checks every one against
 * the server's JAX-RS resources (verb, path, query parameters, body, media types), so they cannot
 * drift. Records are the server's own ({@link io.guildnet.store.ClusterRecord}); other answers are the
 * JSON objects the server sends. Streams (log follow, changefeeds, job events) are in
 * {@link io.guildnet.sdk.GuildNetClient}, which needs no Rest Client at all.
 */
package io.guildnet.sdk.rest;
