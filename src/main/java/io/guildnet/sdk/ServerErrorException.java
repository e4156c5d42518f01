package io.guildnet.sdk;

import jakarta.json.JsonValue;

/** 5xx other than 503: the server failed. */
public class ServerErrorException extends GuildNetException {
    public ServerErrorException(int status, String code, String message, String requestId, JsonValue details) {
        super(status, code, message, requestId, details);
    }
}
