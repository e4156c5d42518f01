package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.transfer.ExportFile;
import io.guildnet.batch.transfer.TableStore;
import io.guildnet.batch.transfer.TransferFormat;
import jakarta.batch.api.chunk.AbstractItemWriter;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.JsonObject;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * rethink-export's writer: appends each chunk to {@code exports/export-<instance>.<ext>} and
 * forces it to disk. Its checkpoint is the file's length, rows and CSV columns after the chunk;
 * on restart the file is cut back to that length, so rows a crash wrote after the last commit
 * are written once again, never twice.
 */
@Named("tableExportWriter")
@Dependent
public class TableExportWriter extends AbstractItemWriter {

    @Inject
    JobContext job;

    @Inject
    StepContext step;

    @Inject
    BatchEnvironment env;

    private ExportFile file;
    private ExportFile.State state;
    private long total;
    private TransferState.Progress progress;

    @Override
    public void open(Serializable checkpoint) throws Exception {
        try {
            openFile(checkpoint);
        } catch (Exception e) {
            env.logs().log(job.getExecutionId(), step.getStepName(), "error", "cannot open the export file: " + e.getMessage(), null,
                    e.getClass().getSimpleName());
            throw e;
        }
    }

    private void openFile(Serializable checkpoint) throws Exception {
        long id = job.getExecutionId();
        Properties p = env.params(id);
        String db = TransferState.param(p, "db");
        String table = TransferState.param(p, "table");
        TransferFormat f = TransferState.exportFormat(p);
        TableStore store = env.tableStore(id, step.getStepName());
        file = new ExportFile(env.transferFiles().exportFile(job.getInstanceId(), f), f);
        ExportFile.State from = TransferState.state((String) checkpoint);
        List<String> columns = from != null ? from.columns()
                : f == TransferFormat.CSV ? ExportFile.csvColumns(store, db, table, store.primaryKey(db, table), TransferState.chunk(p)) : List.of();
        state = file.open(from, columns);
        TransferState.saveTotals(env, job.getInstanceId(), state.rows(), state.offset());
        total = store.count(db, table);
        progress = new TransferState.Progress(env, id, job.getJobName(), step.getStepName());
        if (from != null) env.logs().info(id, step.getStepName(), "file cut back to its checkpoint: " + state.rows() + " rows, " + state.offset() + " bytes");
    }

    @Override
    public void writeItems(List<Object> items) throws Exception {
        List<JsonObject> rows = new ArrayList<>(items.size());
        for (Object o : items) rows.add((JsonObject) o);
        state = file.append(rows);
        TransferState.saveTotals(env, job.getInstanceId(), state.rows(), state.offset());
        if (total > 0) progress.at((double) state.rows() / total, state.rows(), "exported");
    }

    @Override
    public Serializable checkpointInfo() {
        return state == null ? null : TransferState.text(state);
    }

    @Override
    public void close() throws Exception {
        if (file != null) file.close();
    }
}
