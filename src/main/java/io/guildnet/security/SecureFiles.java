package io.guildnet.security;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Set;

/** File helpers for state: private directories (0700), private files (0600), atomic replace. */
public final class SecureFiles {

    private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
    private static final Set<PosixFilePermission> DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> FILE = PosixFilePermissions.fromString("rw-------");

    private SecureFiles() {}

    /** Creates {@code dir} (and parents) and makes {@code dir} itself 0700. */
    public static Path privateDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        if (POSIX) Files.setPosixFilePermissions(dir, DIR);
        return dir;
    }

    /**
     * Writes {@code data} to {@code target} so that a crash leaves either the old
     * or the new content, never a mix: temp file (0600) in the same directory,
     * fsync, atomic rename.
     */
    public static void writeAtomically(Path target, byte[] data) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path tmp = Files.createTempFile(dir, "." + target.getFileName(), ".tmp");
        try {
            if (POSIX) Files.setPosixFilePermissions(tmp, FILE);
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING)) {
                ch.write(java.nio.ByteBuffer.wrap(data));
                ch.force(true);
            }
            try {
                Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    /** Like {@link #writeAtomically} but skips the write (and any file-watch churn) when content is unchanged. */
    public static boolean writeIfChanged(Path target, byte[] data) throws IOException {
        if (Files.isRegularFile(target) && Arrays.equals(Files.readAllBytes(target), data)) {
            restrict(target);
            return false;
        }
        writeAtomically(target, data);
        return true;
    }

    /** Makes an existing file 0600. */
    public static void restrict(Path file) throws IOException {
        if (POSIX && Files.exists(file)) Files.setPosixFilePermissions(file, FILE);
    }

    /** Deletes a directory tree; missing is fine. */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) return;
        try (var walk = Files.walk(root)) {
            for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    public static boolean posix() { return POSIX; }
}
