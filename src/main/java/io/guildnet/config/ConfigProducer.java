package io.guildnet.config;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import org.eclipse.microprofile.config.Config;
import org.eclipse.microprofile.config.ConfigProvider;

/** Builds the typed {@link GuildNetConfig} once from MicroProfile Config (env, system properties, files). */
@ApplicationScoped
public class ConfigProducer {

    @Produces
    @Singleton // GuildNetConfig is an immutable final class: no client proxy needed
    public GuildNetConfig guildNetConfig() {
        Config c = ConfigProvider.getConfig();
        return GuildNetConfig.from(key -> c.getOptionalValue(key, String.class));
    }
}
