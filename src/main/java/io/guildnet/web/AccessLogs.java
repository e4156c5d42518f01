package io.guildnet.web;

import java.util.Locale;
import java.util.regex.Pattern;

/** Keeps secrets out of access-log lines. */
public final class AccessLogs {

    private static final Pattern SECRET_NAME = Pattern.compile(".*(token|key|secret|pass|auth|cookie|session).*");

    private AccessLogs() {}

    /** Replaces the values of query parameters whose names suggest a secret with {@code ***}. */
    public static String redactQuery(String q) {
        StringBuilder out = new StringBuilder();
        for (String part : q.split("&", -1)) {
            if (out.length() > 0) out.append('&');
            int eq = part.indexOf('=');
            String name = eq < 0 ? part : part.substring(0, eq);
            if (eq >= 0 && SECRET_NAME.matcher(name.toLowerCase(Locale.ROOT)).matches()) {
                out.append(name).append("=***");
            } else {
                out.append(part);
            }
        }
        return out.toString();
    }
}
