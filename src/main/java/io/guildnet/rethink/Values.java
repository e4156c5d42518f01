package io.guildnet.rethink;

import jakarta.json.Json;
import jakarta.json.JsonArray;
import jakarta.json.JsonArrayBuilder;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonObjectBuilder;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Conversions between JSON-P values and the plain Java values rows are made of. */
public final class Values {

    /**
     * One JSON-P provider: {@code Json.createXxx} looks the provider up (a ServiceLoader scan) on
     * every call, which dominated the changefeed fan-out and export profiles.
     */
    public static final jakarta.json.spi.JsonProvider P = jakarta.json.spi.JsonProvider.provider();

    private Values() {}

    public static Object java(JsonValue v) {
        if (v == null) return null;
        return switch (v.getValueType()) {
            case NULL -> null;
            case TRUE -> Boolean.TRUE;
            case FALSE -> Boolean.FALSE;
            case STRING -> ((JsonString) v).getString();
            case NUMBER -> {
                JsonNumber n = (JsonNumber) v;
                yield n.isIntegral() && n.bigDecimalValue().abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) < 0 ? (Object) n.longValue()
                        : (Object) n.doubleValue();
            }
            case ARRAY -> {
                List<Object> l = new ArrayList<>();
                for (JsonValue x : (JsonArray) v) l.add(java(x));
                yield l;
            }
            case OBJECT -> map((JsonObject) v);
        };
    }

    public static Map<String, Object> map(JsonObject o) {
        Map<String, Object> m = new LinkedHashMap<>();
        o.forEach((k, x) -> m.put(k, java(x)));
        return m;
    }

    public static JsonValue json(Object o) {
        if (o == null) return JsonValue.NULL;
        if (o instanceof JsonValue j) return j;
        if (o instanceof Boolean b) return b ? JsonValue.TRUE : JsonValue.FALSE;
        if (o instanceof String s) return P.createValue(s);
        if (o instanceof Integer || o instanceof Long || o instanceof Short || o instanceof Byte) return P.createValue(((Number) o).longValue());
        if (o instanceof BigInteger bi) return P.createValue(bi);
        if (o instanceof BigDecimal bd) return P.createValue(bd);
        if (o instanceof Number n) {
            double d = n.doubleValue();
            if (d == Math.rint(d) && Math.abs(d) < 9.007199254740992E15) return P.createValue((long) d);
            return Double.isFinite(d) ? P.createValue(d) : JsonValue.NULL;
        }
        if (o instanceof Map<?, ?> m) {
            JsonObjectBuilder b = P.createObjectBuilder();
            m.forEach((k, v) -> b.add(String.valueOf(k), json(v)));
            return b.build();
        }
        if (o instanceof Collection<?> c) {
            JsonArrayBuilder b = P.createArrayBuilder();
            c.forEach(x -> b.add(json(x)));
            return b.build();
        }
        if (o instanceof java.time.temporal.TemporalAccessor t) return P.createValue(t.toString());
        return P.createValue(String.valueOf(o));
    }

    public static JsonObject object(Map<String, Object> m) {
        return (JsonObject) json(m);
    }
}
