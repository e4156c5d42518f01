package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.BatchJob;
import jakarta.batch.api.listener.StepListener;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;

/** Step listener: a log line when each step starts and ends, and the job's progress (0..1) after each step. */
@Named("stepProgressListener")
@Dependent
public class StepProgressListener implements StepListener {

    @Inject
    JobContext job;

    @Inject
    StepContext step;

    @Inject
    BatchEnvironment env;

    @Override
    public void beforeStep() {
        long id = job.getExecutionId();
        env.logs().info(id, step.getStepName(), "step " + step.getStepName() + " started");
        BatchJob.byName(job.getJobName()).map(j -> j.progressAt(step.getStepName(), false)).filter(p -> p >= 0)
                .ifPresent(p -> env.logs().progress(id, p, step.getStepName()));
    }

    @Override
    public void afterStep() {
        long id = job.getExecutionId();
        String exit = step.getExitStatus() == null ? step.getBatchStatus().name() : step.getExitStatus();
        // the runtime sets a step's final status only after this listener: a chunk step that ended
        // normally still reads STARTED here, a stopped one STOPPING
        String shown = switch (exit) {
            case "STARTED", "STARTING" -> step.getException() != null ? "FAILED" : "COMPLETED";
            case "STOPPING" -> "STOPPED";
            default -> exit;
        };
        env.logs().log(id, step.getStepName(), shown.equals("FAILED") ? "error" : "info", "step " + step.getStepName() + " finished: " + shown, null, null);
        // a failed or stopped step keeps the progress it reached (it did not finish)
        if (!BatchJob.stepFinished(step.getBatchStatus(), exit)) return;
        BatchJob.byName(job.getJobName()).map(j -> j.progressAt(step.getStepName(), true)).filter(p -> p >= 0)
                .ifPresent(p -> env.logs().progress(id, p, step.getStepName()));
    }
}
