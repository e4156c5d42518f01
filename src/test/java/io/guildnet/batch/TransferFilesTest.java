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
}
