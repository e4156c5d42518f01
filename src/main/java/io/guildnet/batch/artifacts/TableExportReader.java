package io.guildnet.batch.artifacts;

import io.guildnet.batch.BatchEnvironment;
import io.guildnet.batch.transfer.ExportFile;
import io.guildnet.batch.transfer.TableStore;
import jakarta.batch.api.chunk.AbstractItemReader;
import jakarta.batch.runtime.context.JobContext;
import jakarta.batch.runtime.context.StepContext;
import jakarta.enterprise.context.Dependent;
import jakarta.inject.Inject;
import jakarta.inject.Named;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Properties;

/**
 * rethink-export's reader: the table's rows in primary-key order, a page at a time. Its
 * checkpoint is the last key handed to the writer (as JSON, so a number key stays a number),
 * stored by the batch runtime in the same commit as the writer's file offset.
 */
@Named("tableExportReader")
@Dependent
public class TableExportReader extends AbstractItemReader {

    @Inject
    JobContext job;

    @Inject
    StepContext step;

    @Inject
    BatchEnvironment env;

    private TableStore store;
    private String db;
    private String table;
    private String pk;
    private int page;
    private JsonValue handedOut;
    private JsonValue fetched;
    private boolean exhausted;
    private final ArrayDeque<JsonObject> buffer = new ArrayDeque<>();

    @Override
    public void open(Serializable checkpoint) throws Exception {
        long id = job.getExecutionId();
        Properties p = env.params(id);
        db = TransferState.param(p, "db");
        table = TransferState.param(p, "table");
        page = TransferState.chunk(p);
        store = env.tableStore(id, step.getStepName());
        try {
            pk = store.primaryKey(db, table);
        } catch (Exception e) {
            env.logs().log(id, step.getStepName(), "error", "cannot export " + db + "." + table + ": " + e.getMessage(), null, e.getClass().getSimpleName());
            throw e;
        }
        handedOut = ExportFile.parseKey((String) checkpoint);
        fetched = handedOut;
        env.logs().info(id, step.getStepName(), checkpoint == null ? "exporting " + db + "." + table + " by " + pk + " in chunks of " + page
                : "resuming the export of " + db + "." + table + " after " + pk + " = " + checkpoint);
    }

    @Override
    public Object readItem() throws Exception {
        if (buffer.isEmpty() && !exhausted) {
            List<JsonObject> rows = store.page(db, table, fetched, page);
            if (rows.size() < page) exhausted = true;
            if (!rows.isEmpty()) fetched = rows.get(rows.size() - 1).get(pk);
            buffer.addAll(rows);
        }
        JsonObject r = buffer.poll();
        if (r != null) handedOut = r.get(pk);
        return r;
    }

    @Override
    public Serializable checkpointInfo() {
        return ExportFile.keyText(handedOut);
    }
}
