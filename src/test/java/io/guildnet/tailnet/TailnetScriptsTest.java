package io.guildnet.tailnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The tailnet shell scripts against the fake Headscale: what they write, and that they print no key. */
class TailnetScriptsTest {

    @TempDir
    Path tmp;

    private record Run(int exit, String output) {}

    private Run run(Map<String, String> env, String... cmd) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("TS_") || k.startsWith("HEADSCALE"));
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return new Run(p.exitValue(), out);
    }

    @Test
    void namespaceAndKeysScriptCreatesTheUserOnceAndWritesBothKeysToA0600File() throws Exception {
        try (FakeHeadscale hs = new FakeHeadscale("script-api-key-991")) {
            Map<String, String> env = Map.of("HEADSCALE_URL", hs.url(), "HEADSCALE_API_KEY", "script-api-key-991", "OUT_DIR", tmp.toString());
            Run r = run(env, "bash", "scripts/headscale-namespace-and-keys.sh", "alpha");
            assertEquals(0, r.exit(), r.output());
            Path f = tmp.resolve("cluster-alpha-headscale.json");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(f)));
            JsonObject j = Json.createReader(new StringReader(Files.readString(f))).readObject();
            assertEquals("cluster-alpha", j.getString("namespace"));
            assertEquals(hs.url(), j.getString("loginServer"));
            assertEquals(hs.keys.get(0).key(), j.getString("routerAuthKey"));
            assertEquals(hs.keys.get(1).key(), j.getString("clientAuthKey"));
            assertTrue(hs.keys.stream().allMatch(k -> k.reusable() && !k.ephemeral()));
            for (var k : hs.keys) assertFalse(r.output().contains(k.key()), "a key was printed");
            assertFalse(r.output().contains("script-api-key-991"));

            Run again = run(env, "bash", "scripts/headscale-namespace-and-keys.sh", "alpha");
            assertEquals(0, again.exit(), again.output());
            assertTrue(again.output().contains("exists"), again.output());
            assertEquals(1, hs.requests.stream().filter(x -> x.equals("POST /api/v1/user")).count());

            Run wrong = run(Map.of("HEADSCALE_URL", hs.url(), "HEADSCALE_API_KEY", "nope", "OUT_DIR", tmp.toString()),
                    "bash", "scripts/headscale-namespace-and-keys.sh", "beta");
            assertEquals(1, wrong.exit(), wrong.output());
            assertFalse(Files.exists(tmp.resolve("cluster-beta-headscale.json")));
        }
    }

    @Test
    void routerScriptWithoutAKeySkipsAndTheScriptsParse() throws Exception {
        Run r = run(Map.of(), "bash", "scripts/deploy-tailscale-router.sh");
        assertEquals(0, r.exit(), r.output());
        assertTrue(r.output().contains("skipped"), r.output());
        for (String s : List.of("scripts/headscale-namespace-and-keys.sh", "scripts/deploy-tailscale-router.sh", "scripts/verify-e2e.sh")) {
            assertEquals(0, run(Map.of(), "bash", "-n", s).exit(), s);
        }
    }
}
