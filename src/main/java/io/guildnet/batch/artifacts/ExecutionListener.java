package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.BatchJob;
import jakarta.batch.api.listener.JobListener;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;

/** Job listener: logs the start and end of every execution, audits its outcome and tells live listeners it ended. */
@Named("executionListener")
@Dependent
public class ExecutionListener implements JobListener {

    @Inject
    JobContext job;

    @Inject
    BatchEnvironment env;

    @Override
    public void beforeJob() {
        long id = job.getExecutionId();
        env.logs().info(id, null, "execution " + id + " of " + job.getJobName() + " started on cluster "
                + env.params(id).getProperty(BatchJob.CLUSTER, "?"));
        env.logs().progress(id, 0, null);
    }

    @Override
    public void afterJob() {
        long id = job.getExecutionId();
        BatchStatus st = job.getBatchStatus();
        String exit = job.getExitStatus() != null ? job.getExitStatus() : st.name();
        // a failed step leaves the job STARTED until the runtime finishes it: report FAILED then
        String status = st == BatchStatus.STARTED && (exit.equals("FAILED") || exit.equals("ROLLED_BACK")) ? "FAILED"
                : st == BatchStatus.STARTED ? "COMPLETED" : st == BatchStatus.STOPPING ? "STOPPED" : st.name();
        if (status.equals("COMPLETED")) env.logs().progress(id, 1, null);
        env.logs().log(id, null, status.equals("COMPLETED") ? "info" : "warn", "execution " + id + " finished: " + status + " (" + exit + ")", null, null);
        var p = env.params(id);
        env.audit(p.getProperty(BatchJob.SUBMITTED_BY), "batch.finished", id, Json.createObjectBuilder().add("job", job.getJobName())
                .add("cluster", p.getProperty(BatchJob.CLUSTER, "")).add("status", status).add("exitStatus", exit).build().toString());
        env.logs().end(id, status, exit);
    }
}
