package io.guildnet.batch;

import io.guildnet.api.ApiException;
import jakarta.batch.operations.JobExecutionAlreadyCompleteException;
import jakarta.batch.operations.JobExecutionNotMostRecentException;
import jakarta.batch.operations.JobExecutionNotRunningException;
import jakarta.batch.operations.JobOperator;
import jakarta.batch.operations.JobRestartException;
import jakarta.batch.operations.NoSuchJobException;
import jakarta.batch.operations.NoSuchJobExecutionException;
import jakarta.batch.runtime.BatchStatus;
import jakarta.batch.runtime.JobExecution;
import jakarta.batch.runtime.JobInstance;
import jakarta.batch.runtime.StepExecution;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The job API over Jakarta Batch's {@link JobOperator}: submit (with validated parameters),
 * list, inspect (status, progress, steps with times, exit status), stop and restart; every
 * submission, stop and restart is audited (outcomes are audited by the job listener).
 */
public final class JobService {

    /** Checks and normalises a cluster id (400 when it does not name a cluster this Host App knows). */
    public interface Clusters {
        String require(String id);
    }

    /** Where audit entries go. */
    public interface Audit {
        void record(String actor, String action, String executionId, String details);
    }

    /** A job-specific check at submission (e.g. the table of an export exists and the caller may read it): throws an ApiException. */
    public interface Preflight {
        void check(BatchJob job, Map<String, String> params, String cluster, String actor);
    }

    private volatile Preflight preflight;

    public void preflight(Preflight p) { this.preflight = p; }

    /** Log line of a user's stop request (read back by {@link #interrupted}). */
    public static final String STOP_REQUESTED = "stop requested by ";
    /** Log line the job listener writes when an execution ends: "execution N finished: STATUS (exit)". */
    public static final java.util.regex.Pattern FINISHED = java.util.regex.Pattern.compile("execution \\d+ finished: ([A-Z]+)\\b.*");
    /** The job listener's end line; {@link #FINISHED} reads it back. */
    public static String finishedLine(long id, String status, String exit) {
        return "execution " + id + " finished: " + status + " (" + exit + ")";
    }

    /** Auto-resume stops once a job instance has this many executions (a job that keeps taking the process down). */
    public static final int MAX_AUTO_RESUME_EXECUTIONS = 5;

    /** Restarts and file deletions of one job instance never overlap (striped by instance id). */
    private final Object[] instanceLocks = new Object[64];

    private final JobOperator ops;
    private final ExecutionLogs logs;
    private final Clusters clusters;
    private final Audit audit;
    private final String defaultCluster;

    public JobService(JobOperator ops, ExecutionLogs logs, Clusters clusters, Audit audit, String defaultCluster) {
        this.ops = ops;
        for (int i = 0; i < instanceLocks.length; i++) instanceLocks[i] = new Object();
        this.logs = logs;
        this.clusters = clusters;
        this.audit = audit;
        this.defaultCluster = defaultCluster;
    }

    public ExecutionLogs logs() { return logs; }

    /**
     * Touches the job repository once so its tables exist before the first job starts: with
     * embedded Derby, creating the tables in the same transaction as the first execution's
     * rows fails with "A lock could not be obtained" (sequence contention, DERBY-6554).
     */
    public void warmUp() {
        ops.getJobNames();
        for (String n : BatchJob.names()) {
            try {
                ops.getJobInstanceCount(n);
            } catch (NoSuchJobException ignored) {
                // no execution of this job yet
            }
        }
    }

    public static BatchJob job(String name) {
        if (name == null || name.isBlank()) throw ApiException.badRequest("missing_field", "job is required", Map.of("field", "job", "jobs", BatchJob.names()));
        return BatchJob.byName(name.trim()).orElseThrow(() -> ApiException.badRequest("unknown_job",
                "unknown job '" + name + "'; known jobs: " + String.join(", ", BatchJob.names()), Map.of("jobs", BatchJob.names())));
    }

