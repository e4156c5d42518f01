package io.guildnet.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonValue;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/** Table, JSON and YAML output; secrets redacted in every format; colours only when on. */
class OutputTest {

    static final JsonArray ROWS = Json.createArrayBuilder()
            .add(Json.createObjectBuilder().add("id", "c1").add("state", "ready").add("token", "s3cret").add("nested", Json.createObjectBuilder().add("a", 1)))
            .add(Json.createObjectBuilder().add("id", "cluster-2").add("state", "error").add("rdb_pass_set", true))
            .build();

    String print(String format, boolean color, JsonValue v, List<String> cols) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        new Output(new PrintStream(b, true, StandardCharsets.UTF_8), format, color).print(v, cols);
        return b.toString(StandardCharsets.UTF_8);
    }

    @Test
    void tableHasAlignedColumnsOfScalarFields() {
        String t = print("table", false, ROWS, null);
        List<String> lines = t.lines().toList();
        assertEquals("ID         STATE  TOKEN  RDB_PASS_SET", lines.get(0));
        assertEquals("c1         ready  ***", lines.get(1).stripTrailing());
        assertTrue(lines.get(2).startsWith("cluster-2  error"), t);
        assertFalse(t.contains("s3cret"));
        assertEquals("ID  \nc1\ncluster-2\n".replace("ID  ", "ID"), print("table", false, ROWS, List.of("id")));
        assertEquals("(none)\n", print("table", false, JsonValue.EMPTY_JSON_ARRAY, null));
    }

    @Test
    void jsonAndYamlParseBackAndRedact() {
        String json = print("json", false, ROWS, List.of("id"));
        JsonArray back = Json.createReader(new StringReader(json)).readArray();
        assertEquals("***", back.getJsonObject(0).getString("token"));
        assertEquals(1, back.getJsonObject(0).getJsonObject("nested").getInt("a"), "json keeps every field");
        assertTrue(back.getJsonObject(1).getBoolean("rdb_pass_set"), "flags about secrets stay");
        List<Map<String, Object>> yaml = new Yaml().load(print("yaml", false, ROWS, null));
        assertEquals("c1", yaml.get(0).get("id"));
        assertEquals("***", yaml.get(0).get("token"));
        assertThrows(IllegalArgumentException.class, () -> new Output(System.out, "xml", false));
    }

    @Test
    void coloursStatusWordsOnlyWhenEnabled() {
        assertTrue(print("table", true, ROWS, List.of("id", "state")).contains("\u001b[32mready"));
        assertTrue(print("table", true, ROWS, List.of("id", "state")).contains("\u001b[31merror"));
        assertFalse(print("table", false, ROWS, null).contains("\u001b["));
        assertFalse(print("json", true, ROWS, null).contains("\u001b["));
    }
}
