package io.guildnet.batch.artifacts;

import io.guildnet.batch.ExecutionLogs;
import io.guildnet.batch.setup.SetupRunner;
import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a setup job instance applied and has not rolled back, with each step's undo record;
 * kept per job instance on disk so a rollback after a restart still knows what to revert.
 */
final class SetupJournal {

    private final Path file;

    SetupJournal(ExecutionLogs logs, long instanceId) {
        this.file = logs.instanceDir(instanceId).resolve("applied.json");
    }

    synchronized List<SetupRunner.Applied> read() {
        List<SetupRunner.Applied> out = new ArrayList<>();
        ExecutionLogs.readJsonFile(file).ifPresent(o -> o.getJsonArray("applied").getValuesAs(JsonObject.class)
                .forEach(a -> out.add(new SetupRunner.Applied(a.getString("step"), a.getJsonObject("undo")))));
        return out;
    }

    synchronized void add(String step, JsonObject undo) {
        List<SetupRunner.Applied> all = read();
        all.removeIf(a -> a.step().equals(step));
        all.add(new SetupRunner.Applied(step, undo));
        write(all);
    }

    synchronized void clear() { write(List.of()); }

    private void write(List<SetupRunner.Applied> all) {
        JsonArrayBuilder a = Json.createArrayBuilder();
        all.forEach(x -> a.add(Json.createObjectBuilder().add("step", x.step()).add("undo", x.undo())));
        ExecutionLogs.writeJsonFile(file, Json.createObjectBuilder().add("applied", a).build());
    }
}
