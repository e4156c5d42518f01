package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.BatchJob;
import io.guildnet.batch.ExecutionLogs;
import io.guildnet.batch.transfer.ExportFile;
import io.guildnet.batch.transfer.TransferFormat;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import java.io.StringReader;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Helpers shared by the transfer jobs' readers, writers and finish step: their parameters, the
 * checkpoint texts (JSON strings, so a checkpoint never depends on a Java class's serialized
 * form), and the job instance's running totals ({@code transfer.json}, for the report).
 */
final class TransferState {

    private TransferState() {}

    static final int DEFAULT_CHUNK = 500;

    static String param(Properties p, String k) {
        String v = p.getProperty(k);
        if (v == null || v.isBlank()) throw new IllegalStateException("job parameter " + k + " is missing");
        return v;
    }

    static int chunk(Properties p) {
        String c = p.getProperty("chunk");
        return c == null ? DEFAULT_CHUNK : Integer.parseInt(c);
    }

    static TransferFormat exportFormat(Properties p) {
        return TransferFormat.parse(p.getProperty("format", "ndjson"));
    }

    static TransferFormat importFormat(Properties p) {
        String f = p.getProperty("format");
        return f != null ? TransferFormat.parse(f) : io.guildnet.batch.transfer.TransferFiles.formatOf(param(p, "file"));
    }

    static String text(ExportFile.State s) {
        return Json.createObjectBuilder().add("offset", s.offset()).add("rows", s.rows()).add("columns", Json.createArrayBuilder(s.columns()))
                .build().toString();
    }

    static ExportFile.State state(String text) {
        if (text == null) return null;
        try (var r = Json.createReader(new StringReader(text))) {
            JsonObject o = r.readObject();
            return new ExportFile.State(o.getJsonNumber("offset").longValue(), o.getJsonNumber("rows").longValue(),
                    o.getJsonArray("columns").getValuesAs(JsonString.class).stream().map(JsonString::getString).toList());
        }
    }

    static Path totals(BatchEnvironment env, long instanceId) {
        return env.logs().instanceDir(instanceId).resolve("transfer.json");
    }

    static void saveTotals(BatchEnvironment env, long instanceId, long rows, long bytes) {
        ExecutionLogs.writeJsonFile(totals(env, instanceId), Json.createObjectBuilder().add("rows", rows).add("bytes", bytes).build());
    }

    static JsonObject loadTotals(BatchEnvironment env, long instanceId) {
        return ExecutionLogs.readJsonFile(totals(env, instanceId)).orElse(Json.createObjectBuilder().add("rows", 0).add("bytes", 0).build());
    }

    /** Progress within a step, with a log line each time another tenth is done. */
    static final class Progress {
        private final BatchEnvironment env;
        private final long id;
        private final BatchJob job;
        private final String step;
        private int tenths = -1;

        Progress(BatchEnvironment env, long id, String jobName, String step) {
            this.env = env;
            this.id = id;
            this.job = BatchJob.byName(jobName).orElseThrow();
            this.step = step;
        }

        void at(double fraction, long rows, String what) {
            env.logs().progress(id, job.progressWithin(step, fraction), step);
            int t = (int) Math.floor(Math.max(0, Math.min(1, fraction)) * 10);
            if (t > tenths) {
                if (tenths >= 0) env.logs().info(id, step, String.format(Locale.ROOT, "%d%% — %d rows %s", t * 10, rows, what));
                tenths = t;
            }
        }
    }
}
