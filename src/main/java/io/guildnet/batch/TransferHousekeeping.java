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

/**
 * Background care of the transfer jobs, started with the application:
 * <ul>
 * <li>GUILDNET_BATCH_TRANSFER_RESUME_AFTER_SECONDS (default 10, 0: never) after start, restarts the
 * exports and imports the Host App's last stop cut off ({@link JobService#resumeInterrupted}):
 * those started after the previous start, which {@code state/batch/host-started} remembers;</li>
 * <li>five minutes after start (and never before the resume) and then hourly, deletes old export
 * files and uploads ({@link BatchEnvironment#sweepTransferFiles}).</li>
 * </ul>
 * Nothing runs when the Host App did not start.
 */
@ApplicationScoped
public class TransferHousekeeping {

    private static final Logger LOG = Logger.getLogger(TransferHousekeeping.class.getName());

    @Inject
    BatchEnvironment env;

    @Inject
    io.guildnet.config.GuildNetConfig config;

    @Inject
    io.guildnet.host.HostLifecycle lifecycle;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private final List<ScheduledFuture<?>> tasks = new ArrayList<>();

    void onStart(@Observes @jakarta.annotation.Priority(3200) @Initialized(ApplicationScoped.class) Object ignored) {
        if (scheduler == null || !tasks.isEmpty() || !lifecycle.started()) return;
        java.time.Instant previous = swapStart(config.stateDir().resolve("batch").resolve("host-started"), java.time.Instant.now());
        long resumeAfter = resumeAfterSeconds();
        if (resumeAfter > 0 && previous != null) tasks.add(scheduler.schedule(() -> resume(previous), resumeAfter, TimeUnit.SECONDS));
        tasks.add(scheduler.scheduleWithFixedDelay(env::sweepTransferFiles, Math.max(300, resumeAfter + 60), 3600, TimeUnit.SECONDS));
    }

    void resume(java.time.Instant previousStart) {
        try {
            List<Long> resumed = env.jobs().resumeInterrupted(previousStart);
            if (!resumed.isEmpty()) LOG.info("resumed " + resumed.size() + " export/import execution(s) cut off by the last stop: " + resumed);
        } catch (RuntimeException e) {
            LOG.warning("resuming cut-off export/import executions failed: " + e);
        }
    }

    /**
     * Records this start in {@code file} and returns the one recorded before (null: none, i.e. the
     * first start with this file, when nothing is resumed).
     */
    static java.time.Instant swapStart(java.nio.file.Path file, java.time.Instant now) {
        java.time.Instant previous = null;
        try {
            previous = java.time.Instant.parse(java.nio.file.Files.readString(file).trim());
        } catch (java.io.IOException | java.time.format.DateTimeParseException none) {
            // first start, or unreadable: resume nothing this time
        }
        try {
            io.guildnet.security.SecureFiles.writeAtomically(file, now.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException e) {
            LOG.warning("cannot record the start time in " + file + ": " + e.getMessage());
        }
        return previous;
    }

    static long resumeAfterSeconds() {
        // like every other setting, a bad value stops the start with a clear message
        return BatchEnvironment.knob("guildnet.batch.transfer.resume.after.seconds", 10, 0, 86_400);
    }

    @PreDestroy
    void stop() {
        tasks.forEach(t -> t.cancel(false));
    }
}
