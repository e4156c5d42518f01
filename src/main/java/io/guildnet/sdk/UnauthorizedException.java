package io.guildnet.sdk;

import jakarta.json.JsonValue;

/** 401: no or wrong credentials. */
public class UnauthorizedException extends GuildNetException {
    public UnauthorizedException(int status, String code, String message, String requestId, JsonValue details) {
        super(status, code, message, requestId, details);
    }
}
