package io.guildnet.security;

import io.guildnet.config.GuildNetConfig;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/** Resolves presented credentials (API token headers, session cookie) to principals. */
@ApplicationScoped
public class Authenticator {

    @Inject
    GuildNetConfig config;

    @Inject
    Keyring keyring;

    private ApiTokens tokens;

    @PostConstruct
    void init() {
        try {
            tokens = ApiTokens.load(config.apiToken(), config.stateDir().resolve("api-token"), config.tokensFile());
        } catch (IOException e) {
            throw new IllegalStateException("cannot load API tokens: " + e.getMessage(), e);
        }
    }

    /** The token from {@code Authorization: Bearer} (scheme case-insensitive) or {@code X-API-Token}, if any. */
    public static Optional<String> presentedToken(String authorization, String xApiToken) {
        if (authorization != null) {
            String a = authorization.trim();
            if (a.length() > 7 && a.substring(0, 7).toLowerCase(Locale.ROOT).equals("bearer ")) {
                return Optional.of(a.substring(7).trim());
            }
        }
        if (xApiToken != null && !xApiToken.isBlank()) return Optional.of(xApiToken.trim());
        return Optional.empty();
    }

    public Optional<String> principalForToken(String token) {
        return tokens.principalFor(token);
    }

    public Optional<String> principalForCookie(String cookieValue) {
        SessionCookies s = keyring.sessionsOrNull();
        return s == null ? Optional.empty() : s.verify(cookieValue);
    }

    public ApiTokens tokens() { return tokens; }
}
