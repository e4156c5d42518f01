package io.guildnet.batch;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonReader;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Per-execution state kept beside the batch job repository, under
 * {@code $GUILDNET_HOME/state/batch/executions/<id>/}: the step log ({@code log.ndjson},
 * append-only, one redacted LogEvent per line), the latest progress, and the report.
 * Live listeners (SSE, WebSocket) subscribe per execution; a subscription replays the log
 * and then follows it with no gap and no duplicate, because appending and subscribing take
 * the same per-execution lock.
 */
public final class ExecutionLogs {

    private static final Logger LOG = Logger.getLogger(ExecutionLogs.class.getName());

    /** Something a listener hears: {@code log} (a LogEvent), {@code progress} or {@code end}. */
    public record Event(String type, JsonObject data) {}

    private final Path root;
    private final Clock clock;
    private final Map<Long, Object> locks = new ConcurrentHashMap<>();
    private final Map<Long, List<Consumer<Event>>> listeners = new ConcurrentHashMap<>();

    public ExecutionLogs(Path root, Clock clock) {
        this.root = root;
        this.clock = clock;
    }

    public Path dir(long id) { return root.resolve(Long.toString(id)); }

    private Object lock(long id) { return locks.computeIfAbsent(id, k -> new Object()); }

    /** Appends one LogEvent {@code {ts, job, step?, level, msg, kv?, err?}}; every text is redacted first. */
    public JsonObject log(long id, String step, String level, String msg, Map<String, String> kv, String err) {
        JsonObjectBuilder b = Json.createObjectBuilder().add("ts", clock.instant().toString()).add("job", Long.toString(id));
        if (step != null) b.add("step", step);
        b.add("level", level == null ? "info" : level).add("msg", Redactor.text(msg == null ? "" : msg));
        if (kv != null && !kv.isEmpty()) {
            JsonObjectBuilder k = Json.createObjectBuilder();
            kv.forEach((key, v) -> k.add(key, Redactor.secret(key, v) ? Redactor.MASK : Redactor.text(String.valueOf(v))));
            b.add("kv", k);
        }
        if (err != null) b.add("err", Redactor.text(err));
        JsonObject e = b.build();
        synchronized (lock(id)) {
            try {
                Files.createDirectories(dir(id));
                Files.writeString(dir(id).resolve("log.ndjson"), e.toString() + "\n", StandardCharsets.UTF_8,
                        StandardOpenOption.CREATE, StandardOpenOption.APPEND, StandardOpenOption.WRITE);
            } catch (IOException ex) {
                LOG.warning("execution " + id + ": cannot append to its log: " + ex.getMessage());
            }
            publish(id, new Event("log", e));
        }
        return e;
    }

    public JsonObject info(long id, String step, String msg) { return log(id, step, "info", msg, null, null); }

    /** Records and announces progress (0..1) with the step it belongs to. */
    public void progress(long id, double p, String step) {
        double v = Math.max(0, Math.min(1, p));
        JsonObjectBuilder b = Json.createObjectBuilder().add("progress", v).add("ts", clock.instant().toString());
        if (step != null) b.add("step", step);
        JsonObject o = b.build();
        synchronized (lock(id)) {
            writeAtomically(dir(id).resolve("progress.json"), o.toString());
            publish(id, new Event("progress", o));
        }
    }

    public double progress(long id) {
        return readJson(dir(id).resolve("progress.json")).map(o -> o.getJsonNumber("progress").doubleValue()).orElse(0.0);
    }

    /** Announces the end of an execution to its listeners (they close their streams). */
    public void end(long id, String batchStatus, String exitStatus) {
        JsonObject o = Json.createObjectBuilder().add("status", batchStatus).add("exitStatus", exitStatus == null ? batchStatus : exitStatus)
                .add("ts", clock.instant().toString()).build();
        synchronized (lock(id)) {
            publish(id, new Event("end", o));
        }
    }

    /** The log so far, oldest first. */
    public List<JsonObject> read(long id) {
        synchronized (lock(id)) {
            return readUnlocked(id);
        }
    }

    private List<JsonObject> readUnlocked(long id) {
        Path f = dir(id).resolve("log.ndjson");
        List<JsonObject> out = new ArrayList<>();
        if (!Files.exists(f)) return out;
        try (BufferedReader r = Files.newBufferedReader(f, StandardCharsets.UTF_8)) {
            String line;
            while ((line = r.readLine()) != null) {
                if (line.isBlank()) continue;
                try (JsonReader jr = Json.createReader(new StringReader(line))) {
                    out.add(jr.readObject());
                } catch (RuntimeException e) {
                    // a line cut by a crash mid-write: skip it, keep the rest
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    /** The raw NDJSON log ("" when there is none yet). */
    public String raw(long id) {
        Path f = dir(id).resolve("log.ndjson");
        try {
            return Files.exists(f) ? Files.readString(f, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Replays the log to {@code listener}, then delivers every later event until the returned
     * handle is closed.
     */
    public AutoCloseable follow(long id, Consumer<Event> listener) {
        synchronized (lock(id)) {
            for (JsonObject e : readUnlocked(id)) listener.accept(new Event("log", e));
            listeners.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>()).add(listener);
        }
        return () -> {
            List<Consumer<Event>> l = listeners.get(id);
            if (l != null) l.remove(listener);
        };
    }

    public int listenerCount(long id) {
        List<Consumer<Event>> l = listeners.get(id);
        return l == null ? 0 : l.size();
    }

    private void publish(long id, Event e) {
        List<Consumer<Event>> l = listeners.get(id);
        if (l == null) return;
        for (Consumer<Event> c : l) {
            try {
                c.accept(e);
            } catch (RuntimeException ex) {
                l.remove(c);
            }
        }
    }

    /** Stores the execution's report (already redacted by its producer; redacted again here). */
    public void saveReport(long id, JsonObject report) {
        writeAtomically(dir(id).resolve("report.json"), Redactor.object(report).toString());
    }

    public Optional<JsonObject> report(long id) {
        return readJson(dir(id).resolve("report.json"));
    }

    /** Small JSON state of a job instance shared by its executions (e.g. the steps a setup applied). */
    public Path instanceDir(long instanceId) {
        return root.resolveSibling("instances").resolve(Long.toString(instanceId));
    }

    static Optional<JsonObject> readJson(Path f) {
        if (!Files.exists(f)) return Optional.empty();
        try (JsonReader r = Json.createReader(Files.newBufferedReader(f, StandardCharsets.UTF_8))) {
            return Optional.of(r.readObject());
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    static void writeAtomically(Path f, String content) {
        try {
            Files.createDirectories(f.getParent());
            Path tmp = f.resolveSibling(f.getFileName() + ".tmp");
            Files.writeString(tmp, content, StandardCharsets.UTF_8);
            Files.move(tmp, f, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Optional<JsonObject> readJsonFile(Path f) { return readJson(f); }

    public static void writeJsonFile(Path f, JsonObject o) { writeAtomically(f, o.toString()); }
}
