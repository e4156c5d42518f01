package io.guildnet.sdk.rest;

import io.guildnet.sdk.GuildNetErrorMapper;
import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.rest.client.annotation.RegisterProvider;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * A cluster's RethinkDB: {@code /api/cluster/{cid}/db/…}. The changefeed subscription is in
 * {@link io.guildnet.sdk.GuildNetClient#db(String)}.
 */
@RegisterRestClient(configKey = "guildnet")
@RegisterProvider(GuildNetErrorMapper.class)
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface DatabasesApi extends AutoCloseable {

    @GET
    @Path("/api/cluster/{cid}/db")
    JsonArray list(@PathParam("cid") String cluster);

    /** Body {@code {id, name?, description?}}. */
    @POST
    @Path("/api/cluster/{cid}/db")
    JsonObject create(@PathParam("cid") String cluster, JsonObject body);

    @GET
    @Path("/api/cluster/{cid}/db/health")
    JsonObject health(@PathParam("cid") String cluster);

    @GET
    @Path("/api/cluster/{cid}/db/{db}")
    JsonObject get(@PathParam("cid") String cluster, @PathParam("db") String db);

    @DELETE
    @Path("/api/cluster/{cid}/db/{db}")
    JsonObject delete(@PathParam("cid") String cluster, @PathParam("db") String db);

    @GET
    @Path("/api/cluster/{cid}/db/{db}/tables")
    JsonArray tables(@PathParam("cid") String cluster, @PathParam("db") String db);

    /** Body {@code {name, schema?, primary_key?}}. */
    @POST
    @Path("/api/cluster/{cid}/db/{db}/tables")
    JsonObject createTable(@PathParam("cid") String cluster, @PathParam("db") String db, JsonObject body);

    @DELETE
    @Path("/api/cluster/{cid}/db/{db}/tables/{t}")
    JsonObject deleteTable(@PathParam("cid") String cluster, @PathParam("db") String db, @PathParam("t") String table);

    /** One page: {@code {items:[…], next_cursor?}}. */
    @GET
    @Path("/api/cluster/{cid}/db/{db}/tables/{t}/rows")
    JsonObject rows(@PathParam("cid") String cluster, @PathParam("db") String db, @PathParam("t") String table,
                    @QueryParam("limit") Integer limit, @QueryParam("cursor") String cursor);

    /** One row object or an array of them: {@code {ids:[…]}}. */
    @POST
    @Path("/api/cluster/{cid}/db/{db}/tables/{t}/rows")
    JsonObject insert(@PathParam("cid") String cluster, @PathParam("db") String db, @PathParam("t") String table, JsonValue rowOrRows);

    @GET
    @Path("/api/cluster/{cid}/db/{db}/tables/{t}/rows/{rowId}")
    JsonObject row(@PathParam("cid") String cluster, @PathParam("db") String db, @PathParam("t") String table, @PathParam("rowId") String id);

    @PATCH
    @Path("/api/cluster/{cid}/db/{db}/tables/{t}/rows/{rowId}")
    JsonObject updateRow(@PathParam("cid") String cluster, @PathParam("db") String db, @PathParam("t") String table,
                         @PathParam("rowId") String id, JsonObject patch);

    @DELETE
    @Path("/api/cluster/{cid}/db/{db}/tables/{t}/rows/{rowId}")
    JsonObject deleteRow(@PathParam("cid") String cluster, @PathParam("db") String db, @PathParam("t") String table,
                         @PathParam("rowId") String id);

    /** Imports a JSON array of rows ({@code dryRun} "1": only the mapping preview). */
    @POST
    @Path("/api/cluster/{cid}/db/{db}/tables/{t}/import")
    JsonObject importJson(@PathParam("cid") String cluster, @PathParam("db") String db, @PathParam("t") String table,
                          @QueryParam("dry_run") String dryRun, JsonArray rows);

    /** Imports CSV text (header row first). */
    @POST
    @Path("/api/cluster/{cid}/db/{db}/tables/{t}/import")
    @Consumes("text/csv")
    JsonObject importCsv(@PathParam("cid") String cluster, @PathParam("db") String db, @PathParam("t") String table,
                         @QueryParam("dry_run") String dryRun, String csv);

    /** The table as {@code format} {@code csv}, {@code ndjson} or {@code json} text (streamed exports: {@link io.guildnet.sdk.Databases}). */
    @GET
    @Path("/api/cluster/{cid}/db/{db}/tables/{t}/export")
    @Produces({"text/csv", "application/x-ndjson", MediaType.APPLICATION_JSON})
    String export(@PathParam("cid") String cluster, @PathParam("db") String db, @PathParam("t") String table,
                  @QueryParam("format") String format, @QueryParam("limit") Integer limit);
}
