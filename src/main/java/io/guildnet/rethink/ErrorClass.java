package io.guildnet.rethink;

import java.util.Locale;

/**
 * The anchor's error classes (§5.3): transient errors make the monitor reconnect; auth and
 * schema errors are reported (retrying will not help); anything else is fatal.
 */
public enum ErrorClass {
    NONE, TRANSIENT, AUTH, SCHEMA, FATAL;

    public String wire() { return name().toLowerCase(Locale.ROOT); }

    public static ErrorClass of(Throwable t) {
        if (t == null) return NONE;
        StringBuilder sb = new StringBuilder();
        for (Throwable c = t; c != null && sb.length() < 4000; c = c.getCause()) {
            sb.append(c.getClass().getSimpleName()).append(": ").append(c.getMessage()).append(" | ");
            if (c instanceof java.net.ConnectException || c instanceof java.net.SocketTimeoutException
                    || c instanceof java.io.EOFException || c instanceof java.net.SocketException) return TRANSIENT;
        }
        return ofMessage(sb.toString());
    }

    public static ErrorClass ofMessage(String message) {
        if (message == null || message.isEmpty()) return NONE;
        String m = message.toLowerCase(Locale.ROOT);
        for (String s : new String[]{"no primary replica", "not available", "connection reset", "broken pipe", "timed out", "timeout",
                "eof", "connection refused", "connection closed", "closed connection", "unreachable"}) {
            if (m.contains(s)) return TRANSIENT;
        }
        for (String s : new String[]{"auth", "unauthorized", "permission", "password"}) {
            if (m.contains(s)) return AUTH;
        }
        for (String s : new String[]{"no such table", "no such database", "does not exist", "missing"}) {
            if (m.contains(s)) return SCHEMA;
        }
        return FATAL;
    }
}
