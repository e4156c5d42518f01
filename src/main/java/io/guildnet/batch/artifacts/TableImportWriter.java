package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.transfer.TableStore;
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

/** rethink-import's writer: upserts each chunk by primary key (idempotent, so a replayed chunk adds nothing) and reports progress as rows written of the rows in the file. */
@Named("tableImportWriter")
@Dependent
public class TableImportWriter extends AbstractItemWriter {

    @Inject
    JobContext job;

    @Inject
    StepContext step;

    @Inject
    BatchEnvironment env;

    private TableStore store;
    private String db;
    private String table;
    private TransferState.Progress progress;

    @Override
    public void open(Serializable checkpoint) {
        long id = job.getExecutionId();
        Properties p = env.params(id);
        db = TransferState.param(p, "db");
        table = TransferState.param(p, "table");
        store = env.tableStore(id, step.getStepName());
        progress = new TransferState.Progress(env, id, job.getJobName(), step.getStepName());
    }

    @Override
    public void writeItems(List<Object> items) throws Exception {
        List<JsonObject> rows = new ArrayList<>(items.size());
        for (Object o : items) rows.add((JsonObject) o);
        try {
            store.upsert(db, table, rows);
        } catch (Exception e) {
            env.logs().log(job.getExecutionId(), step.getStepName(), "error", "chunk not imported: " + e.getMessage(), null, e.getClass().getSimpleName());
            throw e;
        }
        if (step.getTransientUserData() instanceof TableImportReader.Shared s) {
            long done = s.importer().rowsRead();
            TransferState.saveTotals(env, job.getInstanceId(), done, s.importer().bytesRead());
            progress.at(s.totalRows() == 0 ? 1 : (double) done / s.totalRows(), done, "imported");
        }
    }

    @Override
    public Serializable checkpointInfo() {
        return null;
    }
}
