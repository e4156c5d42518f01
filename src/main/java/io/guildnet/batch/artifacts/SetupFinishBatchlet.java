package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.BatchJob;
import io.guildnet.batch.ExecutionLogs;
import io.guildnet.batch.setup.SetupRunner;
import io.guildnet.batch.setup.SetupSteps;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.List;

/**
 * The end of guildnet-setup: with {@code mode=report} the success report; with
 * {@code mode=rollback} the applied steps are reverted newest first (from the instance's
 * journal) and the report says which step failed, why, and what was rolled back.
 */
@Named("setupFinish")
@Dependent
public class SetupFinishBatchlet extends StepExit {

    @Inject
    JobContext job;

    @Inject
    @BatchProperty(name = "mode")
    String mode;

    @Inject
    BatchEnvironment env;

    @Override
    public String process() {
        long id = job.getExecutionId();
        var p = env.params(id);
        var inst = env.instanceFor(id, stepContext.getStepName());
        var dir = env.logs().dir(id).resolve("setup");
        JsonArrayBuilder steps = Json.createArrayBuilder();
        for (String s : SetupSteps.names()) ExecutionLogs.readJsonFile(dir.resolve(s + ".json")).ifPresent(steps::add);
        JsonObjectBuilder report = Json.createObjectBuilder().add("job", job.getJobName()).add("cluster", inst.id());
        SetupJournal journal = new SetupJournal(env.logs(), BatchRuntime.getJobOperator().getJobInstance(id).getInstanceId());
        if ("rollback".equals(mode)) {
            JsonObject failure = ExecutionLogs.readJsonFile(dir.resolve("failure.json"))
                    .orElse(Json.createObjectBuilder().add("step", "?").add("error", "unknown").build());
            var applied = journal.read();
            env.logs().log(id, "rollback", "warn", "setup failed at " + failure.getString("step") + "; rolling back "
                    + applied.size() + " applied step(s) in reverse order", null, null);
            List<String> rolled = SetupRunner.real().rollback(applied, env.setupContext(inst, id, () -> false));
            journal.clear();
            env.logs().log(id, "rollback", "warn", "rolled back: " + (rolled.isEmpty() ? "nothing (no step had changed anything)" : String.join(", ", rolled)), null, null);
            report.add("status", "rolled_back").add("failed_step", failure.getString("step")).add("error", failure.getString("error"))
                    .add("rolled_back", Json.createArrayBuilder(rolled));
            job.setExitStatus("ROLLED_BACK");
        } else {
            journal.clear(); // a finished setup keeps what it applied
            report.add("status", "succeeded");
            job.setExitStatus("COMPLETED");
        }
        report.add("steps", steps);
        ExecutionLogs.readJsonFile(env.logs().dir(id).resolve("verification.json")).ifPresent(v -> report.add("verification", v));
        env.logs().saveReport(id, report.build());
        return exit("rollback".equals(mode) ? "ROLLED_BACK" : "COMPLETED");
    }
}
