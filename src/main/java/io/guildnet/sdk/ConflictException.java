package io.guildnet.sdk;

import jakarta.json.JsonValue;

/** 409: the entity exists or is in the wrong state. */
public class ConflictException extends GuildNetException {
    public ConflictException(int status, String code, String message, String requestId, JsonValue details) {
        super(status, code, message, requestId, details);
    }
}
