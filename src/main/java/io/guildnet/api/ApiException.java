package io.guildnet.api;

/**
 * A failure the client should see: HTTP status, stable machine code (see
 * docs/api.md#error-codes), human message and optional details. Thrown by the
 * plain service classes; mapped to the JSON error body at the edge.
 */
public class ApiException extends RuntimeException {

    private final int status;
    private final String code;
    private final transient Object details;

    public ApiException(int status, String code, String message) {
        this(status, code, message, null);
    }

    public ApiException(int status, String code, String message, Object details) {
        super(message);
        this.status = status;
        this.code = code;
        this.details = details;
    }

    public int status() { return status; }

    public String code() { return code; }

    public Object details() { return details; }

    public static ApiException badRequest(String code, String message) { return new ApiException(400, code, message); }

    public static ApiException badRequest(String code, String message, Object details) { return new ApiException(400, code, message, details); }

    public static ApiException notFound(String code, String message) { return new ApiException(404, code, message); }

    public static ApiException forbidden(String code, String message) { return new ApiException(403, code, message); }

    public static ApiException unavailable(String code, String message) { return new ApiException(503, code, message); }
}
