package io.guildnet.batch;

import io.guildnet.api.ApiException;
import io.guildnet.batch.setup.SetupSteps;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The jobs the API accepts: their names (job XML in batch-jobs/), their steps in order (for
 * progress), and the parameters each takes with their types and bounds. Parameters are
 * validated here so a bad submission is a 400 with the reason, never a failed execution.
 */
public enum BatchJob {
    SETUP("guildnet-setup", setupSteps(), Map.of(
            "dryRun", Param.bool(), "retries", Param.integer(0, 10), "backoffMs", Param.integer(0, 60_000))),
    VERIFY("guildnet-verify", List.of("network", "cluster", "database", "application", "report"), Map.of(
            "probeWorkspace", Param.bool(), "probeTimeoutMs", Param.integer(500, 120_000))),
    DIAGNOSE("guildnet-diagnose", List.of("diagnose"), Map.of("events", Param.integer(1, 500))),
    EXPORT("rethink-export", List.of("export", "finish"), Map.of(
            "db", Param.text(BatchJob.DB_ID, "a database id (a-z, 0-9, _ and -)", true),
            "table", Param.text(BatchJob.TABLE, "a table name (A-Z, a-z, 0-9 and _)", true),
            "format", Param.text(BatchJob.FORMAT, "json, ndjson or csv", false),
            "chunk", Param.integer(1, 10_000))),
    IMPORT("rethink-import", List.of("import", "finish"), Map.of(
            "db", Param.text(BatchJob.DB_ID, "a database id (a-z, 0-9, _ and -)", true),
            "table", Param.text(BatchJob.TABLE, "a table name (A-Z, a-z, 0-9 and _)", true),
            "file", Param.text(BatchJob.UPLOAD, "the name POST /api/batch/uploads returned (import-<uuid>.<json|ndjson|csv>)", true),
            "format", Param.text(BatchJob.FORMAT, "json, ndjson or csv", false),
            "chunk", Param.integer(1, 10_000))),
    TAILNET_PROVISION("tailnet-provision", List.of("provision"), Map.of(
            "headscale", Param.text("[A-Za-z0-9-]{1,64}", "a Headscale record id (A-Z, a-z, 0-9 and -)", false),
            "routes", Param.text("[0-9a-fA-F:./,]{1,512}", "comma-separated CIDRs", false),
            "image", Param.text("[A-Za-z0-9./:@_-]{1,256}", "a container image reference", false),
            "rolloutTimeoutSeconds", Param.integer(5, 3600),
            "retries", Param.integer(0, 10)));

    static final String DB_ID = "[a-z0-9][a-z0-9_-]{0,63}";
    static final String TABLE = "[A-Za-z0-9][A-Za-z0-9_]{0,63}";
    static final String FORMAT = "json|ndjson|csv";
    /** Upload names are made by the Host App (never a caller's path), so a job can only read files under the exports directory. */
    public static final String UPLOAD = "import-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.(json|ndjson|csv)";

    /** Parameters every job takes. */
    public static final String CLUSTER = "cluster";
    /** Set by the Host App, not by callers: who submitted, and the anchor kind for /api/jobs. */
    public static final String SUBMITTED_BY = "submittedBy";
    public static final String KIND = "kind";

    /** A parameter's type and bounds (text: the pattern it must match, and whether it is required). */
    public record Param(String type, long min, long max, String pattern, String what, boolean required) {
        Param(String type, long min, long max) { this(type, min, max, null, null, false); }

        static Param bool() { return new Param("boolean", 0, 1); }

        static Param integer(long min, long max) { return new Param("integer", min, max); }

        static Param text(String pattern, String what, boolean required) { return new Param("text", 0, 0, pattern, what, required); }

        String describe() {
            String d = switch (type) {
                case "boolean" -> "true or false";
                case "text" -> what;
                default -> "a whole number from " + min + " to " + max;
            };
            return required ? d + " (required)" : d;
        }
    }

    private final String jobName;
    private final List<String> steps;
    private final Map<String, Param> params;

    BatchJob(String jobName, List<String> steps, Map<String, Param> params) {
        this.jobName = jobName;
        this.steps = steps;
        this.params = params;
    }

    private static List<String> setupSteps() {
        List<String> s = new ArrayList<>();
        s.add("plan");
        s.addAll(SetupSteps.names());
        s.add("report");
        return List.copyOf(s);
    }

    public String jobName() { return jobName; }

