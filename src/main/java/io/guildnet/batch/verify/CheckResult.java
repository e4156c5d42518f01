package io.guildnet.batch.verify;

import io.guildnet.batch.Redactor;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;

/**
 * One check of a verification report: its stable code, outcome and, when it failed or warned,
 * what to do. Timed checks carry {@code latency_ms} against their {@code threshold_ms}.
 */
public record CheckResult(Check check, Status status, long durationMs, String message, String suggestion,
                          Long latencyMs, Long thresholdMs) {

    public enum Status {
        PASS, WARN, FAIL, SKIP;

        public String wire() { return name().toLowerCase(java.util.Locale.ROOT); }
    }

    public JsonObject json() {
        JsonObjectBuilder b = Json.createObjectBuilder().add("code", check.code()).add("name", check.title())
                .add("status", status.wire()).add("duration_ms", durationMs).add("message", Redactor.text(message));
        if (suggestion != null && (status == Status.FAIL || status == Status.WARN)) b.add("suggestion", Redactor.text(suggestion));
        if (latencyMs != null) b.add("latency_ms", latencyMs);
        if (thresholdMs != null) b.add("threshold_ms", thresholdMs);
        return b.build();
    }
}
