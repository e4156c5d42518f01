package io.guildnet.sdk;

import jakarta.json.JsonValue;

/** 404: no such entity or path. */
public class NotFoundException extends GuildNetException {
    public NotFoundException(int status, String code, String message, String requestId, JsonValue details) {
        super(status, code, message, requestId, details);
    }
}
