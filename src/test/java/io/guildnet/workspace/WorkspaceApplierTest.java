package io.guildnet.workspace;

import static io.guildnet.workspace.WorkspaceFixture.workspace;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The desired-object hash that decides whether the applier writes. */
class WorkspaceApplierTest {

    @Test
    void equalDesiredObjectsHashEquallyAndAChangedSpecDoesNot() {
        var defaults = WorkspaceDefaults.none();
        String a = WorkspaceApplier.hash(DesiredState.deployment(workspace("codercom/code-server:4.90.3").build(), defaults));
        String b = WorkspaceApplier.hash(DesiredState.deployment(workspace("codercom/code-server:4.90.3").build(), defaults));
        String c = WorkspaceApplier.hash(DesiredState.deployment(workspace("codercom/code-server:4.91.0").build(), defaults));
        assertEquals(a, b);
        assertNotEquals(a, c);
        assertEquals(16, a.length());
    }

    @Test
    void theSharedSerializerGivesTheSameHashFromManyThreads() throws Exception {
        var desired = DesiredState.service(workspace("python:3.12-slim").build(), WorkspaceDefaults.none());
        String expected = WorkspaceApplier.hash(desired);
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<String>> hashes = IntStream.range(0, 200).mapToObj(i -> pool.submit(() -> WorkspaceApplier.hash(desired))).toList();
            Set<String> distinct = hashes.stream().map(f -> {
                try {
                    return f.get();
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }).collect(Collectors.toSet());
            assertEquals(Set.of(expected), distinct);
        } finally {
            pool.shutdownNow();
        }
    }
}
