package io.guildnet.tailnet;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Test fixture: writes a fake {@code tailscaled} (a script running {@link FakeTailscaled} in its own JVM)
 * and a fake {@code tailscale} CLI (a POSIX shell script) speaking the subset the connector uses:
 * {@code --socket=PATH up --auth-key=file:PATH --hostname= --login-server= ...} (a key given on the
 * command line is refused), {@code status --json} and {@code serve [--bg] --tcp=PORT TARGET|off}
 * (kept in {@code <statedir>/fake-serve}). {@code up} records the SHA-256 of the key it read
 * in {@code <statedir>/fake-login} and its arguments in {@code fake-up-args}.
 */
public final class FakeTailscale {

    private static final String CLI = """
            #!/bin/sh
            # fake tailscale CLI (GuildNet test fixture)
            sock=""; cmd=""; keyfile=""; host=""; login=""; tcp=""; last=""
            for a in "$@"; do
              last="$a"
              case "$a" in
                --tcp=*) tcp="${a#--tcp=}";;
                --socket=*) sock="${a#--socket=}";;
                --auth-key=file:*) keyfile="${a#--auth-key=file:}";;
                --auth-key=*|--authkey=*) echo "fake tailscale: refusing a key on the command line" >&2; exit 3;;
                --hostname=*) host="${a#--hostname=}";;
                --login-server=*) login="${a#--login-server=}";;
                up|status|serve) [ -z "$cmd" ] && cmd="$a";;
              esac
            done
            dir=$(dirname "$sock")
            [ -e "$sock" ] || { echo "failed to connect to local tailscaled" >&2; exit 1; }
            case "$cmd" in
              up)
                [ -n "$keyfile" ] && [ -r "$keyfile" ] || { echo "fake tailscale: no auth key file" >&2; exit 1; }
                sha256sum "$keyfile" | cut -d' ' -f1 > "$dir/fake-login"
                echo "$@" > "$dir/fake-up-args"
                printf '%s\\n%s\\n' "$host" "$login" > "$dir/fake-up"
                echo "Success."
                exit 0;;
              status)
                if [ -f "$dir/fake-up" ] && kill -0 "$(cat "$dir/fake.pid" 2>/dev/null)" 2>/dev/null; then
                  h=$(head -n1 "$dir/fake-up")
                  printf '{"BackendState":"Running","Self":{"HostName":"%s","DNSName":"%s.tailnet.test.","TailscaleIPs":["100.64.0.7","fd7a:115c:a1e0::7"],"Online":true},"Peer":{"nodekey:1":{"HostName":"subnet-router","Online":true},"nodekey:2":{"HostName":"old-router","Online":false}}}\\n' "$h" "$h"
                else
                  echo '{"BackendState":"NeedsLogin","Self":{"TailscaleIPs":[]},"Peer":{}}'
                fi;;
              serve)
                [ -f "$dir/fake-up" ] || { echo "fake tailscale: not logged in" >&2; exit 1; }
                if [ "$last" = "reset" ]; then rm -f "$dir/fake-serve"; echo "reset" >> "$dir/fake-serve-resets"; exit 0; fi
                [ -n "$tcp" ] || { echo "fake tailscale: only serve --tcp=PORT is supported" >&2; exit 2; }
                touch "$dir/fake-serve"
                grep -v "^$tcp " "$dir/fake-serve" > "$dir/fake-serve.tmp" || true
                [ "$last" = "off" ] || echo "$tcp $last" >> "$dir/fake-serve.tmp"
                mv "$dir/fake-serve.tmp" "$dir/fake-serve"
                exit 0;;
              *) echo "fake tailscale: unsupported command" >&2; exit 2;;
            esac
            """;

    private FakeTailscale() {}

    /** Writes both fakes into {@code bin} and returns a config using them, with state under {@code root}. */
    public static TailnetConfig config(Path bin, Path root) throws IOException {
        Files.createDirectories(bin);
        String java = ProcessHandle.current().info().command().orElse("java");
        String classes;
        try {
            classes = Path.of(FakeTailscaled.class.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
        Path daemon = bin.resolve("tailscaled");
        Files.writeString(daemon, "#!/bin/sh\nexec '" + java + "' -XX:TieredStopAtLevel=1 -XX:+UseSerialGC -Xmx32m -cp '" + classes
                + "' io.guildnet.tailnet.FakeTailscaled \"$@\"\n", StandardCharsets.UTF_8);
        Path cli = bin.resolve("tailscale");
        Files.writeString(cli, CLI, StandardCharsets.UTF_8);
        for (Path p : List.of(daemon, cli)) Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwx------"));
        return new TailnetConfig(Optional.of(daemon), Optional.of(cli), root, "testhost", Duration.ofMillis(200), Duration.ofMillis(500),
                Duration.ofMillis(200), Duration.ofSeconds(2), Duration.ofSeconds(20));
    }

    /** What {@code tailscale serve --tcp} set up on a connector: tailnet port → target ({@code tcp://127.0.0.1:N}). */
    public static java.util.Map<Integer, String> served(Path stateDir) throws IOException {
        Path f = stateDir.resolve("fake-serve");
        java.util.Map<Integer, String> m = new java.util.TreeMap<>();
        if (!Files.exists(f)) return m;
        for (String l : Files.readAllLines(f)) {
            String[] kv = l.trim().split(" ", 2);
            if (kv.length == 2) m.put(Integer.parseInt(kv[0]), kv[1]);
        }
        return m;
    }

    /** The targets a connector's fake daemon forwarded ("http host:port", "socks host:port"). */
    public static List<String> forwarded(Path stateDir) throws IOException {
        Path f = stateDir.resolve("fake-forwarded.log");
        return Files.exists(f) ? Files.readAllLines(f) : List.of();
    }

    public static String sha256(String s) throws Exception {
        byte[] d = java.security.MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        return java.util.HexFormat.of().formatHex(d);
    }
}
