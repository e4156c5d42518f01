package io.guildnet.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Per-execution logs: append-only NDJSON, redacted, replayed then followed without gaps or repeats. */
class ExecutionLogsTest {

    @TempDir
    Path dir;

    @Test
    void appendsRedactedLogEventsAndKeepsEarlierLines() throws Exception {
        ExecutionLogs logs = new ExecutionLogs(dir, Clock.systemUTC());
        logs.info(7, "crds", "created CRD workspaces.guildnet.io");
        byte[] before = Files.readAllBytes(dir.resolve("7/log.ndjson"));
        logs.log(7, "prerequisites", "warn", "GET failed with Authorization: Bearer abc.def.ghi", Map.of("token", "t0k3n", "host", "h"), "password=hunter2");
        byte[] after = Files.readAllBytes(dir.resolve("7/log.ndjson"));
        assertTrue(new String(after, StandardCharsets.UTF_8).startsWith(new String(before, StandardCharsets.UTF_8)), "appended, not rewritten");
        String raw = logs.raw(7);
        assertFalse(raw.contains("abc.def.ghi") || raw.contains("t0k3n") || raw.contains("hunter2"), raw);
        var events = logs.read(7);
        assertEquals(2, events.size());
        assertEquals("7", events.get(1).getString("job"));
        assertEquals("prerequisites", events.get(1).getString("step"));
        assertEquals("***", events.get(1).getJsonObject("kv").getString("token"));
        assertEquals("h", events.get(1).getJsonObject("kv").getString("host"));
    }

    @Test
    void followReplaysThenDeliversLiveEventsOnce() throws Exception {
        ExecutionLogs logs = new ExecutionLogs(dir, Clock.systemUTC());
        logs.info(3, null, "one");
        logs.info(3, null, "two");
        List<String> got = new ArrayList<>();
        AutoCloseable sub = logs.follow(3, e -> got.add(e.type() + ":" + (e.type().equals("log") ? e.data().getString("msg") : e.data().toString())));
        logs.info(3, null, "three");
        logs.progress(3, 0.5, "x");
        logs.end(3, "COMPLETED", "PASS");
        sub.close();
        logs.info(3, null, "four");
        assertEquals(List.of("log:one", "log:two", "log:three"), got.subList(0, 3));
        assertTrue(got.get(3).startsWith("progress:") && got.get(3).contains("0.5"));
        assertTrue(got.get(4).startsWith("end:") && got.get(4).contains("PASS"));
        assertEquals(5, got.size(), "nothing after unsubscribing");
        assertEquals(0.5, logs.progress(3));
        assertEquals(0, logs.listenerCount(3));
    }

    @Test
    void reportsAreStoredRedacted() {
        ExecutionLogs logs = new ExecutionLogs(dir, Clock.systemUTC());
        logs.saveReport(9, Json.createObjectBuilder().add("cluster", "c").add("api_token", "s3cr3t").build());
        assertEquals("***", logs.report(9).orElseThrow().getString("api_token"));
        assertTrue(logs.report(10).isEmpty());
    }
}
