package io.guildnet.batch;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import org.eclipse.microprofile.config.ConfigProvider;

/**
 * Background care of the transfer jobs, started with the application:
 * <ul>
 * <li>GUILDNET_BATCH_TRANSFER_RESUME_AFTER_SECONDS (default 10, 0: never) after start, restarts the
 * exports and imports the Host App's last end cut off ({@link JobService#resumeInterrupted});</li>
 * <li>five minutes after start and then hourly, deletes old export files and uploads
 * ({@link BatchEnvironment#sweepTransferFiles}).</li>
 * </ul>
 * The batch layer itself is only brought up by the first of these, so start-up does not wait for
 * the job repository.
 */
@ApplicationScoped
public class TransferHousekeeping {

    private static final Logger LOG = Logger.getLogger(TransferHousekeeping.class.getName());

    @Inject
    BatchEnvironment env;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (scheduler == null || !tasks.isEmpty()) return;
        long resumeAfter = resumeAfterSeconds();
        if (resumeAfter > 0) tasks.add(scheduler.schedule(this::resume, resumeAfter, TimeUnit.SECONDS));
        tasks.add(scheduler.scheduleWithFixedDelay(env::sweepTransferFiles, 300, 3600, TimeUnit.SECONDS));
    }

    void resume() {
        try {
            List<Long> resumed = env.jobs().resumeInterrupted();
            if (!resumed.isEmpty()) LOG.info("resumed " + resumed.size() + " export/import execution(s) cut off by the last stop: " + resumed);
        } catch (RuntimeException e) {
            LOG.warning("resuming cut-off export/import executions failed: " + e);
        }
    }

    static long resumeAfterSeconds() {
        String raw = ConfigProvider.getConfig().getOptionalValue("guildnet.batch.transfer.resume.after.seconds", String.class)
                .map(String::trim).filter(s -> !s.isEmpty()).orElse("10");
        try {
            long v = Long.parseLong(raw);
            if (v >= 0 && v <= 86_400) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        // like every other setting, a bad value stops the start with a clear message
        throw new IllegalArgumentException("GUILDNET_BATCH_TRANSFER_RESUME_AFTER_SECONDS must be a whole number from 0 to 86400, got '" + raw + "'");
    }

    @PreDestroy
    void stop() {
        tasks.forEach(t -> t.cancel(false));
    }
}
