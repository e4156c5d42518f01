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

    /**
     * The typed exception for an error answer whose body is {@code text}: the server's
     * {@code {code, message, request_id, details?}}, or any other body (then the code is
     * {@code http_<status>} and the message the body's first 200 characters).
     */
    static GuildNetException fromBody(int status, String text, String requestIdHeader) {
        String requestId = requestIdHeader;
        String code = null;
        String message = null;
        JsonValue details = null;
        try {
            JsonValue v = Transport.parse(text);
            if (v.getValueType() == JsonValue.ValueType.OBJECT) {
                jakarta.json.JsonObject o = v.asJsonObject();
                code = o.getString("code", null);
                message = o.getString("message", null);
                requestId = o.getString("request_id", requestId);
                details = o.get("details");
            }
        } catch (RuntimeException notJson) {
            message = text.length() > 200 ? text.substring(0, 200) : text;
        }
        if (code == null) code = "http_" + status;
        return of(status, code, message, requestId, details);
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
