package io.guildnet.batch;

import io.guildnet.api.ApiException;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import java.util.Map;

/**
 * The anchor's orchestration jobs (§1.2, §6) mapped onto the batch jobs: kinds to jobs,
 * {@code spec} to parameters, and executions to the anchor's Job Record
 * {@code {id, kind, specJSON, status, progress, created, updated, result?, error?}}.
 */
public final class LegacyJobs {

    private LegacyJobs() {}

    /** The batch job for an anchor kind; 501 for kinds whose part is not in this build, 400 for unknown ones. */
    public static String jobFor(String kind) {
        if (kind == null || kind.isBlank()) throw ApiException.badRequest("missing_kind", "missing kind");
        String k = kind.trim();
        return switch (k) {
            case "cluster.create", "cluster.setup" -> BatchJob.SETUP.jobName();
            case "cluster.verify" -> BatchJob.VERIFY.jobName();
            case "cluster.diagnose" -> BatchJob.DIAGNOSE.jobName();
            case "db.export" -> BatchJob.EXPORT.jobName();
            case "db.import" -> BatchJob.IMPORT.jobName();
            // the anchor's headscale.* kinds provision a cluster's tailnet side (spec.id = the cluster)
            case "headscale.create", "headscale.provision", "headscale.setup", "tailnet.provision" -> BatchJob.TAILNET_PROVISION.jobName();
            default -> {
                if (k.equals("headscale.start") || k.equals("headscale.stop") || k.equals("headscale.destroy")) {
                    // the anchor queued these as jobs; here they are synchronous actions on the Headscale record
                    String action = k.substring("headscale.".length());
                    throw ApiException.badRequest("headscale_action_not_a_job", "job kind " + k + " is an action, not a job here: POST "
                            + "/api/deploy/headscale/{id}?action=" + action, Map.of("use", "/api/deploy/headscale/{id}?action=" + action));
                }
                throw ApiException.badRequest("unknown_kind", "unknown job kind '" + k + "'",
                        Map.of("kinds", java.util.List.of("cluster.create", "cluster.setup", "cluster.verify", "cluster.diagnose",
                        "db.export", "db.import", "headscale.create", "headscale.provision", "tailnet.provision")));
            }
        };
    }

    /** The anchor's spec as job parameters: {@code spec.id} (the cluster id) becomes {@code cluster}. */
    public static JsonObject params(JsonObject spec) {
        if (spec == null) return jakarta.json.JsonValue.EMPTY_JSON_OBJECT;
        JsonObjectBuilder b = Json.createObjectBuilder();
        spec.forEach((k, v) -> {
            if (k.equals("id")) {
                if (!spec.containsKey(BatchJob.CLUSTER)) b.add(BatchJob.CLUSTER, v);
            } else {
                b.add(k, v);
            }
        });
        return b.build();
    }

    /** Batch status → anchor state: queued, running, succeeded, failed, canceled. */
    public static String status(String batchStatus, String exitStatus) {
        return switch (batchStatus) {
            case "STARTING" -> "queued";
            case "STARTED", "STOPPING" -> "running";
            case "COMPLETED" -> "succeeded";
            case "STOPPED" -> "canceled";
            default -> "failed";
        };
    }

    /** An execution (as {@link JobService#execution}) as a Job Record. */
    public static JsonObject record(JsonObject e, JsonObject report) {
        JsonObjectBuilder spec = Json.createObjectBuilder();
        e.getJsonObject("params").forEach((k, v) -> {
            if (!k.equals(BatchJob.KIND) && !k.equals(BatchJob.SUBMITTED_BY)) spec.add(k, v);
        });
        String kind = e.containsKey("kind") ? e.getString("kind") : e.getString("job");
        String status = status(e.getString("status"), e.getString("exitStatus", null));
        JsonObjectBuilder b = Json.createObjectBuilder().add("id", Long.toString(e.getJsonNumber("executionId").longValue()))
                .add("kind", kind).add("specJSON", spec.build().toString()).add("status", status)
                .add("progress", e.getJsonNumber("progress")).add("created", e.getString("created", ""))
                .add("updated", e.getString("updated", e.getString("created", "")));
        if (report != null) b.add("result", report);
        if (status.equals("failed")) {
            String err = report != null && report.get("error") instanceof JsonString s ? s.getString() : "exit status " + e.getString("exitStatus", "FAILED");
            b.add("error", err);
        }
        return b.build();
    }
}
