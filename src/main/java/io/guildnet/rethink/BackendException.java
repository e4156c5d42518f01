package io.guildnet.rethink;

/** A failed database operation, with the anchor's error classes (§5.3) and a coarse reason. */
public class BackendException extends RuntimeException {

    public enum Reason { NOT_FOUND, ALREADY_EXISTS, CONFLICT, INVALID, UNAVAILABLE, OTHER }

    private final Reason reason;

    public BackendException(Reason reason, String message) {
        super(message);
        this.reason = reason;
    }

    public BackendException(Reason reason, String message, Throwable cause) {
        super(message, cause);
        this.reason = reason;
    }

    public Reason reason() { return reason; }

    public ErrorClass errorClass() { return ErrorClass.of(this); }
}
