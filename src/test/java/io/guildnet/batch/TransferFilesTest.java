package io.guildnet.batch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.guildnet.api.ApiException;
import io.guildnet.batch.transfer.ExportFile;
import io.guildnet.batch.transfer.TransferFiles;
import io.guildnet.batch.transfer.TransferFormat;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Upload and export files: names made by the Host App only, owner-only permissions, size limit, an idempotent JSON footer. */
class TransferFilesTest {

    @TempDir
    Path home;

    @Test
    void uploadsGetANewPrivateNameAndTooLargeOnesLeaveNothing() throws Exception {
        TransferFiles files = new TransferFiles(home.resolve("state/exports"), 10);
        String name = files.upload(new ByteArrayInputStream("{\"id\":1}\n".getBytes(StandardCharsets.UTF_8)), "ndjson", -1);
        assertTrue(name.matches(BatchJob.UPLOAD), name);
        Path f = files.importFile(name);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(files.dir())));
        assertEquals(TransferFormat.NDJSON, TransferFiles.formatOf(name));

        ApiException big = assertThrows(ApiException.class, () -> files.upload(new ByteArrayInputStream(new byte[11]), "csv", -1));
        assertEquals(413, big.status());
        assertEquals(413, assertThrows(ApiException.class, () -> files.upload(new ByteArrayInputStream(new byte[1]), "csv", 11)).status());
        assertEquals(400, assertThrows(ApiException.class, () -> files.upload(new ByteArrayInputStream(new byte[1]), "xml", -1)).status());
        assertEquals(400, assertThrows(ApiException.class, () -> files.upload(new ByteArrayInputStream(new byte[0]), "csv", -1)).status());
        try (var s = Files.list(files.dir())) {
            assertEquals(List.of(f), s.toList(), "rejected uploads leave no file");
        }
        for (String bad : List.of("../state.sqlite", "export-1.json", "/etc/passwd", name + "/../x")) {
            assertEquals(400, assertThrows(ApiException.class, () -> files.importFile(bad)).status(), bad);
        }
    }

    @Test
    void aJsonFooterIsWrittenOnceHoweverOftenTheFinishStepRuns() throws Exception {
        Path f = home.resolve("e.json");
        try (ExportFile ef = new ExportFile(f, TransferFormat.JSON)) {
            ef.open(null, List.of());
            ef.append(List.of(jakarta.json.Json.createObjectBuilder().add("id", 1).build()));
        }
        ExportFile.finish(f, TransferFormat.JSON);
        ExportFile.finish(f, TransferFormat.JSON);
        assertEquals("[\n{\"id\":1}\n]\n", Files.readString(f));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
        Path empty = home.resolve("empty.json");
        try (ExportFile ef = new ExportFile(empty, TransferFormat.JSON)) {
            ef.open(null, List.of());
        }
        ExportFile.finish(empty, TransferFormat.JSON);
        ExportFile.finish(empty, TransferFormat.JSON);
        assertEquals("[]\n", Files.readString(empty));
        assertFalse(Files.readString(empty).isEmpty());
    }

    @Test
    void theSweepRemovesOldExportsAndUploadsButNotRunningJobsFilesRecentOnesOrForeignFiles() throws Exception {
        TransferFiles files = new TransferFiles(home.resolve("state/exports"), 1 << 20);
        String oldUpload = files.upload(new ByteArrayInputStream("{}\n".getBytes(StandardCharsets.UTF_8)), "ndjson", -1);
        String newUpload = files.upload(new ByteArrayInputStream("{}\n".getBytes(StandardCharsets.UTF_8)), "ndjson", -1);
        Path oldExport = files.exportFile(7, TransferFormat.CSV);
        Path runningExport = files.exportFile(8, TransferFormat.NDJSON);
        Path part = files.dir().resolve(newUpload.replace(".ndjson", ".csv") + ".part");
        Path foreign = files.dir().resolve("notes.txt");
        for (Path f : List.of(oldExport, runningExport, part, foreign)) Files.writeString(f, "x");
        java.time.Instant now = java.time.Instant.parse("2026-12-02T12:00:00Z");
        java.nio.file.attribute.FileTime old = java.nio.file.attribute.FileTime.from(now.minus(java.time.Duration.ofHours(200)));
        for (Path f : List.of(files.importFile(oldUpload), oldExport, runningExport, part, foreign)) Files.setLastModifiedTime(f, old);
        Files.setLastModifiedTime(files.importFile(newUpload), java.nio.file.attribute.FileTime.from(now.minus(java.time.Duration.ofHours(1))));

        List<String> deleted = files.sweep(now.minus(java.time.Duration.ofHours(168)), java.util.Set.of("export-8.ndjson"));

        assertEquals(java.util.Set.of(oldUpload, "export-7.csv", part.getFileName().toString()), java.util.Set.copyOf(deleted));
        assertFalse(Files.exists(oldExport));
        assertTrue(Files.exists(runningExport), "a running export's file is kept");
        assertTrue(Files.exists(files.importFile(newUpload)), "a recent upload is kept");
        assertTrue(Files.exists(foreign), "a file the Host App did not name is never touched");
        assertEquals(List.of(), files.sweep(now.minus(java.time.Duration.ofHours(168)), java.util.Set.of()).stream()
                .filter(n -> !n.equals("export-8.ndjson")).toList(), "nothing else is left to remove");
    }

    @Test
    void anExportWhoseFileWasDeletedCannotContinueFromItsCheckpoint() throws Exception {
        TransferFiles files = new TransferFiles(home.resolve("state/exports"), 1 << 20);
        Path f = files.exportFile(9, TransferFormat.NDJSON);
        ExportFile.State state;
        try (ExportFile out = new ExportFile(f, TransferFormat.NDJSON)) {
            out.open(null, List.of("id"));
            state = out.append(List.of(jakarta.json.Json.createObjectBuilder().add("id", 1).build()));
        }
        Files.delete(f);
        try (ExportFile again = new ExportFile(f, TransferFormat.NDJSON)) {
            java.io.IOException e = assertThrows(java.io.IOException.class, () -> again.open(state, List.of("id")));
            assertTrue(e.getMessage().contains("was deleted") && e.getMessage().contains("submit the export again"), e.getMessage());
        }
        assertFalse(Files.exists(f), "no empty file is left that a later restart could take for the export");
    }
}
