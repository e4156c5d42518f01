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
        // The runtime records the job's final status only after this listener: derive it from
        // the exit status and the steps (a step that threw is FAILED, a stop request STOPPING).
        boolean stepFailed = false;
        try {
            stepFailed = jakarta.batch.runtime.BatchRuntime.getJobOperator().getStepExecutions(id).stream()
                    .anyMatch(s -> s.getBatchStatus() == BatchStatus.FAILED);
        } catch (RuntimeException ignored) {
            // no step information: go by the statuses alone
        }
        String status = st == BatchStatus.STOPPING || st == BatchStatus.STOPPED ? "STOPPED"
                : st == BatchStatus.FAILED || stepFailed || exit.equals("FAILED") || exit.equals("ROLLED_BACK") ? "FAILED"
                : "COMPLETED";
        if (exit.equals("STARTED") || exit.equals("STARTING")) exit = status;
        if (status.equals("COMPLETED")) env.logs().progress(id, 1, null);
        env.logs().log(id, null, status.equals("COMPLETED") ? "info" : "warn", io.guildnet.batch.JobService.finishedLine(id, status, exit), null, null);
        var p = env.params(id);
        env.audit(p.getProperty(BatchJob.SUBMITTED_BY), "batch.finished", id, Json.createObjectBuilder().add("job", job.getJobName())
                .add("cluster", p.getProperty(BatchJob.CLUSTER, "")).add("status", status).add("exitStatus", exit).build().toString());
        env.logs().end(id, status, exit);
    }
}