    /** Starts {@code job}; returns the execution id. */
    public long submit(String jobName, JsonObject params, String actor, String kind) {
        BatchJob job = job(jobName);
        Map<String, String> p = job.validate(params);
        String cluster = clusters.require(p.getOrDefault(BatchJob.CLUSTER, defaultCluster));
        Preflight pf = preflight;
        if (pf != null) pf.check(job, p, cluster, actor);
        Properties props = new Properties();
        p.forEach(props::setProperty);
        props.setProperty(BatchJob.CLUSTER, cluster);
        props.setProperty(BatchJob.SUBMITTED_BY, actor == null ? "unknown" : actor);
        if (kind != null) props.setProperty(BatchJob.KIND, kind);
        long id = ops.start(job.jobName(), props);
        logs.info(id, null, "submitted " + job.jobName() + " for cluster " + cluster + " by " + props.getProperty(BatchJob.SUBMITTED_BY));
        audit.record(actor, "batch.submit", Long.toString(id), Json.createObjectBuilder().add("job", job.jobName()).add("cluster", cluster)
                .add("params", Redactor.object(Json.createObjectBuilder(new java.util.LinkedHashMap<String, Object>(p)).build())).build().toString());
        return id;
    }

    public JobExecution require(long id) {
        try {
            JobExecution e = ops.getJobExecution(id);
            if (e == null || BatchJob.byName(e.getJobName()).isEmpty()) throw new NoSuchJobExecutionException();
            return e;
        } catch (RuntimeException e) {
            // Liberty wraps it in its own PersistenceException
            for (Throwable t = e; t != null; t = t.getCause()) {
                if (t instanceof NoSuchJobExecutionException) throw ApiException.notFound("unknown_execution", "no job execution with id " + id);
            }
            throw e;
        }
    }

    public static long parseId(String raw) {
        try {
            long id = Long.parseLong(raw.trim());
            if (id > 0) return id;
        } catch (RuntimeException ignored) {
            // fall through
        }
        throw ApiException.notFound("unknown_execution", "no job execution with id " + raw);
    }

    /** The job instance of an execution (shared by the executions a restart adds). */
    public long instanceId(long id) {
        return ops.getJobInstance(id).getInstanceId();
    }

    /** Whether any execution of the job instance {@code id} belongs to is still starting, running or stopping. */
    public boolean instanceActive(long id) {
        for (JobExecution e : ops.getJobExecutions(ops.getJobInstance(id))) {
            if (!terminal(e.getBatchStatus())) return true;
        }
        return false;
    }

    /** The executions of {@code job} that are not over yet (none when it never ran). */
    public java.util.List<Long> running(String job) {
        try {
            return ops.getRunningExecutions(job);
        } catch (jakarta.batch.operations.NoSuchJobException never) {
            return java.util.List.of();
        }
    }

    public Properties params(long id) {
        Properties p = ops.getParameters(id);
        return p == null ? new Properties() : p;
    }

    public static boolean terminal(BatchStatus s) {
        return s == BatchStatus.COMPLETED || s == BatchStatus.FAILED || s == BatchStatus.STOPPED || s == BatchStatus.ABANDONED;
    }

    public boolean terminal(long id) { return terminal(require(id).getBatchStatus()); }

    /** The execution as the API shows it. */
    public JsonObject execution(long id) {
        return json(require(id), true);
    }

    JsonObject json(JobExecution e, boolean steps) {
        long id = e.getExecutionId();
        Properties p = params(id);
        JsonObjectBuilder b = Json.createObjectBuilder().add("executionId", id).add("job", e.getJobName())
                .add("cluster", p.getProperty(BatchJob.CLUSTER, ""));
        try {
            b.add("instanceId", ops.getJobInstance(id).getInstanceId());
        } catch (RuntimeException ignored) {
            // no instance visible (purged)
        }
        if (p.getProperty(BatchJob.KIND) != null) b.add("kind", p.getProperty(BatchJob.KIND));
        b.add("status", e.getBatchStatus().name());
        if (e.getExitStatus() != null) b.add("exitStatus", e.getExitStatus());
        time(b, "created", e.getCreateTime());
        time(b, "started", e.getStartTime());
        time(b, "ended", e.getEndTime());
        time(b, "updated", e.getLastUpdatedTime());
        double progress = e.getBatchStatus() == BatchStatus.COMPLETED ? 1.0 : logs.progress(id);
        b.add("progress", progress);
        JsonObjectBuilder params = Json.createObjectBuilder();
        p.stringPropertyNames().stream().sorted().forEach(k -> params.add(k, Redactor.secret(k, p.getProperty(k)) ? Redactor.MASK : Redactor.text(p.getProperty(k))));
        b.add("params", params);
        b.add("hasReport", logs.report(id).isPresent());
        if (steps) {
            JsonArrayBuilder a = Json.createArrayBuilder();
            List<StepExecution> ss = new ArrayList<>(ops.getStepExecutions(id));
            ss.sort(Comparator.comparing(s -> s.getStartTime() == null ? new Date(Long.MAX_VALUE) : s.getStartTime()));
            for (StepExecution s : ss) {
                JsonObjectBuilder sb = Json.createObjectBuilder().add("name", s.getStepName()).add("status", s.getBatchStatus().name());
                if (s.getExitStatus() != null) sb.add("exitStatus", s.getExitStatus());
                time(sb, "started", s.getStartTime());
                time(sb, "ended", s.getEndTime());
                if (s.getStartTime() != null && s.getEndTime() != null) sb.add("duration_ms", s.getEndTime().getTime() - s.getStartTime().getTime());
                a.add(sb);
            }
            b.add("steps", a);
        }
        return b.build();
    }