    /** The steps of a successful run, in order (a setup's rollback step is not among them). */
    public List<String> steps() { return steps; }

    public Map<String, Param> params() { return params; }

    public static Optional<BatchJob> byName(String name) {
        for (BatchJob j : values()) if (j.jobName.equals(name)) return Optional.of(j);
        return Optional.empty();
    }

    public static List<String> names() {
        return java.util.Arrays.stream(values()).map(BatchJob::jobName).toList();
    }

    /** Progress after {@code step} finished (or, with {@code done=false}, while it runs). */
    public double progressAt(String step, boolean done) {
        int i = steps.indexOf(step);
        if (i < 0) return -1;
        return (double) (i + (done ? 1 : 0)) / steps.size();
    }

    /** Whether a step that just ended counts as done for progress: not when it failed or was stopped. */
    public static boolean stepFinished(jakarta.batch.runtime.BatchStatus status, String exitStatus) {
        if (status == jakarta.batch.runtime.BatchStatus.FAILED || status == jakarta.batch.runtime.BatchStatus.STOPPING
                || status == jakarta.batch.runtime.BatchStatus.STOPPED || status == jakarta.batch.runtime.BatchStatus.ABANDONED) return false;
        return !"FAILED".equals(exitStatus) && !"STOPPED".equals(exitStatus);
    }

    /** Progress while {@code step} is {@code fraction} (0..1) done. */
    public double progressWithin(String step, double fraction) {
        int i = steps.indexOf(step);
        if (i < 0) return -1;
        return (i + Math.max(0, Math.min(1, fraction))) / steps.size();
    }

    /**
     * Validates the caller's parameters (object of strings, numbers or booleans) into job
     * parameters; the cluster is validated by the caller.
     */
    public Map<String, String> validate(JsonObject in) {
        Map<String, String> out = new LinkedHashMap<>();
        if (in == null) return out;
        List<String> unknown = new ArrayList<>();
        for (var e : in.entrySet()) {
            String k = e.getKey();
            JsonValue v = e.getValue();
            if (k.equals(CLUSTER)) {
                if (!(v instanceof JsonString s) || s.getString().isBlank()) throw invalid(k, "a cluster id");
                out.put(k, s.getString().trim());
                continue;
            }
            Param p = params.get(k);
            if (p == null) {
                unknown.add(k);
                continue;
            }
            String raw = switch (v.getValueType()) {
                case STRING -> ((JsonString) v).getString().trim();
                case NUMBER -> ((JsonNumber) v).toString();
                case TRUE -> "true";
                case FALSE -> "false";
                default -> throw invalid(k, p.describe());
            };
            if (p.type().equals("text")) {
                if (!(v instanceof JsonString) || !raw.matches(p.pattern())) throw invalid(k, p.describe());
                out.put(k, raw);
            } else if (p.type().equals("boolean")) {
                String b = raw.toLowerCase(Locale.ROOT);
                if (!b.equals("true") && !b.equals("false")) throw invalid(k, p.describe());
                out.put(k, b);
            } else {
                long n;
                try {
                    n = Long.parseLong(raw);
                } catch (NumberFormatException x) {
                    throw invalid(k, p.describe());
                }
                if (n < p.min() || n > p.max()) throw invalid(k, p.describe());
                out.put(k, Long.toString(n));
            }
        }
        if (!unknown.isEmpty()) {
            throw unknown(unknown);
        }
        List<String> missing = new ArrayList<>();
        params.forEach((k, p) -> {
            if (p.required() && !out.containsKey(k)) missing.add(k);
        });
        if (!missing.isEmpty()) {
            java.util.Collections.sort(missing);
            throw ApiException.badRequest("missing_param", "job " + jobName + " needs parameter(s): " + String.join(", ", missing),
                    Map.of("params", missing));
        }
        return out;
    }

    private ApiException unknown(List<String> unknown) {
        {
            List<String> allowed = new ArrayList<>(params.keySet());
            allowed.add(CLUSTER);
            java.util.Collections.sort(allowed);
            return ApiException.badRequest("unknown_param", "job " + jobName + " does not take parameter(s): " + String.join(", ", unknown),
                    Map.of("params", unknown, "allowed", allowed));
        }
    }

    private ApiException invalid(String k, String what) {
        return ApiException.badRequest("invalid_param", "parameter " + k + " of job " + jobName + " must be " + what, Map.of("param", k));
    }
}
