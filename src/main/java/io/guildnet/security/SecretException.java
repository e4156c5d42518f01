package io.guildnet.security;

/** A secret could not be decrypted; the message says why and never includes the secret. */
public class SecretException extends Exception {
    public SecretException(String message) { super(message); }
}
