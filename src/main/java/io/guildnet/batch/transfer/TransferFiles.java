package io.guildnet.batch.transfer;

import io.guildnet.api.ApiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.UUID;

/**
 * The files of rethink-export and rethink-import under {@code $GUILDNET_HOME/state/exports/}
 * (directory 0700, files 0600). Every name is made here — {@code export-<job instance>.<ext>}
 * and {@code import-<uuid>.<ext>} — and checked against that shape when read back, so no caller
 * text ever becomes a path.
 */
public final class TransferFiles {

    private static final String IMPORT_NAME = "import-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\\.(json|ndjson|csv)";

    private final Path dir;
    private final long maxUpload;

    public TransferFiles(Path dir, long maxUpload) {
        this.dir = dir;
        this.maxUpload = maxUpload;
    }

    public Path dir() throws IOException {
        if (!Files.isDirectory(dir)) {
            Files.createDirectories(dir.getParent());
            try {
                Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            } catch (java.nio.file.FileAlreadyExistsException ignored) {
                // made meanwhile
            } catch (UnsupportedOperationException e) {
                Files.createDirectories(dir);
            }
        }
        return dir;
    }

    public long maxUpload() { return maxUpload; }

    /** The file an export job instance writes (the same for every execution of the instance, so a restart continues it). */
    public Path exportFile(long instanceId, TransferFormat format) throws IOException {
        return dir().resolve("export-" + instanceId + "." + format.extension());
    }

    /** The file an import reads: only a name {@link #upload} made. */
    public Path importFile(String name) throws IOException {
        if (name == null || !name.matches(IMPORT_NAME)) {
            throw ApiException.badRequest("invalid_param", "file must be a name returned by POST /api/batch/uploads", Map.of("param", "file"));
        }
        return dir().resolve(name);
    }

    /** The format a file name implies. */
    public static TransferFormat formatOf(String name) {
        return TransferFormat.parse(name.substring(name.lastIndexOf('.') + 1));
    }

    /**
     * Streams an upload to disk (never held in memory) under a new name; more than the limit is a
     * 413 and leaves no file behind. Returns the name to pass as the import's {@code file}.
     */
    public String upload(InputStream body, String format, long declaredLength) throws IOException {
        TransferFormat f;
        try {
            f = TransferFormat.parse(format == null || format.isBlank() ? "ndjson" : format);
        } catch (IllegalArgumentException e) {
            throw ApiException.badRequest("unsupported_format", "format must be json, ndjson or csv");
        }
        if (declaredLength > maxUpload) throw tooLarge();
        String name = "import-" + UUID.randomUUID() + "." + f.extension();
        Path part = dir().resolve(name + ".part");
        ExportFile.createPrivate(part);
        boolean ok = false;
        try (OutputStream out = Files.newOutputStream(part)) {
            byte[] buf = new byte[1 << 16];
            long total = 0;
            int n;
            while ((n = body.read(buf)) > 0) {
                total += n;
                if (total > maxUpload) throw tooLarge();
                out.write(buf, 0, n);
            }
            if (total == 0) throw ApiException.badRequest("empty_body", "the upload is empty");
            ok = true;
        } finally {
            if (!ok) Files.deleteIfExists(part);
        }
        Files.move(part, dir().resolve(name), StandardCopyOption.ATOMIC_MOVE);
        return name;
    }

    /** Names this class makes: exports, uploads, and uploads still being written. */
    private static final java.util.regex.Pattern OWN = java.util.regex.Pattern.compile(
            "export-[0-9]+\\.(json|ndjson|csv)|" + IMPORT_NAME + "|" + IMPORT_NAME + "\\.part");

    /**
     * Deletes export files and uploads last written before {@code cutoff}, except the names in
     * {@code keep} (files of running jobs). Files this class did not name are never touched.
     * Returns the names deleted.
     */
    public java.util.List<String> sweep(java.time.Instant cutoff, java.util.Set<String> keep) throws IOException {
        java.util.List<String> deleted = new java.util.ArrayList<>();
        if (!Files.isDirectory(dir)) return deleted;
        try (java.util.stream.Stream<Path> files = Files.list(dir)) {
            for (Path f : files.toList()) {
                String name = f.getFileName().toString();
                if (!OWN.matcher(name).matches() || keep.contains(name) || !Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)) continue;
                if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff) && Files.deleteIfExists(f)) deleted.add(name);
            }
        }
        return deleted;
    }

    private ApiException tooLarge() {
        return new ApiException(413, "too_large", "an upload may be at most " + maxUpload + " bytes (GUILDNET_BATCH_TRANSFER_UPLOAD_MAX_BYTES)",
                Map.of("max_bytes", maxUpload));
    }

    public static String mediaType(TransferFormat f) {
        return switch (f) {
            case CSV -> "text/csv; charset=utf-8";
            case NDJSON -> "application/x-ndjson";
            case JSON -> "application/json";
        };
    }
}
