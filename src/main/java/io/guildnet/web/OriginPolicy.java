package io.guildnet.web;

import io.guildnet.config.GuildNetConfig;
import io.guildnet.security.AuthPolicy;
import io.guildnet.settings.SettingsService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * The browser origins the Host App trusts: {@code global.frontend_origin} when
 * set, the listen address's own origin, and its loopback spellings
 * (localhost, 127.0.0.1, [::1]) when it listens on loopback. Read live, so a
 * settings change applies to the next request.
 */
@ApplicationScoped
public class OriginPolicy {

    @Inject
    GuildNetConfig config;

    @Inject
    SettingsService settings;

    public Set<String> allowed() {
        return allowed(config, settings.frontendOrigin().orElse(null));
    }

    static Set<String> allowed(GuildNetConfig config, String frontendOrigin) {
        Set<String> s = new LinkedHashSet<>();
        if (frontendOrigin != null) s.add(stripSlash(frontendOrigin));
        s.add(config.listen().origin());
        String host = config.listen().host();
        int port = config.listen().port();
        if (AuthPolicy.isLoopback(host) || host.equals("localhost") || host.equals("0.0.0.0") || host.equals("*")) {
            s.add("https://localhost:" + port);
            s.add("https://127.0.0.1:" + port);
            s.add("https://[::1]:" + port);
        }
        return s;
    }

    private static String stripSlash(String o) {
        return o.endsWith("/") ? o.substring(0, o.length() - 1) : o;
    }
}
