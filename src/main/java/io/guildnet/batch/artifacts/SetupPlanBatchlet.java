package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.BatchJob;
import io.guildnet.batch.setup.SetupRunner;
import io.guildnet.batch.setup.SetupSteps;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import java.util.List;

/** First step of guildnet-setup: logs the plan; with {@code dryRun=true} stores it as the report and ends the job (exit DRY_RUN). */
@Named("setupPlan")
@Dependent
public class SetupPlanBatchlet extends StepExit {

    @Inject
    JobContext job;

    @Inject
    BatchEnvironment env;

    @Override
    public String process() {
        long id = job.getExecutionId();
        var p = env.params(id);
        var inst = env.instanceFor(id, stepContext.getStepName());
        var ctx = env.setupContext(inst, id, () -> false);
        List<String> plan = SetupRunner.real().plan(SetupSteps.all(), ctx);
        boolean dry = "true".equals(p.getProperty("dryRun"));
        env.logs().info(id, "plan", (dry ? "dry run, nothing is changed. " : "") + "plan for cluster " + inst.id() + ":");
        plan.forEach(line -> env.logs().info(id, "plan", line));
        if (dry) {
            env.logs().saveReport(id, Json.createObjectBuilder().add("job", job.getJobName()).add("cluster", inst.id())
                    .add("status", "dry_run").add("plan", Json.createArrayBuilder(plan)).build());
            job.setExitStatus("DRY_RUN");
            return exit("DRY_RUN");
        }
        return exit("PLANNED");
    }
}
