package io.guildnet.sdk;

import jakarta.json.JsonValue;

/**
 * An error answered by the Host App (its {@code {code, message, request_id, details?}} body) or a
 * failure to reach it ({@link #status()} 0). Subclasses name the statuses callers branch on.
 */
public class GuildNetException extends RuntimeException {
    private final int status;
    private final String code;
    private final String requestId;
    private final transient JsonValue details;

    public GuildNetException(int status, String code, String message, String requestId, JsonValue details) {
        super(message == null || message.isEmpty() ? code : message);
        this.status = status;
        this.code = code;
        this.requestId = requestId;
        this.details = details;
    }

    public GuildNetException(String code, String message, Throwable cause) {
        super(message, cause);
        this.status = 0;
        this.code = code;
        this.requestId = null;
        this.details = null;
    }

    /** The HTTP status, or 0 when the server could not be reached. */
    public int status() { return status; }

    /** The stable machine code ({@code not_found}, {@code unknown_cluster}, …). */
    public String code() { return code; }

    /** The request id the server logged this under (null when it was not reached). */
    public String requestId() { return requestId; }

    /** The error's {@code details}, or null. */
    public JsonValue details() { return details; }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "[" + status + " " + code + (requestId == null ? "" : " request_id=" + requestId) + "]: " + getMessage();
    }

    /** The typed exception for an error response. */
    static GuildNetException of(int status, String code, String message, String requestId, JsonValue details) {
        return switch (status) {
            case 400, 413, 415, 422 -> new BadRequestException(status, code, message, requestId, details);
            case 401 -> new UnauthorizedException(status, code, message, requestId, details);
            case 403 -> new ForbiddenException(status, code, message, requestId, details);
            case 404 -> new NotFoundException(status, code, message, requestId, details);
            case 409 -> new ConflictException(status, code, message, requestId, details);
            case 503 -> new UnavailableException(status, code, message, requestId, details);
            default -> status >= 500 ? new ServerErrorException(status, code, message, requestId, details)
                    : new GuildNetException(status, code, message, requestId, details);
        };
    }
}
