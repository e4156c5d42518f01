package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.transfer.ExportFile;
import io.guildnet.batch.transfer.TransferFormat;
import jakarta.batch.api.BatchProperty;
import jakarta.batch.runtime.context.JobContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Last step of rethink-export and rethink-import: closes an export file (JSON's {@code ]},
 * written once even when this step is re-run) and stores the report
 * {@code {db, table, format, rows, bytes, file?, download?}}.
 */
@Named("transferFinish")
@Dependent
public class TransferFinishBatchlet extends StepExit {

    @Inject
    JobContext job;

    @Inject
    BatchEnvironment env;

    @Inject
    @BatchProperty
    String mode;

    @Override
    public String process() throws Exception {
        long id = job.getExecutionId();
        Properties p = env.params(id);
        JsonObject totals = TransferState.loadTotals(env, job.getInstanceId());
        long rows = totals.getJsonNumber("rows").longValue();
        JsonObjectBuilder report = Json.createObjectBuilder().add("job", job.getJobName()).add("cluster", p.getProperty("cluster", ""))
                .add("db", TransferState.param(p, "db")).add("table", TransferState.param(p, "table")).add("rows", rows);
        if ("export".equals(mode)) {
            TransferFormat f = TransferState.exportFormat(p);
            Path file = env.transferFiles().exportFile(job.getInstanceId(), f);
            ExportFile.finish(file, f);
            report.add("format", f.extension()).add("file", file.getFileName().toString()).add("bytes", Files.size(file))
                    .add("download", "/api/batch/executions/" + id + "/file");
            env.logs().info(id, "finish", "exported " + rows + " rows to " + file.getFileName() + " (" + Files.size(file) + " bytes)");
        } else {
            report.add("format", TransferState.importFormat(p).extension()).add("file", TransferState.param(p, "file"))
                    .add("bytes", Files.size(env.transferFiles().importFile(TransferState.param(p, "file"))));
            env.logs().info(id, "finish", "imported " + rows + " rows into " + p.getProperty("db") + "." + p.getProperty("table"));
        }
        env.logs().saveReport(id, report.build());
        return exit("COMPLETED");
    }
}
