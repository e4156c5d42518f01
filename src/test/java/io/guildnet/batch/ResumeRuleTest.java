package io.guildnet.batch;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.batch.runtime.BatchStatus;
import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which exports/imports the Host App resumes by itself after it starts again: those its own end
 * cut off, never one a user stopped or one that failed on its own — read from the execution's log
 * as the job listener and the stop request write it.
 */
class ResumeRuleTest {

    @TempDir
    Path dir;

    static List<JsonObject> log(String... msgs) {
        return java.util.Arrays.stream(msgs).map(m -> Json.createObjectBuilder().add("msg", m).build()).toList();
    }

    @Test
    void aCrashOrAShutdownIsResumed() {
        List<JsonObject> started = log("execution 7 of rethink-import started on cluster c1", "resuming the import into d.t after row 40");
        assertTrue(JobService.interrupted(BatchStatus.FAILED, started), "crash: recovery marked it FAILED, the listener never saw the end");
        assertTrue(JobService.interrupted(BatchStatus.STOPPED, started), "shutdown before the listener ran");
        List<JsonObject> stoppedByRuntime = log("execution 7 of rethink-import started on cluster c1", "execution 7 finished: STOPPED (STOPPED)");
        assertTrue(JobService.interrupted(BatchStatus.STOPPED, stoppedByRuntime), "graceful shutdown: the runtime stopped it, nobody asked");
    }

    @Test
    void aUserStopAFailureOrARunningOrFinishedJobIsNot() {
        assertFalse(JobService.interrupted(BatchStatus.STOPPED, log("x started", JobService.STOP_REQUESTED + "user:alice",
                "execution 7 finished: STOPPED (STOPPED)")));
        assertFalse(JobService.interrupted(BatchStatus.FAILED, log("x started", JobService.STOP_REQUESTED + "local")),
                "stop asked, then the process died before it stopped: the user still wanted it stopped");
        assertFalse(JobService.interrupted(BatchStatus.FAILED, log("x started", "execution 7 finished: FAILED (FAILED)")));
        assertFalse(JobService.interrupted(BatchStatus.COMPLETED, log("x started")));
        assertFalse(JobService.interrupted(BatchStatus.STARTED, log("x started")));
        assertFalse(JobService.interrupted(BatchStatus.ABANDONED, log("x started")));
        assertFalse(JobService.interrupted(BatchStatus.FAILED, log()), "no log: not an execution this Host App ran");
    }

    @Test
    void eachStartRemembersItselfAndReturnsThePreviousOne() throws Exception {
        Path file = dir.resolve("state/batch/host-started");
        java.time.Instant first = java.time.Instant.parse("2026-12-02T10:00:00Z");
        java.time.Instant second = java.time.Instant.parse("2026-12-02T11:00:00Z");
        org.junit.jupiter.api.Assertions.assertNull(TransferHousekeeping.swapStart(file, first), "first start (or an upgrade): nothing to resume");
        org.junit.jupiter.api.Assertions.assertEquals(first, TransferHousekeeping.swapStart(file, second));
        java.nio.file.Files.writeString(file, "garbage");
        org.junit.jupiter.api.Assertions.assertNull(TransferHousekeeping.swapStart(file, second), "an unreadable record resumes nothing");
        org.junit.jupiter.api.Assertions.assertEquals(second, TransferHousekeeping.swapStart(file, first));
    }

    @Test
    void readsTheLinesTheListenerAndTheStopRequestWrite() {
        ExecutionLogs logs = new ExecutionLogs(dir, Clock.systemUTC());
        logs.info(3, null, "execution 3 of rethink-export started on cluster c1");
        logs.log(3, null, "warn", JobService.finishedLine(3, "STOPPED", "STOPPED"), null, null);
        assertTrue(JobService.interrupted(BatchStatus.STOPPED, logs.read(3)));
        logs.log(4, null, "warn", JobService.STOP_REQUESTED + "local", null, null);
        logs.log(4, null, "warn", JobService.finishedLine(4, "STOPPED", "STOPPED"), null, null);
        logs.log(5, null, "warn", JobService.finishedLine(5, "FAILED", "FAILED"), null, null);
        assertFalse(JobService.interrupted(BatchStatus.FAILED, logs.read(5)));
        assertFalse(JobService.interrupted(BatchStatus.STOPPED, logs.read(4)));
    }
}
