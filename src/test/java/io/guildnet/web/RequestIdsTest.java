package io.guildnet.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

class RequestIdsTest {

    private static final String HEX32 = "[0-9a-f]{32}";

    @ParameterizedTest
    @ValueSource(strings = {"abc", "req-42", "a.b_c:d-e", "0123456789ABCDEF", "550e8400-e29b-41d4-a716-446655440000"})
    void saneIncomingIdIsKept(String id) {
        assertEquals(id, RequestIds.accept(id));
    }

    @Test
    void incomingIdIsTrimmed() {
        assertEquals("req-42", RequestIds.accept("  req-42\t"));
    }

    @Test
    void idOfExactly128CharactersIsKept() {
        String id = "a".repeat(128);
        assertEquals(id, RequestIds.accept(id));
    }

    @Test
    void overLongIdIsReplaced() {
        String id = "a".repeat(129);
        String out = RequestIds.accept(id);
        assertTrue(out.matches(HEX32), out);
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"   ", "has space", "<script>", "a/b", "id\nX-Injected: 1", "ünïcode", "a;b", "\"quoted\""})
    void weirdOrMissingIdIsReplacedByRandomHex(String id) {
        String out = RequestIds.accept(id);
        assertTrue(out.matches(HEX32), out);
    }

    @Test
    void generatedIdsAreRandomHex() {
        String a = RequestIds.generate();
        String b = RequestIds.generate();
        assertTrue(a.matches(HEX32), a);
        assertTrue(b.matches(HEX32), b);
        assertNotEquals(a, b);
    }
}
