package io.guildnet.tailnet;

import io.guildnet.security.SecureFiles;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs one {@code tailscale} CLI command with a deadline; output goes through a 0600 file (no reader thread needed). */
final class Cli {

    record Result(int exit, String output) {}

    private Cli() {}

    static Result run(List<String> cmd, Path dir, Duration timeout) throws IOException {
        Path out = Files.createTempFile(dir, ".cli", ".out");
        try {
            SecureFiles.restrict(out);
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile()).redirectInput(ProcessBuilder.Redirect.from(nullFile()));
            Connector.scrubEnv(pb.environment());
            Process p = pb.start();
            boolean done;
            try {
                done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while running " + cmd.get(0));
            }
            if (!done) {
                p.destroyForcibly();
                return new Result(124, "timed out after " + timeout.toSeconds() + " s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }

    private static java.io.File nullFile() {
        return new java.io.File(System.getProperty("os.name", "").startsWith("Windows") ? "NUL" : "/dev/null");
    }
}
