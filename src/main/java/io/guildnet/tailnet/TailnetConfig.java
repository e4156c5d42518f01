package io.guildnet.tailnet;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;

/**
 * The tailnet connectors' knobs (docs/configuration.md, "Tailnet"): where the
 * {@code tailscaled}/{@code tailscale} binaries are, where connector state lives and how
 * often a connector is supervised. Built from MicroProfile Config in the server, directly in tests.
 */
public record TailnetConfig(
        Optional<Path> tailscaled,
        Optional<Path> tailscale,
        Path root,
        String hostName,
        Duration superviseEvery,
        Duration statusEvery,
        Duration minBackoff,
        Duration maxBackoff,
        Duration upTimeout) {

    /** {@code TAILSCALED_PATH}/{@code TAILSCALE_PATH} or the binaries on {@code PATH}; state under {@code home/tsnet}. */
    public static TailnetConfig from(Function<String, Optional<String>> lookup, Path home) {
        return new TailnetConfig(
                binary(lookup.apply("TAILSCALED_PATH"), "tailscaled"),
                binary(lookup.apply("TAILSCALE_PATH"), "tailscale"),
                home.resolve("tsnet"),
                localHostName(),
                Duration.ofMillis(number(lookup, "guildnet.tailnet.supervise.ms", 2000)),
                Duration.ofMillis(number(lookup, "guildnet.tailnet.status.ms", 10_000)),
                Duration.ofSeconds(1),
                Duration.ofSeconds(number(lookup, "guildnet.tailnet.max.backoff.seconds", 60)),
                Duration.ofSeconds(number(lookup, "guildnet.tailnet.up.timeout.seconds", 60)));
    }

    private static long number(Function<String, Optional<String>> lookup, String key, long dflt) {
        Optional<String> v = lookup.apply(key).map(String::trim).filter(s -> !s.isEmpty());
        if (v.isEmpty()) return dflt;
        try {
            long n = Long.parseLong(v.get());
            if (n <= 0) throw new NumberFormatException();
            return n;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(key + " must be a positive integer, got '" + v.get() + "'");
        }
    }

    /** An explicit path (must exist) or the first executable {@code name} on {@code PATH}. */
    static Optional<Path> binary(Optional<String> explicit, String name) {
        Optional<String> e = explicit.map(String::trim).filter(s -> !s.isEmpty());
        if (e.isPresent()) return Optional.of(Path.of(e.get()));
        String path = System.getenv("PATH");
        if (path == null) return Optional.empty();
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return Optional.of(p);
        }
        return Optional.empty();
    }

    static String localHostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return Optional.ofNullable(System.getenv("HOSTNAME")).orElse("host");
        }
    }

    /** {@code guildnet-<id>-<host>} as a DNS label: lower-case letters, digits and '-', at most 63 characters. */
    public String nodeName(String clusterId) {
        String raw = ("guildnet-" + clusterId + "-" + hostName).toLowerCase(Locale.ROOT);
        StringBuilder sb = new StringBuilder();
        for (char c : raw.toCharArray()) {
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) sb.append(c);
            else if (sb.length() > 0 && sb.charAt(sb.length() - 1) != '-') sb.append('-');
        }
        String s = sb.length() > 63 ? sb.substring(0, 63) : sb.toString();
        while (s.endsWith("-")) s = s.substring(0, s.length() - 1);
        return s;
    }

    /** {@code <root>/cluster-<id>}. */
    public Path stateDir(String clusterId) {
        return root.resolve("cluster-" + clusterId);
    }
}
