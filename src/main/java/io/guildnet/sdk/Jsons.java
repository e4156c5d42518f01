package io.guildnet.sdk;

import jakarta.json.Json;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonValue;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/** Conversions between plain Java values and JSON-P values. */
public final class Jsons {
    private Jsons() {}

    /** A map whose values JSON-P's {@code createObjectBuilder(Map)} accepts (nested maps/lists converted). */
    static Map<String, Object> plain(Map<String, ?> m) {
        Map<String, Object> out = new LinkedHashMap<>();
        m.forEach((k, v) -> out.put(k, value(v)));
        return out;
    }

    /** Any simple Java value (String, Number, Boolean, Map, Collection, JsonValue, null) as JSON. */
    public static JsonValue value(Object v) {
        if (v == null) return JsonValue.NULL;
        if (v instanceof JsonValue j) return j;
        if (v instanceof String s) return Json.createValue(s);
        if (v instanceof Integer i) return Json.createValue(i);
        if (v instanceof Long l) return Json.createValue(l);
        if (v instanceof Number n) return Json.createValue(new java.math.BigDecimal(n.toString()));
        if (v instanceof Boolean b) return b ? JsonValue.TRUE : JsonValue.FALSE;
        if (v instanceof Map<?, ?> m) {
            JsonObjectBuilder b = Json.createObjectBuilder();
            m.forEach((k, x) -> b.add(String.valueOf(k), value(x)));
            return b.build();
        }
        if (v instanceof Collection<?> c) {
            JsonArrayBuilder a = Json.createArrayBuilder();
            c.forEach(x -> a.add(value(x)));
            return a.build();
        }
        return Json.createValue(String.valueOf(v));
    }
}
