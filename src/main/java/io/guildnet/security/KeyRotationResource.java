package io.guildnet.security;

import io.guildnet.api.JsonInput;
import io.guildnet.audit.Audited;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;

/**
 * {@code POST /api/admin/master-key/rotate}: re-encrypts every stored credential
 * under a new master key in one transaction. Body {@code {}} generates a new key
 * into {@code state/master.key}; {@code {"new_key": "..."}} uses the given one
 * (required when the key comes from {@code GUILDNET_MASTER_KEY}).
 */
@Path("admin/master-key")
@RequestScoped
@Produces(MediaType.APPLICATION_JSON)
public class KeyRotationResource {

    @Inject
    Keyring keyring;

    @POST
    @Path("rotate")
    @Consumes(MediaType.APPLICATION_JSON)
    @Audited(action = "master_key.rotate", entityType = "master_key")
    public JsonObject rotate(String body) {
        JsonObject o = body == null || body.isBlank() ? JsonObject.EMPTY_JSON_OBJECT : JsonInput.object(body);
        JsonInput.onlyFields(o, Set.of("new_key"));
        String newKey = JsonInput.string(o, "new_key");
        if (newKey != null && newKey.isBlank()) newKey = null;
        Keyring.Rotation r = keyring.rotate(newKey);
        return Json.createObjectBuilder().add("ok", true).add("reencrypted", r.reencrypted()).add("key_id", r.keyId())
                .add("key_file_updated", r.keyFileUpdated())
                .add("next_step", r.keyFileUpdated() ? "none" : "set GUILDNET_MASTER_KEY to the new key before the next restart")
                .build();
    }
}
