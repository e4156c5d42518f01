package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.transfer.TableImporter;
import io.guildnet.batch.transfer.TransferFormat;
import jakarta.batch.api.chunk.AbstractItemReader;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * rethink-import's reader: the uploaded file's rows, one at a time. Its checkpoint is the
 * number of rows handed to the writer; a restart skips that many rows (re-parsing them), and
 * since the writer upserts by primary key a chunk replayed after a crash rewrites the same rows.
 */
@Named("tableImportReader")
@Dependent
public class TableImportReader extends AbstractItemReader {

    @Inject
    JobContext job;

    @Inject
    StepContext step;

    @Inject
    BatchEnvironment env;

    private TableImporter importer;

    @Override
    public void open(Serializable checkpoint) throws Exception {
        long id = job.getExecutionId();
        Properties p = env.params(id);
        String db = TransferState.param(p, "db");
        String table = TransferState.param(p, "table");
        Path file = env.transferFiles().importFile(TransferState.param(p, "file"));
        if (!Files.isRegularFile(file)) {
            env.logs().log(id, step.getStepName(), "error", "upload " + file.getFileName() + " does not exist (upload it with POST /api/batch/uploads)", null, null);
            throw new IllegalStateException("upload " + file.getFileName() + " does not exist");
        }
        TransferFormat f = TransferState.importFormat(p);
        long from = checkpoint == null ? 0 : Long.parseLong((String) checkpoint);
        importer = new TableImporter(env.tableStore(id, step.getStepName()), db, table, file, f, TransferState.chunk(p));
        long total;
        try {
            total = TableImporter.countRows(file, f);
            importer.open(new TableImporter.Checkpoint(from));
        } catch (Exception e) {
            env.logs().log(id, step.getStepName(), "error", "cannot read " + file.getFileName() + " as " + f.extension() + ": " + e.getMessage(), null,
                    e.getClass().getSimpleName());
            throw e;
        }
        step.setTransientUserData(new Shared(importer, total));
        env.logs().info(id, step.getStepName(), from == 0 ? "importing " + file.getFileName() + " (" + f.extension() + ") into " + db + "." + table
                : "resuming the import into " + db + "." + table + " after row " + from);
    }

    /** What the writer needs for progress. */
    record Shared(TableImporter importer, long totalRows) {}

    @Override
    public Object readItem() {
        try {
            return importer.nextRow();
        } catch (RuntimeException e) {
            env.logs().log(job.getExecutionId(), step.getStepName(), "error", "bad input after row " + importer.rowsRead() + ": " + e.getMessage(), null,
                    e.getClass().getSimpleName());
            throw e;
        }
    }

    @Override
    public Serializable checkpointInfo() {
        return Long.toString(importer.rowsRead());
    }

    @Override
    public void close() throws Exception {
        if (importer != null) importer.close();
    }
}
