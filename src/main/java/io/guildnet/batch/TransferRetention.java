package io.guildnet.batch;

import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Removes old export files and uploads ({@link BatchEnvironment#sweepTransferFiles}) five minutes
 * after start and then hourly. Started with the application; the batch layer itself is only
 * brought up by the first sweep, so start-up does not wait for the job repository.
 */
@ApplicationScoped
public class TransferRetention {

    @Inject
    BatchEnvironment env;

    @Resource
    ManagedScheduledExecutorService scheduler;

    private ScheduledFuture<?> task;

    void onStart(@Observes @Initialized(ApplicationScoped.class) Object ignored) {
        if (scheduler != null && task == null) task = scheduler.scheduleWithFixedDelay(env::sweepTransferFiles, 300, 3600, TimeUnit.SECONDS);
    }

    @PreDestroy
    void stop() {
        if (task != null) task.cancel(false);
    }
}