    private static void time(JsonObjectBuilder b, String k, Date d) {
        if (d != null) b.add(k, d.toInstant().toString());
    }

    /** Executions of the known jobs, newest first, optionally of one cluster and/or job. */
    public List<JsonObject> executions(String cluster, String jobName, int limit) {
        List<String> names = jobName == null ? BatchJob.names() : List.of(job(jobName).jobName());
        List<JobExecution> all = new ArrayList<>();
        for (String n : names) {
            List<JobInstance> instances;
            try {
                instances = ops.getJobInstances(n, 0, Math.max(limit, 1) * 2);
            } catch (NoSuchJobException e) {
                continue;
            }
            for (JobInstance i : instances) all.addAll(ops.getJobExecutions(i));
        }
        all.sort(Comparator.comparingLong(JobExecution::getExecutionId).reversed());
        List<JsonObject> out = new ArrayList<>();
        for (JobExecution e : all) {
            if (out.size() >= limit) break;
            if (cluster != null && !cluster.equals(params(e.getExecutionId()).getProperty(BatchJob.CLUSTER))) continue;
            out.add(json(e, false));
        }
        return out;
    }

    public void stop(long id, String actor) {
        require(id);
        try {
            ops.stop(id);
        } catch (JobExecutionNotRunningException e) {
            throw new ApiException(409, "not_running", "execution " + id + " is not running");
        }
        logs.log(id, null, "warn", STOP_REQUESTED + actor, null, null);
        audit.record(actor, "batch.stop", Long.toString(id), null);
    }

    private Object instanceLock(long executionId) {
        return instanceLocks[(int) (ops.getJobInstance(executionId).getInstanceId() & (instanceLocks.length - 1))];
    }

    /**
     * Deletes a file of the job instance {@code executionId} belongs to, unless an execution of it
     * is running (409 {@code running}); no restart of the instance can start meanwhile.
     * @return false when there was no file
     */
    public boolean deleteInstanceFile(long executionId, java.nio.file.Path file) throws java.io.IOException {
        synchronized (instanceLock(executionId)) {
            if (instanceActive(executionId)) {
                throw new ApiException(409, "running", "the export of execution " + executionId + " is still running: stop it first");
            }
            return java.nio.file.Files.deleteIfExists(file);
        }
    }

    public long restart(long id, String actor) {
        JobExecution e = require(id);
        synchronized (instanceLock(id)) {
            return restartLocked(e, actor);
        }
    }

    private long restartLocked(JobExecution e, String actor) {
        long id = e.getExecutionId();
        Properties p = params(id);
        String submitter = p.getProperty(BatchJob.SUBMITTED_BY);
        boolean transfer = BatchJob.EXPORT.jobName().equals(e.getJobName()) || BatchJob.IMPORT.jobName().equals(e.getJobName());
        if (transfer) {
            // rows are read and written with the submitter's database permissions and the file is theirs:
            // a restart continues as the same user, and only that user or an admin may restart it
            if (!io.guildnet.rethink.Caller.isHostAdmin(actor) && (actor == null || !actor.equals(submitter))) {
                throw ApiException.forbidden("forbidden", "only whoever submitted execution " + id + ", or an admin, may restart it:"
                        + " it moves table data with that user's database permissions");
            }
        } else {
            p.setProperty(BatchJob.SUBMITTED_BY, actor == null ? "unknown" : actor);
        }
        long next;
        try {
            next = ops.restart(id, p);
        } catch (JobExecutionAlreadyCompleteException ex) {
            throw new ApiException(409, "not_restartable", "execution " + id + " completed; submit the job again instead");
        } catch (JobExecutionNotMostRecentException ex) {
            throw new ApiException(409, "not_restartable", "execution " + id + " is not the most recent of its job instance");
        } catch (JobRestartException ex) {
            throw new ApiException(409, "not_restartable", "execution " + id + " (" + e.getBatchStatus() + ") cannot be restarted: " + ex.getMessage());
        }
        logs.info(next, null, "restart of execution " + id + " by " + actor + (transfer ? ", continuing as " + submitter : ""));
        audit.record(actor, "batch.restart", Long.toString(next), Json.createObjectBuilder().add("restartOf", id).build().toString());
        return next;
    }

