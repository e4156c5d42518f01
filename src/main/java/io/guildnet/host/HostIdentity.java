package io.guildnet.host;

import io.guildnet.config.GuildNetConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** How other machines reach this Host App: its URL and its TLS certificate (for join bundles). */
@ApplicationScoped
public class HostIdentity {

    @Inject
    GuildNetConfig config;

    /** {@code https://<Host header>} when the header is a plain host[:port], else the listen address. */
    public String url(HttpServletRequest req) {
        String host = req == null ? null : req.getHeader("Host");
        if (host != null && host.matches("[A-Za-z0-9.-]{1,253}(:[0-9]{1,5})?|\\[[0-9a-fA-F:]+\\](:[0-9]{1,5})?")) {
            return "https://" + host;
        }
        return config.listen().origin();
    }

    /** The PEM of the certificate the Host App serves, or null when unknown. */
    public String caPem() {
        Path source = config.certsDir().resolve("guildnet-tls.source");
        try {
            if (Files.isRegularFile(source)) {
                List<String> lines = Files.readAllLines(source);
                if (!lines.isEmpty() && Files.isRegularFile(Path.of(lines.get(0)))) return Files.readString(Path.of(lines.get(0)));
            }
            Path own = config.certsDir().resolve("server.crt");
            return Files.isRegularFile(own) ? Files.readString(own) : null;
        } catch (IOException e) {
            return null;
        }
    }
}
