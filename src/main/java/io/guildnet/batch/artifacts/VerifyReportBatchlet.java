package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.BatchJob;
import io.guildnet.batch.ExecutionLogs;
import io.guildnet.batch.verify.Verifier;
import io.guildnet.cluster.ClusterInstance;
import jakarta.batch.runtime.BatchRuntime;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.JsonObject;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Assembles the layers' results into the verification report, stores it, and sets the exit status to PASS, WARN or FAIL. */
@Named("verifyReport")
@Dependent
public class VerifyReportBatchlet extends StepExit {

    @Inject
    JobContext job;

    @Inject
    BatchEnvironment env;

    @Override
    public String process() {
        long id = job.getExecutionId();
        var p = env.params(id);
        ClusterInstance inst = env.instanceFor(id, stepContext.getStepName());
        Map<String, List<JsonObject>> layers = new LinkedHashMap<>();
        for (String l : Verifier.LAYERS) {
            ExecutionLogs.readJsonFile(env.logs().dir(id).resolve("layers").resolve(l + ".json"))
                    .ifPresent(o -> layers.put(l, o.getJsonArray("checks").getValuesAs(JsonObject.class)));
        }
        var started = BatchRuntime.getJobOperator().getJobExecution(id).getStartTime();
        JsonObject report = env.verifier().reportJson(env.verifyContext(inst, p, () -> false),
                started == null ? Instant.now() : started.toInstant(), Instant.now(), layers);
        env.logs().saveReport(id, report);
        JsonObject s = report.getJsonObject("summary");
        env.logs().log(id, "report", "fail".equals(s.getString("status")) ? "error" : "info", s.getString("text"), null, null);
        String exit = s.getString("status").toUpperCase(java.util.Locale.ROOT);
        job.setExitStatus(exit);
        return exit(exit);
    }
}
