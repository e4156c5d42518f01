package io.guildnet.rethink;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import java.io.StringReader;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** Checks rows against a table's column definitions and coerces imported text by column type. */
final class Coercion {

    private Coercion() {}

    static String type(JsonObject col) { return col.getString("type", "json"); }

    /** Errors of a full row: {@code missing:<col>} for a required column, {@code type:<col>} for a wrong type. */
    static List<String> check(Map<String, Object> row, List<JsonObject> cols) {
        List<String> errs = new ArrayList<>();
        for (JsonObject c : cols) {
            String n = c.getString("name");
            Object v = row.get(n);
            if (v == null) {
                if (c.getBoolean("required", false) && !c.containsKey("default")) errs.add("missing:" + n);
                continue;
            }
            if (!fits(v, type(c))) errs.add("type:" + n);
            else if (!enumOk(v, c)) errs.add("enum:" + n);
        }
        return errs;
    }

    static List<String> checkPatch(Map<String, Object> patch, List<JsonObject> cols) {
        List<String> errs = new ArrayList<>();
        for (JsonObject c : cols) {
            String n = c.getString("name");
            if (!patch.containsKey(n)) continue;
            Object v = patch.get(n);
            if (v == null) {
                if (c.getBoolean("required", false)) errs.add("missing:" + n);
            } else if (!fits(v, type(c))) errs.add("type:" + n);
        }
        return errs;
    }

    private static boolean enumOk(Object v, JsonObject c) {
        if (!(c.get("enum") instanceof jakarta.json.JsonArray e) || e.isEmpty()) return true;
        for (JsonValue x : e) if (Keys.compare(Keys.norm(Values.java(x)), Keys.norm(v)) == 0) return true;
        return false;
    }

    static boolean fits(Object v, String type) {
        return switch (type) {
            case "string" -> v instanceof String;
            case "number" -> v instanceof Number;
            case "boolean" -> v instanceof Boolean;
            case "timestamp" -> v instanceof String s && parseTime(s) != null;
            default -> true;
        };
    }

    static Instant parseTime(String s) {
        try {
            return Instant.parse(s);
        } catch (RuntimeException e) {
            try {
                return OffsetDateTime.parse(s).toInstant();
            } catch (RuntimeException e2) {
                return null;
            }
        }
    }

    /**
     * Coerces the values of an imported row in place: text becomes a number, boolean, normalised
     * RFC 3339 time or parsed JSON as its column says; empty text counts as absent; defaults fill
     * absent columns. Values that cannot be coerced are left and reported by {@link #check}.
     */
    static void coerce(Map<String, Object> row, List<JsonObject> cols) {
        for (JsonObject c : cols) {
            String n = c.getString("name");
            Object v = row.get(n);
            if (v instanceof String s && s.isEmpty()) {
                row.remove(n);
                v = null;
            }
            if (v == null) {
                if (c.containsKey("default") && c.get("default") != JsonValue.NULL) row.put(n, Values.java(c.get("default")));
                continue;
            }
            if (!(v instanceof String s)) continue;
            String t = s.trim();
            switch (type(c)) {
                case "number" -> {
                    try {
                        row.put(n, Long.parseLong(t));
                    } catch (NumberFormatException e) {
                        try {
                            double d = Double.parseDouble(t);
                            if (Double.isFinite(d)) row.put(n, d);
                        } catch (NumberFormatException ignored) {
                            // reported as type:<col>
                        }
                    }
                }
                case "boolean" -> {
                    switch (t.toLowerCase(Locale.ROOT)) {
                        case "true", "1", "yes", "y" -> row.put(n, true);
                        case "false", "0", "no", "n" -> row.put(n, false);
                        default -> { }
                    }
                }
                case "timestamp" -> {
                    Instant i = parseTime(t);
                    if (i != null) row.put(n, i.toString());
                }
                case "json" -> {
                    if (t.startsWith("{") || t.startsWith("[")) {
                        try (var r = Json.createReader(new StringReader(t))) {
                            row.put(n, Values.java(r.readValue()));
                        } catch (RuntimeException ignored) {
                            // kept as text
                        }
                    }
                }
                default -> { }
            }
        }
    }
}
