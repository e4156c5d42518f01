package io.guildnet.rethink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

class InMemoryBackendTest {

    @Test
    void keysSortAsRethinkDbSortsThemAndUpdatesMerge() {
        InMemoryBackend b = new InMemoryBackend();
        b.dbCreate("d");
        b.tableCreate("d", "t", "k");
        b.insert("d", "t", List.of(Map.of("k", "b"), Map.of("k", 2), Map.of("k", 10L), Map.of("k", true), Map.of("k", "a")), false);
        List<Object> keys = b.query("d", "t", RethinkBackend.Query.page(null, 10)).stream().map(r -> r.get("k")).toList();
        assertEquals(List.of(true, 2L, 10L, "a", "b"), keys.stream().map(Keys::norm).toList());
        b.update("d", "t", "a", Map.of("nested", Map.of("x", 1)));
        b.update("d", "t", "a", Map.of("nested", Map.of("y", 2)));
        assertEquals(Map.of("x", 1, "y", 2), b.get("d", "t", "a").get("nested"));
        assertNull(b.update("d", "t", "missing", Map.of("v", 1)));
        assertEquals(1, b.insert("d", "t", List.of(Map.of("k", "a")), false).errors());
        assertEquals(BackendException.Reason.NOT_FOUND, assertThrows(BackendException.class, () -> b.tableList("nope")).reason());
    }

    @Test
    void changesAreDeliveredInCommitOrderOffTheWriterThread() throws Exception {
        ExecutorService exec = Executors.newFixedThreadPool(3);
        InMemoryBackend b = new InMemoryBackend(exec);
        b.dbCreate("d");
        b.tableCreate("d", "t", "id");
        List<Object> seen = Collections.synchronizedList(new ArrayList<>());
        Thread writer = Thread.currentThread();
        List<Boolean> onWriter = Collections.synchronizedList(new ArrayList<>());
        b.changes("d", "t", new RethinkBackend.FeedListener() {
            public void onChange(String type, Map<String, Object> before, Map<String, Object> after) {
                seen.add(after.get("id"));
                onWriter.add(Thread.currentThread() == writer);
            }

            public void onError(Throwable error) { }
        });
        for (long i = 0; i < 2000; i++) b.insert("d", "t", List.of(Map.of("id", i)), false);
        long end = System.currentTimeMillis() + 5000;
        while (seen.size() < 2000 && System.currentTimeMillis() < end) Thread.sleep(10);
        List<Object> want = new ArrayList<>();
        for (long i = 0; i < 2000; i++) want.add(i);
        assertEquals(want, seen);
        assertEquals(List.of(false), onWriter.stream().distinct().toList());
        exec.shutdownNow();
    }
}