    /**
     * Whether an execution was cut off by the Host App's end rather than by a user or an error:
     * it is STOPPED or FAILED, nobody asked it to stop, and the job listener either never saw it
     * end (a crash: Liberty's recovery marked it FAILED at the next start) or saw the runtime stop
     * it (a graceful shutdown).
     */
    static boolean interrupted(BatchStatus now, List<JsonObject> log) {
        if (now != BatchStatus.STOPPED && now != BatchStatus.FAILED) return false;
        if (log.isEmpty()) return false; // no log: not an execution this Host App ran (or its state was restored without it)
        String finished = null;
        for (JsonObject e : log) {
            String msg = e.getString("msg", "");
            if (msg.startsWith(STOP_REQUESTED)) return false;
            java.util.regex.Matcher m = FINISHED.matcher(msg);
            if (m.matches()) finished = m.group(1);
        }
        return finished == null || finished.equals("STOPPED");
    }

    /**
     * Restarts the rethink-export / rethink-import executions the Host App's last stop cut off
     * ({@link #interrupted}), each the most recent of its job instance and started after
     * {@code previousStart} (the start of the process that stopped: older executions were cut off
     * by an earlier stop and are left alone), as their submitter; they continue after their last
     * checkpoint. Returns the new execution ids.
     */
    public List<Long> resumeInterrupted(java.time.Instant previousStart) {
        List<Long> resumed = new ArrayList<>();
        for (BatchJob job : List.of(BatchJob.EXPORT, BatchJob.IMPORT)) {
            List<JobInstance> instances;
            try {
                instances = ops.getJobInstances(job.jobName(), 0, 500);
            } catch (NoSuchJobException never) {
                continue;
            }
            for (JobInstance in : instances) {
                List<JobExecution> all = ops.getJobExecutions(in);
                if (all.isEmpty() || all.size() >= MAX_AUTO_RESUME_EXECUTIONS) continue;
                JobExecution last = all.stream().max(Comparator.comparingLong(JobExecution::getExecutionId)).orElseThrow();
                long id = last.getExecutionId();
                BatchStatus status = last.getBatchStatus();
                if (status != BatchStatus.STOPPED && status != BatchStatus.FAILED) continue;
                Date started = last.getStartTime() != null ? last.getStartTime() : last.getCreateTime();
                if (started == null || started.toInstant().isBefore(previousStart)) continue;
                if (!interrupted(status, logs.read(id))) continue;
                try {
                    long next;
                    synchronized (instanceLock(id)) {
                        next = ops.restart(id, params(id)); // submittedBy unchanged: it continues as its submitter
                    }
                    logs.info(next, null, "resumed automatically: execution " + id + " was cut off when the Host App stopped; continuing as "
                            + params(id).getProperty(BatchJob.SUBMITTED_BY, "unknown"));
                    audit.record("system", "batch.restart", Long.toString(next),
                            Json.createObjectBuilder().add("restartOf", id).add("reason", "host_restart").build().toString());
                    resumed.add(next);
                } catch (RuntimeException e) {
                    // e.g. restarted by hand meanwhile (not the most recent any more): it is not tried again at the next start
                    logs.log(id, null, "warn", "could not be resumed after the Host App restarted: " + e.getMessage(), null, null);
                }
            }
        }
        return resumed;
    }

    /** The stored report, 404 {@code no_report} until the job wrote one. */
    public JsonObject report(long id) {
        require(id);
        return logs.report(id).orElseThrow(() -> ApiException.notFound("no_report", "execution " + id + " has no report (yet)"));
    }
}
