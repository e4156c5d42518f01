package io.guildnet.sdk;

/** The Host App could not be reached (connection refused, TLS failure, timeout) after the retries. */
public class ConnectionException extends GuildNetException {
    public ConnectionException(String message, Throwable cause) {
        super("unreachable", message, cause);
    }
}
