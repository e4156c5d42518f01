package io.guildnet.host;

import io.guildnet.config.GuildNetConfig;
import io.guildnet.security.Authenticator;
import io.guildnet.security.Keyring;
import io.guildnet.security.TlsMaterial;
import io.guildnet.settings.SettingsService;
import io.guildnet.store.StateStore;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.nio.file.Path;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Start-up in a fixed order — TLS material, state database, master key, API
 * tokens, settings — so a broken piece is reported by name and readiness stays
 * down instead of the first request failing obscurely.
 */
@ApplicationScoped
public class HostLifecycle {

    private static final Logger LOG = Logger.getLogger(HostLifecycle.class.getName());

    @Inject
    GuildNetConfig config;

    @Inject
    StateStore store;

    @Inject
    Keyring keyring;

    @Inject
    Authenticator authenticator;

    @Inject
    SettingsService settings;

    private volatile boolean started;
    private volatile boolean stopping;
    private volatile String startupError;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        long t0 = System.nanoTime();
        try {
            // Normally prepared by scripts/run.sh before Liberty starts; done here too so a plain
            // `mvn liberty:run` ends up on the Host App's own certificate (Liberty reloads the include).
            Path launch = config.stateDir().resolve("liberty-launch.xml");
            if (!java.nio.file.Files.isRegularFile(launch)) {
                TlsMaterial.Result tls = TlsMaterial.ensure(Path.of("").toAbsolutePath(), config.home(), config.listen());
                LOG.info("TLS certificate " + tls.certFile() + " installed through " + tls.launchFile()
                        + "; Liberty switches to it within seconds (run scripts/run.sh to have it from the first request)");
            }
            store.db();
            keyring.keyId();
            authenticator.tokens();
            settings.authMode();
            started = true;
            LOG.info("GuildNet Host App " + Version.VERSION + " ready on https://" + config.listen().authority()
                    + " (home " + config.home() + ", auth " + settings.authMode().wire() + ", API token in "
                    + authenticator.tokens().adminSource() + ") in " + (System.nanoTime() - t0) / 1_000_000 + " ms");
        } catch (Exception e) {
            startupError = e.getMessage();
            LOG.log(Level.SEVERE, "GuildNet start-up failed: " + e.getMessage(), e);
        }
    }

    public boolean started() { return started; }

    public boolean stopping() { return stopping; }

    public String startupError() { return startupError; }

    void markStopping() { stopping = true; }
}
