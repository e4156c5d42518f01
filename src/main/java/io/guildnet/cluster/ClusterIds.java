package io.guildnet.cluster;

import java.util.Locale;

/** Cluster id normalisation (anchor §4.1): lower-case; '-', '_' and '.' become '-'; other non-alphanumerics dropped; empty is "default". */
public final class ClusterIds {

    private ClusterIds() {}

    public static String normalize(String raw) {
        if (raw == null) return "default";
        StringBuilder sb = new StringBuilder();
        for (char c : raw.trim().toLowerCase(Locale.ROOT).toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) sb.append(c);
            else if (c == '-' || c == '_' || c == '.') sb.append('-');
        }
        String s = sb.toString();
        if (s.length() > 63) s = s.substring(0, 63);
        return s.isEmpty() ? "default" : s;
    }
}
