package io.guildnet.sdk;

import jakarta.json.JsonValue;

/** 503: a part is not available (retried first). */
public class UnavailableException extends GuildNetException {
    public UnavailableException(int status, String code, String message, String requestId, JsonValue details) {
        super(status, code, message, requestId, details);
    }
}
