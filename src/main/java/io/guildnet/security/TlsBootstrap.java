package io.guildnet.security;

import io.guildnet.config.GuildNetConfig;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;

/**
 * Command-line entry run before Liberty starts (scripts/run.sh, the test build):
 * prepares the certificate and the launch include so the very first TLS
 * handshake already uses the Host App's own certificate.
 */
public final class TlsBootstrap {

    private TlsBootstrap() {}

    public static void main(String[] args) throws Exception {
        GuildNetConfig cfg = GuildNetConfig.from(TlsBootstrap::lookup);
        TlsMaterial.Result r = TlsMaterial.ensure(Path.of("").toAbsolutePath(), cfg.home(), cfg.listen());
        System.out.println("guildnet: TLS certificate " + r.certFile() + (r.generated() ? " (generated)" : "")
                + "; listening on https://" + cfg.listen().authority());
    }

    /** MicroProfile-style lookup: system property, then the env var form of the key. */
    static Optional<String> lookup(String key) {
        String v = System.getProperty(key);
        if (v == null) v = System.getenv(key.toUpperCase(Locale.ROOT).replace('.', '_'));
        return Optional.ofNullable(v);
    }
}
