package io.guildnet.workspace;

import io.guildnet.host.ImageCatalog;
import java.util.List;
import java.util.Map;

/**
 * How an image is run, chosen by its repository name (never a substring): code-server,
 * the GuildNet agent, nginx, busybox, or generic. Each profile gives default ports, arguments,
 * probes and whether the container may run as root (only nginx's official image needs it).
 */
public enum ImageProfile {
    CODE_SERVER(List.of(8080), "/healthz", true, 1000L),
    GUILDNET_AGENT(List.of(8080), "/healthz", true, null),
    NGINX(List.of(80), "/", false, null),
    /** busybox runs as root by default: as nobody (65534) it passes runAsNonRoot (guildnet-verify's probe serves HTTP with it). */
    BUSYBOX(List.of(8080), null, true, 65534L),
    GENERIC(List.of(8080), null, true, null);

    private static final Map<String, ImageProfile> BY_REPOSITORY = Map.of(
            "codercom/code-server", CODE_SERVER,
            "coder/code-server", CODE_SERVER,
            "guildnet/agent", GUILDNET_AGENT,
            "nginx", NGINX,
            "busybox", BUSYBOX,
            "nginxinc/nginx-unprivileged", GENERIC);

    private final List<Integer> defaultPorts;
    private final String httpProbePath;
    private final boolean runAsNonRoot;
    private final Long runAsUser;

    ImageProfile(List<Integer> defaultPorts, String httpProbePath, boolean runAsNonRoot, Long runAsUser) {
        this.defaultPorts = defaultPorts;
        this.httpProbePath = httpProbePath;
        this.runAsNonRoot = runAsNonRoot;
        this.runAsUser = runAsUser;
    }

    public static ImageProfile of(String image) {
        if (image == null || image.isBlank()) return GENERIC;
        return BY_REPOSITORY.getOrDefault(ImageCatalog.repository(image), GENERIC);
    }

    public List<Integer> defaultPorts() { return defaultPorts; }

    /** Null: probe with a TCP connect instead of HTTP. */
    public String httpProbePath() { return httpProbePath; }

    public boolean runAsNonRoot() { return runAsNonRoot; }

    public Long runAsUser() { return runAsUser; }

    /** Whether the profile needs a generated password Secret. */
    public boolean needsPassword() { return this == CODE_SERVER; }

    /** Default container args when the spec has none. */
    public List<String> defaultArgs(int port) {
        return this == CODE_SERVER ? List.of("--bind-addr", "0.0.0.0:" + port, "--auth", "password") : List.of();
    }
}
