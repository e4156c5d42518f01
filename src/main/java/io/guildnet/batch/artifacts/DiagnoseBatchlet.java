package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.BatchJob;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.JsonObject;

/** guildnet-diagnose: collects, applies the rules, stores the report and logs the human summary. */
@Named("diagnose")
@Dependent
public class DiagnoseBatchlet extends StepExit {

    @Inject
    JobContext job;

    @Inject
    BatchEnvironment env;

    @Override
    public String process() {
        long id = job.getExecutionId();
        var p = env.params(id);
        var inst = env.instanceFor(id, stepContext.getStepName());
        JsonObject report = env.diagnoser().diagnose(env.diagnoseContext(inst, p));
        env.logs().saveReport(id, report);
        JsonObject s = report.getJsonObject("summary");
        for (String line : s.getString("text").split("\n")) env.logs().log(id, "diagnose", "ok".equals(s.getString("status")) ? "info" : "warn", line, null, null);
        String exit = s.getString("status").toUpperCase(java.util.Locale.ROOT);
        job.setExitStatus(exit);
        return exit(exit);
    }
}
