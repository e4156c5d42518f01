package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.BatchJob;
import io.guildnet.batch.ExecutionLogs;
import io.guildnet.batch.verify.CheckResult;
import io.guildnet.batch.verify.Verifier;
import io.guildnet.cluster.ClusterInstance;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import java.util.List;

/** One layer of guildnet-verify; its check results are kept in the execution's directory for the report step. */
@Named("verifyLayer")
@Dependent
public class VerifyLayerBatchlet extends StepExit {

    @Inject
    JobContext job;

    @Inject
    @BatchProperty(name = "layer")
    String layer;

    @Inject
    BatchEnvironment env;

    private volatile boolean stop;

    @Override
    public String process() {
        long id = job.getExecutionId();
        var p = env.params(id);
        ClusterInstance inst = env.instanceFor(id, stepContext.getStepName());
        List<CheckResult> results = env.verifier().layer(layer, env.verifyContext(inst, p, () -> stop), r ->
                env.logs().log(id, layer, r.status() == CheckResult.Status.FAIL ? "error" : r.status() == CheckResult.Status.WARN ? "warn" : "info",
                        r.check().code() + " " + r.status().wire() + ": " + r.message(), null, null));
        JsonArrayBuilder a = Json.createArrayBuilder();
        results.forEach(r -> a.add(r.json()));
        ExecutionLogs.writeJsonFile(env.logs().dir(id).resolve("layers").resolve(layer + ".json"),
                Json.createObjectBuilder().add("name", layer).add("checks", a).build());
        return exit(Verifier.layerStatus(results).toUpperCase(java.util.Locale.ROOT));
    }

    @Override
    public void stop() { stop = true; }
}
