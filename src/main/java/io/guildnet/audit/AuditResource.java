package io.guildnet.audit;

import io.guildnet.api.ApiException;
import io.guildnet.store.AuditEntry;
import io.guildnet.store.AuditRepository;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import java.time.Instant;
import java.time.format.DateTimeParseException;

/** {@code GET /api/audit}: newest first, filterable by actor, action, entity and time. */
@Path("audit")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class AuditResource {

    @Inject
    AuditLog audit;

    @GET
    @APIResponse(responseCode = "200", content = @Content(mediaType = "application/json", schema = @Schema(type = SchemaType.ARRAY, implementation = Object.class)))
    public JsonArray list(@QueryParam("limit") String limit, @QueryParam("actor") String actor,
                          @QueryParam("action") String action, @QueryParam("entity_type") String entityType,
                          @QueryParam("entity_id") String entityId, @QueryParam("since") String since) {
        int n = io.guildnet.api.JsonInput.boundedInt(limit, 200, 1, 1000, "limit");
        if (since != null) {
            try {
                Instant.parse(since);
            } catch (DateTimeParseException e) {
                throw ApiException.badRequest("invalid_since", "since must be an RFC 3339 UTC time like 2026-01-02T03:04:05Z");
            }
        }
        JsonArrayBuilder a = Json.createArrayBuilder();
        for (AuditEntry e : audit.query(new AuditRepository.Filter(blank(actor), blank(action), blank(entityType), blank(entityId), blank(since)), n)) {
            JsonObjectBuilder b = Json.createObjectBuilder().add("id", e.id()).add("ts", e.ts()).add("actor", e.actor())
                    .add("action", e.action()).add("entityType", e.entityType());
            if (e.entityId() != null) b.add("entityId", e.entityId());
            if (e.details() != null) b.add("diffJSON", e.details());
            if (e.requestId() != null) b.add("request_id", e.requestId());
            if (e.status() != null) b.add("status", e.status());
            a.add(b);
        }
        return a.build();
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
