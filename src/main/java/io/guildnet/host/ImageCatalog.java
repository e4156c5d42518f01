package io.guildnet.host;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Launch presets and per-image defaults. Defaults match on the image's
 * repository name (registry host, tag and digest removed), not on substrings,
 * so {@code evil.io/not-codercom/code-server-x} gets nothing.
 */
public final class ImageCatalog {

    /** A launch preset (anchor shape). */
    public record Preset(String label, String image, String description) {}

    /** A default port of an image. */
    public record Port(int port, String name) {}

    /** Defaults for an image; empty fields are omitted from JSON. */
    public record Defaults(List<Port> ports, Map<String, String> env) {}

    public static final List<Preset> PRESETS = List.of(
            new Preset("VS Code (code-server)", "codercom/code-server:4.90.3",
                    "Browser-based VS Code via code-server"));

    private static final Map<String, Defaults> BY_REPOSITORY = new LinkedHashMap<>();

    static {
        Defaults codeServer = new Defaults(List.of(new Port(8080, "http")), Map.of("AGENT_HOST", ""));
        BY_REPOSITORY.put("codercom/code-server", codeServer);
        BY_REPOSITORY.put("coder/code-server", codeServer);
        BY_REPOSITORY.put("guildnet/agent", new Defaults(List.of(new Port(8080, "http"), new Port(8443, "https")), Map.of("AGENT_HOST", "")));
    }

    private ImageCatalog() {}

    public static Optional<Defaults> defaultsFor(String image) {
        if (image == null || image.isBlank()) return Optional.empty();
        return Optional.ofNullable(BY_REPOSITORY.get(repository(image)));
    }

    /**
     * The repository path of an image reference: {@code ghcr.io/coder/code-server:4.90.3}
     * gives {@code coder/code-server}; {@code docker.io/library/nginx} gives {@code nginx}.
     */
    public static String repository(String image) {
        String s = image.trim().toLowerCase(Locale.ROOT);
        int at = s.indexOf('@');
        if (at >= 0) s = s.substring(0, at);
        int slash = s.indexOf('/');
        if (slash > 0) {
            String first = s.substring(0, slash);
            // A first component with a dot or port, or "localhost", is a registry host.
            if (first.contains(".") || first.contains(":") || first.equals("localhost")) s = s.substring(slash + 1);
        }
        int colon = s.lastIndexOf(':');
        if (colon > s.lastIndexOf('/')) s = s.substring(0, colon);
        if (s.startsWith("library/")) s = s.substring("library/".length());
        return s;
    }
}
