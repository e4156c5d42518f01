package io.guildnet.sdk;

import jakarta.json.JsonValue;

/** 403: the caller may not do this. */
public class ForbiddenException extends GuildNetException {
    public ForbiddenException(int status, String code, String message, String requestId, JsonValue details) {
        super(status, code, message, requestId, details);
    }
}
