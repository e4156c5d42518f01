package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.BatchJob;
import io.guildnet.batch.ExecutionLogs;
import io.guildnet.batch.setup.SetupRunner;
import io.guildnet.batch.setup.SetupStep;
import io.guildnet.batch.setup.SetupSteps;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;

/**
 * One setup step (property {@code step}), retried with backoff. Success returns its outcome
 * (APPLIED, UNCHANGED, SKIPPED; applied steps go into the instance's journal for rollback); a
 * failure returns FAILED, which the job XML routes to the rollback step.
 */
@Named("setupStep")
@Dependent
public class SetupStepBatchlet extends StepExit {

    @Inject
    JobContext job;

    @Inject
    @BatchProperty(name = "step")
    String stepName;

    @Inject
    BatchEnvironment env;

    private volatile boolean stop;

    @Override
    public String process() {
        long id = job.getExecutionId();
        var p = env.params(id);
        SetupStep step = SetupSteps.byName(stepName);
        SetupRunner.Policy base = env.setupPolicy();
        SetupRunner.Policy policy = new SetupRunner.Policy(
                p.getProperty("retries") != null ? Integer.parseInt(p.getProperty("retries")) : base.retries(),
                p.getProperty("backoffMs") != null ? java.time.Duration.ofMillis(Long.parseLong(p.getProperty("backoffMs"))) : base.backoff(),
                base.maxBackoff());
        var dir = env.logs().dir(id).resolve("setup");
        try {
            var inst = env.instanceFor(id, stepContext.getStepName());
            SetupStep.Result r = new SetupRunner(d -> sleep(d.toMillis())).runStep(step, env.setupContext(inst, id, () -> stop), policy);
            if ("applied".equals(r.outcome())) {
                new SetupJournal(env.logs(), BatchRuntime.getJobOperator().getJobInstance(id).getInstanceId()).add(stepName, r.undo());
            }
            ExecutionLogs.writeJsonFile(dir.resolve(stepName + ".json"),
                    Json.createObjectBuilder().add("name", stepName).add("outcome", r.outcome()).add("message", r.message()).build());
            return exit(r.outcome().toUpperCase(java.util.Locale.ROOT));
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            env.logs().log(id, stepName, "error", "step " + stepName + " failed: " + why, null, e.getClass().getSimpleName());
            ExecutionLogs.writeJsonFile(dir.resolve(stepName + ".json"),
                    Json.createObjectBuilder().add("name", stepName).add("outcome", "failed").add("message", why).build());
            ExecutionLogs.writeJsonFile(dir.resolve("failure.json"), Json.createObjectBuilder().add("step", stepName).add("error", why).build());
            return exit("FAILED");
        }
    }

    private void sleep(long ms) throws InterruptedException {
        long end = System.currentTimeMillis() + ms;
        while (!stop && System.currentTimeMillis() < end) Thread.sleep(Math.min(100, Math.max(1, end - System.currentTimeMillis())));
    }

    @Override
    public void stop() { stop = true; }
}
