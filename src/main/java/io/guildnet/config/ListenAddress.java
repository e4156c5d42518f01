package io.guildnet.config;

/** A {@code host:port} listen address as written in {@code LISTEN_LOCAL} ({@code [::1]:8090} for IPv6). */
public record ListenAddress(String host, int port) {

    public static ListenAddress parse(String raw) {
        String s = raw.trim();
        String host;
        String port;
        if (s.startsWith("[")) {
            int end = s.indexOf(']');
            if (end < 0 || end + 1 >= s.length() || s.charAt(end + 1) != ':') throw bad(raw);
            host = s.substring(1, end);
            port = s.substring(end + 2);
        } else {
            int colon = s.lastIndexOf(':');
            if (colon <= 0 || s.indexOf(':') != colon) throw bad(raw);
            host = s.substring(0, colon);
            port = s.substring(colon + 1);
        }
        try {
            int p = Integer.parseInt(port);
            if (p < 1 || p > 65535) throw bad(raw);
            return new ListenAddress(host, p);
        } catch (NumberFormatException e) {
            throw bad(raw);
        }
    }

    private static IllegalArgumentException bad(String raw) {
        return new IllegalArgumentException("LISTEN_LOCAL must be host:port (e.g. 127.0.0.1:8090), got '" + raw + "'");
    }

    /** The host as it appears in a URL authority. */
    public String authority() {
        return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }

    /** The origin a browser uses for the Host App's own UI. */
    public String origin() {
        String h = host.equals("0.0.0.0") || host.equals("*") ? "127.0.0.1" : host;
        return "https://" + (h.contains(":") ? "[" + h + "]" : h) + ":" + port;
    }
}
