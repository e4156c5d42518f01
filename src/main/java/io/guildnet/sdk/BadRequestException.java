package io.guildnet.sdk;

import jakarta.json.JsonValue;

/** 400 (and 413, 415, 422): the request was refused as it is. */
public class BadRequestException extends GuildNetException {
    public BadRequestException(int status, String code, String message, String requestId, JsonValue details) {
        super(status, code, message, requestId, details);
    }
}
