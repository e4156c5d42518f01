package io.guildnet.sdk;

import static io.guildnet.sdk.Transport.query;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/** Batch jobs: {@code /api/batch/jobs} and {@code /api/batch/executions}. */
public final class Jobs {
    /** Batch statuses after which an execution does not change any more. */
    public static final Set<String> FINAL = Set.of("COMPLETED", "FAILED", "STOPPED", "ABANDONED");

    private final Transport t;

    Jobs(Transport t) {
        this.t = t;
    }

    /** The jobs that can be submitted: {@code [{job, steps[], params{name: description}}]}. */
    public List<JsonObject> available() {
        return t.object("GET", "/api/batch/jobs", null).getJsonArray("jobs").getValuesAs(JsonObject.class);
    }

    /** Submits a job ({@code guildnet-setup}, {@code guildnet-verify}, {@code guildnet-diagnose}, …); returns the execution id. */
    public long submit(String job, Map<String, ?> params) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("job", job);
        if (params != null && !params.isEmpty()) b.add("params", Jsons.value(params));
        return t.object("POST", "/api/batch/jobs", b.build()).getJsonNumber("executionId").longValue();
    }

    /** Executions, newest first; every filter may be null. */
    public List<JsonObject> executions(String cluster, String job, Integer limit) {
        return t.json("GET", "/api/batch/executions" + query("cluster", cluster, "job", job, "limit", limit), null)
                .asJsonArray().getValuesAs(JsonObject.class);
    }

    /** One execution with its steps. @throws NotFoundException {@code unknown_execution} */
    public JsonObject status(long id) {
        return t.object("GET", "/api/batch/executions/" + id, null);
    }

    /** The log so far: one LogEvent {@code {ts, job, step?, level, msg, kv?, err?}} per entry. */
    public List<JsonObject> logs(long id) {
        HttpResponse<InputStream> r = t.stream("GET", "/api/batch/executions/" + id + "/logs", "application/x-ndjson");
        List<JsonObject> out = new ArrayList<>();
        Transport.readLines(r.body(), v -> {
            if (v.getValueType() == JsonValue.ValueType.OBJECT) out.add(v.asJsonObject());
            return true;
        });
        return out;
    }

    /**
     * Follows the execution (SSE: the log so far, then live log and progress events) on the calling
     * thread until it ends; returns the {@code end} event {@code {status, exitStatus}}.
     */
    public JsonObject follow(long id, Consumer<JsonObject> onLog, Consumer<JsonObject> onProgress) {
        HttpResponse<InputStream> r = t.stream("GET", "/api/batch/executions/" + id + "/events", "text/event-stream");
        JsonObject[] end = {null};
        Transport.readEvents(r.body(), e -> {
            switch (e.name()) {
                case "log" -> { if (onLog != null) onLog.accept(e.json().asJsonObject()); }
                case "progress" -> { if (onProgress != null) onProgress.accept(e.json().asJsonObject()); }
                case "end" -> {
                    end[0] = e.json().asJsonObject();
                    return false;
                }
                default -> { }
            }
            return true;
        });
        if (end[0] == null) {
            JsonObject s = status(id);
            end[0] = Json.createObjectBuilder().add("status", s.getString("status", "UNKNOWN"))
                    .add("exitStatus", s.getString("exitStatus", "")).build();
        }
        return end[0];
    }

    /** Polls until the execution is final or the time is up; returns its last status. */
    public JsonObject waitFor(long id, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            JsonObject s = status(id);
            if (FINAL.contains(s.getString("status", "")) || System.nanoTime() >= deadline) return s;
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectionException("interrupted", e);
            }
        }
    }

    /** The job's report. @throws NotFoundException {@code no_report} until it is written */
    public JsonObject report(long id) {
        return t.object("GET", "/api/batch/executions/" + id + "/report", null);
    }

    public JsonObject stop(long id) {
        return t.object("POST", "/api/batch/executions/" + id + "/stop", JsonValue.EMPTY_JSON_OBJECT);
    }

    /** Restarts a failed or stopped execution; returns the new execution id. */
    public long restart(long id) {
        return t.object("POST", "/api/batch/executions/" + id + "/restart", JsonValue.EMPTY_JSON_OBJECT).getJsonNumber("executionId").longValue();
    }

    /**
     * Streams the file of a completed {@code rethink-export} into {@code out}; returns the bytes
     * written. @throws ConflictException {@code not_ready} while it runs, NotFoundException {@code no_file}
     */
    public long downloadFile(long id, java.io.OutputStream out) {
        HttpResponse<InputStream> r = t.stream("GET", "/api/batch/executions/" + id + "/file", null);
        try (InputStream in = r.body()) {
            return in.transferTo(out);
        } catch (java.io.IOException e) {
            throw new ConnectionException("reading the file of execution " + id + " failed: " + e.getMessage(), e);
        }
    }

    /** Deletes the file of a {@code rethink-export}: {@code {deleted, executionId}}. */
    public JsonObject deleteFile(long id) {
        return t.object("DELETE", "/api/batch/executions/" + id + "/file", null);
    }

}
